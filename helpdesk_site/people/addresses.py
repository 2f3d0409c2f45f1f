"""The network address a request comes from, as far as it can be trusted.

Behind a reverse proxy every connection comes from the proxy, which names the
client in X-Forwarded-For. A client can send that header too, with anything
in it; the proxy only appends. So the header is read only when the peer is a
configured proxy (TRUSTED_PROXIES), and from the right: the first address
that is not one of our proxies is the client. Login lock-outs count by this
address, so a client choosing its own would get unlimited guesses.
"""

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def trusted_networks() -> tuple:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(text: str):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack server may see an IPv4 peer as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def address_from(peer: str | None, forwarded_for: str = "") -> str | None:
    """The client's address, given the connection's peer and the
    X-Forwarded-For header as received (several headers joined by commas)."""
    networks = trusted_networks()
    hop = _parse(peer or "")
    if hop is None:
        return peer or None
    if not _is_trusted(hop, networks):
        return str(hop)
    for entry in reversed(forwarded_for.split(",")):
        address = _parse(entry)
        if address is None:
            # Our proxy passed on something that is not an address: all we
            # know is which proxy it came through.
            return str(hop)
        hop = address
        if not _is_trusted(hop, networks):
            return str(hop)
    return str(hop)


def client_address(request) -> str | None:
    """The address of an HTTP request (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return address_from(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )
