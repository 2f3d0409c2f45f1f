"""Reports generated on schedule and on demand, stored, downloadable only in
scope, and e-mailed."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.models import StoredReport
from reporting.periods import containing
from tests.factories import UserFactory, supervisor

pytestmark = pytest.mark.django_db


def test_the_schedule_makes_each_ended_period_once_and_mails_it(
    db, settings, django_capture_on_commit_callbacks
):
    assert settings.CELERY_BEAT_SCHEDULE["reporting-period-reports"]["task"] == (
        "reporting.tasks.generate_due_reports"
    )
    regions = list(Region.objects.filter(code__in=["513300", "513322"]))
    supervisor("513300", email="gz@example.invalid")
    supervisor("513301", email="kd@example.invalid")
    supervisor("513322", email="ld@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        made = services.generate_due_reports(today=dt.date(2026, 1, 5), regions=regions)
    assert len(made) == 3 * 2 * 2  # week, month, year; docx and xlsx; two regions
    starts = {(r.kind, r.period_start) for r in made}
    assert starts == {
        ("week", dt.date(2025, 12, 29)),
        ("month", dt.date(2025, 12, 1)),
        ("year", dt.date(2025, 1, 1)),
    }
    assert not [m for m in mail.outbox if "kd@example.invalid" in m.to]  # not 康定's reports
    ld_mails = [m for m in mail.outbox if "ld@example.invalid" in m.to]
    assert len(ld_mails) == 6
    assert ld_mails[0].subject == "泸定县运维周报 2026年第1周（2025-12-29至2026-01-04）"
    assert ld_mails[0].attachments[0][0].startswith("513322-")
    prefecture_mails = [m for m in mail.outbox if "gz@example.invalid" in m.to]
    assert len(prefecture_mails) == len(made)
    assert services.generate_due_reports(today=dt.date(2026, 1, 5), regions=regions) == []


def test_a_supervisor_generates_and_downloads_a_report_in_scope(client, week):
    kangding = supervisor("513301")
    client.force_login(kangding)
    response = client.post(
        reverse("reporting:generate"),
        {"kind": "week", "date": "2025-11-12", "region": "513301", "format": "docx"},
    )
    report = StoredReport.objects.get()
    assert response.status_code == 302 and report.region_id == "513301"
    download = client.get(reverse("reporting:download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    listing = client.get(reverse("reporting:list")).content.decode()
    assert reverse("reporting:download", args=[report.pk]) in listing and "康定市" in listing


def test_downloads_are_refused_outside_the_supervisors_scope(client, db):
    report = services.generate_report(
        containing("week", dt.date(2025, 11, 12)), Region.objects.get(code="513322"), "xlsx"
    )
    url = reverse("reporting:download", args=[report.pk])
    client.force_login(supervisor("513301"))
    assert client.get(url).status_code == 404
    assert "513322" not in client.get(reverse("reporting:list")).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("reporting:list")).status_code == 403
    client.force_login(supervisor("513300"))
    assert client.get(url).status_code == 200


def test_a_county_supervisor_cannot_generate_another_countys_report(client, db):
    client.force_login(supervisor("513301"))
    response = client.post(
        reverse("reporting:generate"),
        {"kind": "week", "date": "2025-11-12", "region": "513322", "format": "docx"},
    )
    assert response.status_code == 400
    assert not StoredReport.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "decade", "date": "2025-11-12", "format": "docx"},
        {"kind": "week", "date": "2025-02-30", "format": "docx"},
        {"kind": "week", "date": "1900-01-01", "format": "docx"},
        {"kind": "week", "date": "2025-11-12", "format": "pdf"},
    ],
)
def test_bad_generate_requests_are_400(client, db, data):
    client.force_login(supervisor("513300"))
    assert client.post(reverse("reporting:generate"), data).status_code == 400


def test_a_report_mail_that_fails_waits_in_the_outbox_and_goes_out_later(
    db, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from helpdesk_site.outbox import services as outbox
    from helpdesk_site.outbox.models import Message, State
    from tests.outbox.faults import smtp_down

    luding = Region.objects.get(code="513322")
    supervisor("513322", email="ld@example.invalid")
    back_up = smtp_down(settings)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.generate_report(containing("week", dt.date(2026, 1, 5)), luding, "docx")
    message = Message.objects.get(key=f"reports.mail:{report.pk}")
    assert message.state == State.PENDING and message.attempts >= 1
    assert not mail.outbox
    back_up()
    assert outbox.deliver(now=timezone.now() + dt.timedelta(hours=1)) == {"delivered": 1}
    assert [m.to for m in mail.outbox] == [["ld@example.invalid"]]
    assert mail.outbox[0].attachments[0][0].startswith("513322-")
