"""In Chromium on a phone (390×844): a clerk opens the address the session's
QR code encodes, logs in, signs in and sees it recorded; the supervisor's
training pages fit a phone and a laptop (1366×768) and show no English."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from helpdesk_site.people.models import Role
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, region
from training import selectors
from training.models import Attendance, Invitation, TrainingPlan, TrainingSession

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# A subsystem's name (天府通办 APP) and the file formats materials come in.
ALLOWED_LATIN = {"APP", "PDF", "Word", "Excel", "PowerPoint"}


def english(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def fits_and_chinese(page, what, allowed=""):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (what, overflow)
    text = page.inner_text("main").replace(allowed, "")
    assert not english(text), (what, english(text))


@pytest.fixture
def running_session():
    """A session running now, a clerk invited to it and its supervisor."""
    department = DepartmentFactory(name="康定市政务服务中心", region=region("513301"))
    clerk = UserFactory(department=department, last_name="泽仁", first_name="卓玛")
    boss = UserFactory(
        role=Role.SUPERVISOR,
        department=None,
        supervised_region=region("513300"),
        last_name="刘",
        first_name="主任",
    )
    now = timezone.now()
    plan = TrainingPlan.objects.create(year=timezone.localdate().year, region=region("513300"))
    session = TrainingSession.objects.create(
        plan=plan,
        title="电子印章申领培训",
        outline="一、认领\n二、制章",
        starts_at=now - dt.timedelta(minutes=20),
        ends_at=now + dt.timedelta(minutes=100),
        form="offline",
        venue="甘孜州政务服务中心四楼培训室",
    )
    Invitation.objects.create(session=session, user=clerk)
    return session, clerk, boss


def log_in(page, user):
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_load_state()


def test_a_clerk_signs_in_from_the_qr_code_on_a_phone(browser, live_server, running_session):
    session, clerk, _boss = running_session
    # The address the QR code encodes, on the live server's host.
    url = f"{live_server.url}/{selectors.sign_in_url(session).split('/', 3)[3]}"
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(url)
    assert "/accounts/login/" in page.url
    log_in(page, clerk)
    page.wait_for_selector("[data-sign-in]")
    fits_and_chinese(page, "sign-in page")
    page.click("[data-sign-in]")
    page.wait_for_selector("[data-signed-in]")
    fits_and_chinese(page, "signed in")
    assert Attendance.objects.get(session=session, user=clerk).present
    page.click("main a.btn")
    page.wait_for_selector("[data-attended]")
    fits_and_chinese(page, "session page")


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_supervisors_training_pages_fit(browser, live_server, running_session, width, height):
    session, _clerk, boss = running_session
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, boss)
    sign_in_url = selectors.sign_in_url(session)
    for path in (
        "/training/",
        f"/training/plans/{session.plan_id}/",
        f"/training/sessions/{session.pk}/",
        f"/training/plans/{session.plan_id}/sessions/new/",
        "/training/materials/",
        "/training/needs/",
    ):
        page.goto(live_server.url + path)
        fits_and_chinese(page, path, allowed=sign_in_url)
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    assert page.locator("[data-qr] svg").count() == 1
