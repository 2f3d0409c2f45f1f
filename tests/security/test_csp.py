"""Every HTML page carries a Content-Security-Policy: strict on the site's own
pages (and nothing on them that it would block), looser on django-helpdesk's
staff pages, whose inline scripts we do not own, but still closed to other
origins."""

import re

import pytest
from django.urls import reverse

from helpdesk_site.people.models import Role
from tests.factories import OperatorFactory, UserFactory, file_ticket, region
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b[^>]*>", re.I)
HANDLER_OR_STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", re.I)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def ticket():
    return file_ticket(UserFactory(department__region=region("513301001")))


def site_pages(ticket):
    """The site's own pages: every URL of ours without parameters, and the
    pages of a ticket."""
    urls = {reverse("tickets:detail", args=[ticket.pk]), reverse("tickets:new")}
    for name, params, _route in walk():
        if params or name.split(":")[0] in ("helpdesk", "admin"):
            continue
        urls.add(reverse(name))
    return sorted(urls)


@pytest.mark.parametrize("who", ["admin", "reporter", "supervisor"])
def test_the_sites_pages_have_a_strict_policy_and_nothing_it_blocks(client, ticket, who):
    user = {
        "admin": lambda: UserFactory(role=Role.ADMIN, department=ticket.details.department),
        "reporter": lambda: UserFactory(department=ticket.details.department),
        "supervisor": lambda: UserFactory(role=Role.SUPERVISOR, supervised_region=region("513300")),
    }[who]()
    client.force_login(user)
    checked = 0
    for url in site_pages(ticket):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        checked += 1
        policy = directives(response)
        assert policy["script-src"][0] == "'self'", url
        assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["object-src"] == ["'none'"], url
        html = response.content.decode()
        nonce = next((s for s in policy["script-src"] if s.startswith("'nonce-")), None)
        for tag in INLINE_SCRIPT.findall(html) + INLINE_STYLE.findall(html):
            assert nonce and f'nonce="{nonce[7:-1]}"' in tag, f"{url}: {tag} without the nonce"
        found = HANDLER_OR_STYLE_ATTRIBUTE.search(html)
        assert found is None, f"{url}: {found.group(0)[:120]}"
    assert checked >= 5


def test_the_dashboards_inline_style_carries_the_requests_nonce(client):
    client.force_login(UserFactory(role=Role.SUPERVISOR, supervised_region=region("513300")))
    response = client.get(reverse("reporting:dashboard"))
    nonce = next(s for s in directives(response)["style-src"] if s.startswith("'nonce-"))
    assert f'<style nonce="{nonce[7:-1]}">' in response.content.decode()


def test_helpdesks_staff_pages_allow_its_inline_scripts_and_no_other_origin(client, ticket):
    client.force_login(OperatorFactory())
    for url in (reverse("helpdesk:dashboard"), reverse("helpdesk:view", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 200
        policy = directives(response)
        assert policy["script-src"][:2] == ["'self'", "'unsafe-inline'"]
        # A nonce would make browsers ignore 'unsafe-inline'.
        assert not any(s.startswith("'nonce-") for s in policy["script-src"])
        assert policy["default-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]


def test_the_admin_has_the_strict_policy(client):
    client.force_login(UserFactory(role=Role.ADMIN, department=None))
    response = client.get("/admin/people/user/add/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert HANDLER_OR_STYLE_ATTRIBUTE.search(response.content.decode()) is None


def test_an_uploaded_file_keeps_its_own_sandboxing_policy(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from helpdesk_site.tickets.uploads import check_upload
    from tests.factories import PNG

    clerk = UserFactory(department__region=region("513301001"))
    ticket = file_ticket(
        clerk, attachments=[check_upload(SimpleUploadedFile("shot.png", PNG, "image/png"))]
    )
    client.force_login(clerk)
    attachment = ticket.followup_set.get().followupattachment_set.get()
    response = client.get(attachment.file.url)
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
