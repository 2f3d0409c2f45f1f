"""Invitations reach the people of the chosen departments or levels with a
notice; clerks enrol; a supervisor's correction is kept in the audit trail;
who sees which session."""

from django.urls import reverse

from helpdesk_site.notices.models import Kind, Notice
from tests.factories import UserFactory
from training.models import Attendance, AttendanceMethod, Enrolment, Invitation

from .conftest import make_session


def test_inviting_a_department_and_a_level_notifies_those_people(
    client, now, plan, prefecture_supervisor, clerk, township_clerk, outsider, kangding_department
):
    now.set("2026-05-01T10:00")
    session = make_session(plan, "2026-05-10T09:00")
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("training:invite", args=[session.pk]),
        {"departments": [kangding_department.pk], "levels": ["township"]},
    )
    assert response.status_code == 302
    invited = set(Invitation.objects.values_list("user__username", flat=True))
    assert invited == {"clerk", "township_clerk"}
    notices = Notice.objects.filter(kind=Kind.TRAINING)
    assert {n.recipient.username for n in notices} == invited
    assert notices.first().link == reverse("training:session", args=[session.pk])
    # Inviting again adds nobody twice.
    client.post(reverse("training:invite", args=[session.pk]), {"levels": ["township"]})
    assert Invitation.objects.count() == 2


def test_invitation_without_a_choice_is_refused_in_chinese(
    client, now, plan, prefecture_supervisor
):
    now.set("2026-05-01T10:00")
    session = make_session(plan, "2026-05-10T09:00")
    client.force_login(prefecture_supervisor)
    response = client.post(reverse("training:invite", args=[session.pk]), {})
    assert response.status_code == 400
    assert "请选择要邀请的部门或行政区划层级" in response.content.decode()


def test_clerk_sees_the_invitation_and_enrols(client, now, plan, clerk):
    now.set("2026-05-01T10:00")
    session = make_session(plan, "2026-05-10T09:00")
    Invitation.objects.create(session=session, user=clerk)
    client.force_login(clerk)
    index = client.get(reverse("training:index"))
    assert session.title in index.content.decode()
    assert client.post(reverse("training:enrol", args=[session.pk])).status_code == 302
    assert Enrolment.objects.filter(session=session, user=clerk).exists()


def test_sessions_are_seen_by_whom_the_scope_allows(
    client, plan, clerk, outsider, kangding_supervisor, operator
):
    from tests.factories import region
    from training.models import TrainingPlan

    session = make_session(plan, "2026-05-10T09:00")
    Invitation.objects.create(session=session, user=clerk)
    county_plan = TrainingPlan.objects.create(year=2026, region=region("513322"))
    luding_session = make_session(county_plan, "2026-05-12T09:00")
    url = reverse("training:session", args=[session.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(operator)
    assert client.get(url).status_code == 404
    session.trainers.add(operator)
    assert client.get(url).status_code == 200
    # A county supervisor sees sessions their county's people are invited to,
    # but not another county's, and does not manage the prefecture's.
    client.force_login(kangding_supervisor)
    assert client.get(url).status_code == 200
    assert client.get(reverse("training:session", args=[luding_session.pk])).status_code == 404
    assert client.get(reverse("training:session_edit", args=[session.pk])).status_code == 403


def test_supervisor_corrects_attendance_and_the_audit_trail_keeps_it(
    client, now, plan, prefecture_supervisor, clerk
):
    session = make_session(plan, "2026-05-10T09:00")
    Invitation.objects.create(session=session, user=clerk)
    now.set("2026-05-10T09:05")
    client.force_login(clerk)
    from training import selectors

    client.post(reverse("training:sign_in", args=[selectors.sign_in_token(session)]))
    now.set("2026-05-10T15:00")
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("training:correct", args=[session.pk]),
        {"person": clerk.pk, "present": "0", "note": "签到后即离场"},
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session, user=clerk)
    assert not attendance.present and attendance.method == AttendanceMethod.MANUAL
    history = list(attendance.history.order_by("history_date"))
    assert [h.present for h in history] == [True, False]
    assert history[0].history_user == clerk
    assert history[1].history_user == prefecture_supervisor
    assert history[1].history_change_reason == "签到后即离场"
    page = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert "签到后即离场" in page and "签到变更记录" in page


def test_correction_needs_a_reason_and_a_manager(client, now, plan, prefecture_supervisor, clerk):
    session = make_session(plan, "2026-05-10T09:00")
    Invitation.objects.create(session=session, user=clerk)
    client.force_login(prefecture_supervisor)
    url = reverse("training:correct", args=[session.pk])
    response = client.post(url, {"person": clerk.pk, "present": "1", "note": ""})
    assert response.status_code == 400
    assert not Attendance.objects.exists()
    client.force_login(clerk)
    assert client.post(url, {"person": clerk.pk, "present": "1", "note": "x"}).status_code == 403
    stranger = UserFactory()
    client.force_login(prefecture_supervisor)
    response = client.post(url, {"person": stranger.pk, "present": "1", "note": "补录"})
    assert response.status_code == 400
    assert "此人不在本场培训名单中" in response.content.decode()
