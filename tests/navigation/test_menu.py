"""The 平台运行 dropdown: entries added by apps, shown only to whom they name."""

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk_site.navigation import menu
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_for_one_user():
    item = menu.register(
        menu.MenuItem(
            "platform",
            "test-entry",
            "巡检测试",
            "tickets:list",
            visible=lambda user: user.username == "shown",
        )
    )
    yield item
    menu._registry.pop((item.group, item.key))


def _page_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("tickets:list")).content.decode()


def test_an_entry_shows_in_the_platform_dropdown_for_whom_it_names(entry_for_one_user):
    page = _page_for(UserFactory(username="shown"))
    assert 'id="menu-platform"' in page and "平台运行" in page
    assert f'href="{reverse("tickets:list")}">巡检测试</a>' in page


def test_the_dropdown_is_not_drawn_when_no_entry_is_visible(entry_for_one_user):
    page = _page_for(UserFactory(username="hidden"))
    assert "巡检测试" not in page and 'id="menu-platform"' not in page
