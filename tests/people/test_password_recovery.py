"""A forgotten password in a government office: a one-time password from an
administrator or the county's supervisor, changed at the next login; and
e-mail reset where the desk sends mail, which tells nobody whether an
account exists."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk_site.outbox import services as outbox
from helpdesk_site.people import passwords
from helpdesk_site.people.models import Role
from tests.factories import DepartmentFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def office(db):
    kangding = DepartmentFactory(
        name="炉城街道便民服务中心", region=region("513301001", "炉城街道")
    )
    luding = DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))
    return {
        "clerk": UserFactory(department=kangding, email="clerk@example.invalid"),
        "luding clerk": UserFactory(department=luding),
        "kangding supervisor": UserFactory(
            role=Role.SUPERVISOR, department=None, supervised_region=region("513301")
        ),
        "luding supervisor": UserFactory(
            role=Role.SUPERVISOR, department=None, supervised_region=region("513322")
        ),
        "admin": UserFactory(role=Role.ADMIN, department=None),
    }


def reset(client, actor, user):
    client.force_login(actor)
    return client.post(reverse("reset_password", args=[user.pk]))


def test_one_time_passwords_are_readable_and_differ():
    made = {passwords.one_time_password() for _ in range(50)}
    assert len(made) == 50
    assert all(not set(p) & set("0O1lI") for p in made)


def test_the_county_supervisor_resets_a_clerk_who_must_then_choose_a_password(client, office):
    clerk = office["clerk"]
    response = reset(client, office["kangding supervisor"], clerk)
    assert response.status_code == 200
    password = response.context["password"]
    client.logout()

    login = client.post(reverse("login"), {"username": clerk.username, "password": password})
    assert login.status_code == 302
    # Every page leads to the password change until a new one is chosen.
    for page in (reverse("tickets:list"), reverse("notices:list"), f"/tickets/{1}/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "一次性密码" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Ganzi-新密码-2026",
            "new_password2": "Ganzi-新密码-2026",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.must_change_password
    assert client.get(reverse("tickets:list")).status_code == 200


def test_another_countys_supervisor_cannot_reset_and_sees_nobody_outside(client, office):
    clerk = office["clerk"]
    before = clerk.password
    assert reset(client, office["luding supervisor"], clerk).status_code == 404
    clerk.refresh_from_db()
    assert clerk.password == before and not clerk.must_change_password
    listing = client.get(reverse("accounts")).content.decode()
    assert office["luding clerk"].username in listing and clerk.username not in listing
    # Nor a fellow supervisor of the same county, nor an administrator.
    assert reset(client, office["kangding supervisor"], office["admin"]).status_code == 404


def test_reporters_manage_no_accounts(client, office):
    client.force_login(office["clerk"])
    assert client.get(reverse("accounts")).status_code == 403
    assert reset(client, office["clerk"], office["luding clerk"]).status_code == 404


def test_an_administrator_resets_anyone_but_administrators(client, office):
    assert reset(client, office["admin"], office["luding supervisor"]).status_code == 200
    assert reset(client, office["admin"], UserFactory(role=Role.ADMIN)).status_code == 404


def test_email_reset_says_the_same_for_any_address_and_sends_only_to_accounts(
    client, office, settings
):
    settings.PASSWORD_RESET_BY_EMAIL = True
    known = client.post(reverse("password_reset"), {"email": "clerk@example.invalid"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.invalid"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    outbox.deliver()
    assert [m.to for m in mail.outbox] == [["clerk@example.invalid"]]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert "设置新密码" in mail.outbox[0].subject


def test_email_reset_is_rate_limited(client, office, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.PASSWORD_RESET_LIMIT = 2
    statuses = [
        client.post(reverse("password_reset"), {"email": f"a{n}@example.invalid"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_without_mail_the_page_sends_people_to_their_supervisor(client, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    response = client.get(reverse("password_reset"))
    assert response.status_code == 404 and "一次性密码" in response.content.decode()


def reset_form(client, actor, user) -> dict:
    """The fields of the account's reset form as the accounts page renders it."""
    client.force_login(actor)
    page = client.get(reverse("accounts"), {"q": user.username}).content.decode()
    action = reverse("reset_password", args=[user.pk])
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))


def test_a_reset_form_sent_twice_resets_once(client, office):
    clerk, supervisor = office["clerk"], office["kangding supervisor"]
    fields = reset_form(client, supervisor, clerk)
    assert fields.get("submit_token")
    url = reverse("reset_password", args=[clerk.pk])
    first = client.post(url, fields)
    password = first.context["password"]
    # A double click, or a reload of the answer: the password read out stays valid.
    again = client.post(url, fields)
    assert again.status_code == 200 and again.context["password"] is None
    page = again.content.decode()
    assert "已由此表单重置过" in page and password not in page
    clerk.refresh_from_db()
    assert clerk.check_password(password)
    # A new form (the page's "reset again") makes a new one.
    renewed = client.post(url, reset_form(client, supervisor, clerk))
    assert renewed.context["password"] not in (None, password)


def test_a_reset_token_is_not_good_for_another_account(client, office):
    clerk, supervisor = office["clerk"], office["kangding supervisor"]
    fields = reset_form(client, supervisor, clerk)
    client.post(reverse("reset_password", args=[clerk.pk]), fields)
    colleague = UserFactory(department=clerk.department)
    before = colleague.password
    response = client.post(reverse("reset_password", args=[colleague.pk]), fields)
    assert response.status_code == 400
    colleague.refresh_from_db()
    assert colleague.password == before and not colleague.must_change_password
    bad_token = {"submit_token": "空 格"}
    response = client.post(reverse("reset_password", args=[colleague.pk]), bad_token)
    assert response.status_code == 400 and "刷新页面" in response.content.decode()
