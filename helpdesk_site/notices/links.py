"""Addresses a notice points to, on the configured public host. No Django
model imports: the e-mail text and its link are plain functions."""

from urllib.parse import urlsplit


def ticket_path(ticket_id: int) -> str:
    return f"/tickets/{int(ticket_id)}/"


def absolute(site_url: str, path: str) -> str:
    """The public host's address of a path, whatever slashes the setting has."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def host_of(site_url: str) -> str:
    """The host (and port) of the public address: the Site's domain."""
    return urlsplit(site_url).netloc


def mail_body(message: str, link: str, *, open_label: str, footer: str) -> str:
    lines = [message]
    if link:
        lines += ["", f"{open_label}{link}"]
    return "\n".join([*lines, "", footer])
