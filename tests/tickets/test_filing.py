import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.outbox import services as outbox
from helpdesk_site.outbox import tasks
from helpdesk_site.outbox.models import Message, State
from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Subsystem, TicketDetails
from sla import services as sla_services
from sla.models import HandlingLogEntry, LogKind, SlaClock
from tests.factories import PNG, UserFactory, file_ticket, region
from tests.outbox.faults import broker_down, smtp_down

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clerk(client):
    user = UserFactory(department__region=region("513301001", "炉城街道"))
    client.force_login(user)
    return user


def form(**overrides):
    data = {
        "subsystem": Subsystem.objects.get(code="e_license").pk,
        "category": "fault",
        "priority": "3",
        "title": "电子证照无法制作",
        "description": "制作营业执照电子证照时页面一直转圈。",
        "contact_phone": "0836-2812345",
    }
    data.update(overrides)
    return data


def test_clerk_files_a_ticket_with_screenshots(client, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:new"),
            form(
                attachments=[
                    SimpleUploadedFile("截图.png", PNG, "image/png"),
                    SimpleUploadedFile("说明.pdf", PDF, "application/pdf"),
                ]
            ),
        )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    details = ticket.details
    assert (details.department, details.region_id) == (clerk.department, "513301001")
    assert details.subsystem.code == "e_license" and details.category == "fault"
    assert ticket.queue == details.subsystem.queue
    opened = FollowUp.objects.get(ticket=ticket)
    assert opened.user == clerk and opened.public
    names = sorted(a.mime_type for a in opened.followupattachment_set.all())
    assert names == ["application/pdf", "image/png"]
    received = [m for m in mail.outbox if clerk.email in m.to]
    assert len(received) == 1 and str(ticket.pk) in received[0].subject
    page = client.get(response["Location"]).content.decode()
    assert "电子证照无法制作" in page
    assert "甘孜藏族自治州 › 康定市 › 炉城街道" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.png", b"MZ\x90\x00\x03" + b"\x00" * 200, "不是可接受的文件类型"),
        ("page.pdf", PNG, "与文件名不符"),
        ("empty.txt", b"", "空文件"),
    ],
)
def test_bad_file_is_refused_and_the_form_is_kept(client, clerk, name, content, message):
    response = client.post(
        reverse("tickets:new"), form(attachments=[SimpleUploadedFile(name, content)])
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    # What the clerk typed is still there.
    assert "制作营业执照电子证照时页面一直转圈。" in body
    assert not Ticket.objects.exists()


def test_oversized_file_is_refused(client, clerk, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = client.post(
        reverse("tickets:new"),
        form(attachments=[SimpleUploadedFile("big.png", PNG + b"\x00" * 200, "image/png")]),
    )
    assert response.status_code == 400
    assert "太大" in response.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [
        {"subsystem": "999999"},
        {"subsystem": "not-a-number"},
        {"category": "gossip"},
        {"priority": "9"},
        {"title": ""},
        {"title": "长" * 201},
        {"contact_phone": "<script>"},
    ],
)
def test_invalid_fields_get_a_clear_error(client, clerk, overrides):
    response = client.post(reverse("tickets:new"), form(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Ticket.objects.exists()


def test_someone_without_a_department_cannot_file(client):
    operator = UserFactory(role=Role.OPERATOR, department=None)
    client.force_login(operator)
    assert client.get(reverse("tickets:new")).status_code == 403


def test_reporter_sees_department_tickets_with_status(client, clerk):
    colleague = UserFactory(department=clerk.department)
    mine = file_ticket(clerk, title="我的工单")
    theirs = file_ticket(colleague, title="同事的工单")
    outsider = file_ticket(UserFactory(department__region=region("513322")), title="泸定的工单")
    body = client.get(reverse("tickets:list")).content.decode()
    assert mine.title in body and theirs.title in body
    assert outsider.title not in body
    assert "打开" in body


def test_list_filters_and_bad_filter_values(client, clerk):
    file_ticket(clerk, title="证照问题")
    file_ticket(clerk, subsystem="e_seal", title="印章问题")
    body = client.get(reverse("tickets:list"), {"subsystem": "e_seal"}).content.decode()
    assert "印章问题" in body and "证照问题" not in body
    response = client.get(reverse("tickets:list"), {"status": "abc", "page": "zzz"})
    assert response.status_code == 200


def test_reporter_comments_closes_and_reopens_own_ticket(client, clerk):
    ticket = file_ticket(clerk)
    response = client.post(
        reverse("tickets:comment", args=[ticket.pk]),
        {"comment": "补充：换了浏览器也一样", "attachments": [SimpleUploadedFile("a.png", PNG)]},
    )
    assert response.status_code == 302
    comment = FollowUp.objects.filter(ticket=ticket, comment__startswith="补充").get()
    assert comment.user == clerk and comment.followupattachment_set.count() == 1

    client.post(reverse("tickets:close", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.CLOSED_STATUS
    client.post(reverse("tickets:reopen", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.REOPENED_STATUS


def test_colleague_may_comment_but_not_close(client, clerk):
    ticket = file_ticket(clerk)
    colleague = UserFactory(department=clerk.department)
    client.force_login(colleague)
    assert client.post(reverse("tickets:close", args=[ticket.pk])).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.OPEN_STATUS


def test_empty_comment_is_refused(client, clerk):
    ticket = file_ticket(clerk)
    response = client.post(reverse("tickets:comment", args=[ticket.pk]), {"comment": "  "})
    assert response.status_code == 400
    assert FollowUp.objects.filter(ticket=ticket).count() == 1


def test_comment_is_escaped(client, clerk):
    ticket = file_ticket(clerk)
    client.post(
        reverse("tickets:comment", args=[ticket.pk]), {"comment": "<script>alert(1)</script>"}
    )
    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_internal_notes_stay_internal(client, clerk):
    ticket = file_ticket(clerk)
    FollowUp.objects.create(ticket=ticket, title="内部备注", comment="内部排查记录", public=False)
    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "内部排查记录" not in body


def test_unknown_ticket_is_404(client, clerk):
    assert client.get("/tickets/999999/").status_code == 404
    assert client.get("/tickets/abc/").status_code == 404
    assert client.post("/tickets/999999/close/").status_code == 404


def test_details_copy_department_at_filing(clerk):
    ticket = file_ticket(clerk)
    other = UserFactory().department
    clerk.department = other
    clerk.save()
    assert TicketDetails.objects.get(ticket=ticket).department != other


# --- A ticket, its clocks, its log line and its e-mail: together or not at all ---


def test_a_filed_ticket_has_its_clocks_log_line_and_mail_before_any_commit_hook(clerk):
    """Nothing waits for an on-commit hook: as the filing's transaction ends,
    everything that makes the record whole is in it."""
    ticket = file_ticket(clerk)
    assert SlaClock.objects.filter(ticket=ticket).count() == 2
    assert HandlingLogEntry.objects.filter(ticket=ticket, kind=LogKind.FILED).exists()
    queued = Message.objects.get(key=f"tickets.received:{ticket.pk}:submitter")
    assert queued.state == State.PENDING
    # The e-mail, and the consoles' notice (which the web process had a head start on).
    assert outbox.deliver(now=timezone.now() + dt.timedelta(minutes=1)) == {"delivered": 2}
    received = [m for m in mail.outbox if clerk.email in m.to]
    assert len(received) == 1 and str(ticket.pk) in received[0].subject


@pytest.mark.django_db(transaction=True)
def test_a_failure_starting_the_clocks_files_nothing(client, clerk, monkeypatch):
    """As when PostgreSQL restarts under the filing: the clerk gets an error,
    and no ticket is left without its clocks and its "filed" log line."""
    logged = sla_services.log

    def database_gone(ticket_id, kind, **fields):
        if kind == LogKind.FILED:
            raise OperationalError("server closed the connection unexpectedly")
        return logged(ticket_id, kind, **fields)

    monkeypatch.setattr(sla_services, "log", database_gone)
    client.raise_request_exception = False
    response = client.post(reverse("tickets:new"), form())
    assert response.status_code >= 500
    assert not Ticket.objects.exists()
    assert not TicketDetails.objects.exists() and not FollowUp.objects.exists()
    assert not SlaClock.objects.exists() and not Message.objects.exists()
    assert mail.outbox == []


def test_the_received_mail_waits_for_the_broker_and_the_mail_server(
    client, clerk, settings, django_capture_on_commit_callbacks
):
    smtp_back_up = smtp_down(settings)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tickets:new"), form())
    assert response.status_code == 302  # filed, though neither is there
    ticket = Ticket.objects.get()
    assert mail.outbox == []
    tasks.deliver()  # the beat's delivery; the mail server is still down
    assert Message.objects.get(key__startswith="tickets.received").attempts == 1
    smtp_back_up()
    outbox.deliver(now=timezone.now() + dt.timedelta(minutes=1))
    outbox.deliver(now=timezone.now() + dt.timedelta(days=1))
    received = [m for m in mail.outbox if clerk.email in m.to]
    assert len(received) == 1 and str(ticket.pk) in received[0].subject
