import pytest
from django.urls import reverse

from helpdesk_site.people.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_role_decides_group_and_staff_status():
    user = UserFactory(role=Role.REPORTER)
    assert list(user.groups.values_list("name", flat=True)) == ["reporter"]
    assert not user.is_staff
    user.role = Role.OPERATOR
    user.save()
    assert list(user.groups.values_list("name", flat=True)) == ["operator"]
    assert user.is_staff and not user.is_superuser
    user.role = Role.ADMIN
    user.save()
    assert user.is_superuser


def test_login_and_logout(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("tickets:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("tickets:list")).status_code == 302


def test_logins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert client.get(reverse("tickets:list")).status_code == 302


def test_interface_is_chinese_by_default_and_english_on_request(client):
    user = UserFactory()
    client.force_login(user)
    assert "提交工单" in client.get(reverse("tickets:list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/tickets/"})
    body = client.get(reverse("tickets:list")).content.decode()
    assert "File a ticket" in body and "提交工单" not in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("tickets:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_browser_language_does_not_override_chinese_default(client):
    client.force_login(UserFactory())
    body = client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert "提交工单" in body.decode()


def test_names_and_departments_read_naturally():
    user = UserFactory(last_name="泽仁", first_name="卓玛", department__name="炉城街道便民服务中心")
    user.department.region.name = "炉城街道"
    assert user.display_name() == "泽仁卓玛"
    assert str(user.department) == "炉城街道便民服务中心"
    assert UserFactory(last_name="Li", first_name="Wei").display_name() == "Wei Li"
