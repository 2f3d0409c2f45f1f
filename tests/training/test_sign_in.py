"""Offline sign-in by QR code: valid only during the session (with a short
grace) and only for invited or enrolled people; online attendance on opening."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.sla.conftest import at
from training import selectors
from training.models import Attendance, AttendanceMethod, Invitation

from .conftest import make_session


@pytest.fixture
def session(plan, clerk):
    session = make_session(plan, "2026-05-10T09:00")
    Invitation.objects.create(session=session, user=clerk)
    return session


def sign_in(client, user, session):
    client.force_login(user)
    url = reverse("training:sign_in", args=[selectors.sign_in_token(session)])
    return client.post(url)


def test_trainer_page_shows_a_qr_code_of_the_sign_in_url(client, now, session, operator):
    session.trainers.add(operator)
    now.set("2026-05-10T08:50")
    client.force_login(operator)
    page = client.get(reverse("training:session", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="segno"' in html
    assert selectors.sign_in_url(session) in html


def test_clerk_page_shows_no_sign_in_code(client, now, session, clerk):
    now.set("2026-05-10T08:50")
    client.force_login(clerk)
    page = client.get(reverse("training:session", args=[session.pk]))
    assert page.status_code == 200
    assert "data-sign-in-card" not in page.content.decode()


@pytest.mark.parametrize("when", ["2026-05-10T08:30", "2026-05-10T10:00", "2026-05-10T11:30"])
def test_invited_clerk_signs_in_during_the_session_or_its_grace(client, now, session, clerk, when):
    now.set(when)
    response = sign_in(client, clerk, session)
    assert response.status_code == 200
    assert "data-signed-in" in response.content.decode()
    attendance = Attendance.objects.get(session=session, user=clerk)
    assert attendance.present and attendance.method == AttendanceMethod.QR
    assert attendance.at == at(when)


@pytest.mark.parametrize("when", ["2026-05-10T08:29", "2026-05-10T11:31", "2026-05-11T09:00"])
def test_code_is_refused_outside_the_window(client, now, session, clerk, when):
    now.set(when)
    response = sign_in(client, clerk, session)
    assert response.status_code == 400
    assert "签到时间为" in response.content.decode()
    assert not Attendance.objects.exists()


def test_only_invited_or_enrolled_people_sign_in(client, now, session, outsider):
    now.set("2026-05-10T09:30")
    response = sign_in(client, outsider, session)
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_enrolled_person_signs_in(client, now, session, clerk, township_clerk):
    session.enrolments.create(user=township_clerk)
    now.set("2026-05-10T09:30")
    assert sign_in(client, township_clerk, session).status_code == 200


def test_forged_or_stale_codes_are_refused(client, now, session, clerk):
    now.set("2026-05-10T09:30")
    client.force_login(clerk)
    forged = client.post(reverse("training:sign_in", args=["1:forged"]))
    assert forged.status_code == 400
    old_token = selectors.sign_in_token(session)
    session.starts_at += dt.timedelta(days=1)
    session.ends_at += dt.timedelta(days=1)
    session.save()
    stale = client.post(reverse("training:sign_in", args=[old_token]))
    assert stale.status_code == 400
    assert not Attendance.objects.exists()


def test_sign_in_asks_to_log_in_first(client, session):
    url = reverse("training:sign_in", args=[selectors.sign_in_token(session)])
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_opening_an_online_session_in_its_time_records_attendance(client, now, plan, clerk):
    online = make_session(
        plan, "2026-06-01T15:00", form="online", venue="", meeting_link="https://meet.example/x"
    )
    Invitation.objects.create(session=online, user=clerk)
    client.force_login(clerk)
    now.set("2026-06-01T10:00")
    early = client.get(reverse("training:session", args=[online.pk]))
    assert "data-meeting-link" not in early.content.decode()
    assert not Attendance.objects.exists()
    now.set("2026-06-01T15:10")
    during = client.get(reverse("training:session", args=[online.pk]))
    assert "https://meet.example/x" in during.content.decode()
    attendance = Attendance.objects.get(session=online, user=clerk)
    assert attendance.method == AttendanceMethod.ONLINE


def test_the_page_says_when_sign_in_opens_before_it_does(client, now, session, clerk):
    now.set("2026-05-09T09:00")
    client.force_login(clerk)
    page = client.get(reverse("training:sign_in", args=[selectors.sign_in_token(session)]))
    html = page.content.decode()
    assert "data-closed" in html and "data-sign-in" not in html
    assert "签到时间为2026-05-10 08:30至2026-05-10 11:30" in html
