"""What every page carries: an icon that is found, and a language switch
that names each language in its own words and needs no JavaScript."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_icon_is_named_on_pages_and_found_at_favicon_ico(client):
    page = client.get(reverse("login")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    shipped = finders.find(icon.removeprefix(settings.STATIC_URL))
    assert shipped and "<svg" in Path(shipped).read_text()
    # Pages that name no icon (helpdesk's, the admin's) get it too.
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon


def test_the_language_switch_names_each_language_in_itself_and_posts_without_script():
    client = Client()
    client.force_login(UserFactory())
    page = client.get(reverse("tickets:list")).content.decode()
    switch = page.split('class="btn-group language-switch"', 1)[1].split("</form>", 1)[0]
    buttons = re.findall(
        r'<button[^>]*name="language" value="([^"]+)"[^>]*>([^<]+)</button>', switch
    )
    assert buttons == [("zh-hans", "简体中文"), ("en", "English")]
    assert "英语" not in switch and "<select" not in switch

    response = client.post(reverse("set_language"), {"language": "en", "next": "/tickets/"})
    assert response.status_code == 302
    page = client.get("/tickets/").content.decode()
    assert '<html lang="en">' in page
