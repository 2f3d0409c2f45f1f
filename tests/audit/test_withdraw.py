"""Tickets are withdrawn (撤销), never erased: hidden from every list but kept
whole, restorable by an administrator, each step on record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import TicketDetails
from sla.models import HandlingLogEntry, LogKind, SlaClock

pytestmark = pytest.mark.django_db


def kept_whole(ticket) -> bool:
    return (
        Ticket.objects.filter(pk=ticket.pk).exists()
        and TicketDetails.objects.filter(ticket_id=ticket.pk).exists()
        and FollowUp.objects.filter(ticket_id=ticket.pk).exists()
        and SlaClock.objects.filter(ticket_id=ticket.pk).count() == 2
        and HandlingLogEntry.objects.filter(ticket_id=ticket.pk, kind=LogKind.FILED).exists()
    )


def withdraw(client, ticket, reason="重复提交，与另一工单相同"):
    return client.post(reverse("helpdesk:delete", args=[ticket.pk]), {"reason": reason})


def test_helpdesks_delete_page_withdraws_the_ticket_instead(
    ticket, reporter, operator, supervisor, as_user, admin_user
):
    response = withdraw(as_user(admin_user), ticket)
    assert response.status_code == 302
    assert kept_whole(ticket)
    for user in (reporter, operator, supervisor):
        client = as_user(user)
        assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404
        assert "电子证照无法制作" not in client.get(reverse("tickets:list")).content.decode()
        assert client.get(f"/api/tickets/{ticket.pk}/").status_code == 404
    assert as_user(operator).get(reverse("helpdesk:view", args=[ticket.pk])).status_code == 404


def test_withdrawing_needs_a_reason(ticket, operator, as_user, admin_user):
    response = withdraw(as_user(admin_user), ticket, reason="  ")
    assert response.status_code == 400
    assert scope.can_view_ticket(operator, ticket.pk)


def test_withdrawing_is_for_administrators_after_a_confirmation(
    ticket, operator, as_user, admin_user
):
    operator_client = as_user(operator)
    assert withdraw(operator_client, ticket).status_code == 403
    assert scope.can_view_ticket(operator, ticket.pk)
    page = operator_client.get(reverse("helpdesk:view", args=[ticket.pk])).content.decode()
    assert reverse("helpdesk:delete", args=[ticket.pk]) not in page
    dashboard = operator_client.get(reverse("helpdesk:dashboard")).content.decode()
    assert "?next=dashboard" not in dashboard and "电子证照无法制作" in dashboard
    admin = as_user(admin_user)
    page = admin.get(reverse("helpdesk:view", args=[ticket.pk])).content.decode()
    assert reverse("helpdesk:delete", args=[ticket.pk]) in page and "撤销" in page
    # The link leads to a confirmation that asks for a reason, not to a deletion.
    confirm = admin.get(reverse("helpdesk:delete", args=[ticket.pk]))
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    assert scope.can_view_ticket(admin_user, ticket.pk)


def test_a_reporter_cannot_withdraw(ticket, reporter, as_user):
    assert withdraw(as_user(reporter), ticket).status_code in (302, 403)
    assert scope.can_view_ticket(reporter, ticket.pk)


def test_the_api_refuses_to_delete_a_ticket(ticket, operator, as_user):
    response = as_user(operator).delete(f"/helpdesk/api/tickets/{ticket.pk}/")
    assert response.status_code == 405
    assert kept_whole(ticket)
    assert scope.can_view_ticket(operator, ticket.pk)


def test_the_lists_bulk_delete_is_refused(ticket, operator, as_user):
    response = as_user(operator).post(
        reverse("helpdesk:mass_update"), {"ticket_id": [str(ticket.pk)], "action": "delete"}
    )
    assert response.status_code == 302
    assert kept_whole(ticket)


def test_no_ticket_can_be_deleted_from_the_admin_or_the_model(ticket, admin_user, as_user):
    client = as_user(admin_user)
    assert client.get(f"/admin/helpdesk/ticket/{ticket.pk}/delete/").status_code == 403
    client.post(
        "/admin/helpdesk/ticket/",
        {"action": "delete_selected", "_selected_action": [ticket.pk], "post": "yes"},
    )
    assert kept_whole(ticket)
    with pytest.raises(PermissionDenied), transaction.atomic():
        Ticket.objects.get(pk=ticket.pk).delete()
    assert kept_whole(ticket)


def test_an_administrator_restores_a_withdrawn_ticket(
    ticket, reporter, operator, admin_user, as_user
):
    withdraw(as_user(admin_user), ticket)
    admin = as_user(admin_user)
    listing = admin.get("/admin/audit/withdrawal/").content.decode()
    assert "重复提交，与另一工单相同" in listing
    from helpdesk_site.audit.models import Withdrawal

    withdrawal = Withdrawal.objects.get(ticket=ticket)
    restore = f"/admin/audit/withdrawal/{withdrawal.pk}/restore/"
    assert admin.post(restore, {"reason": ""}).status_code == 400
    response = admin.post(restore, {"reason": "误撤销，恢复处理"})
    assert response.status_code == 302
    assert scope.can_view_ticket(reporter, ticket.pk)
    # Both steps stay on record, with who and why.
    history = as_user(operator).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "已撤销" in history and "重复提交，与另一工单相同" in history and "李工" in history
    assert "已恢复" in history and "误撤销，恢复处理" in history and "赵管" in history
    # The clocks paused while it was withdrawn and run again.
    kinds = list(HandlingLogEntry.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert LogKind.PAUSED in kinds and kinds[-1] == LogKind.RESUMED
    assert not Ticket.objects.get(pk=ticket.pk).on_hold


def test_only_administrators_restore(ticket, operator, as_user, admin_user):
    withdraw(as_user(admin_user), ticket)
    from helpdesk_site.audit.models import Withdrawal

    withdrawal = Withdrawal.objects.get(ticket=ticket)
    response = as_user(operator).post(
        f"/admin/audit/withdrawal/{withdrawal.pk}/restore/", {"reason": "我想恢复"}
    )
    assert response.status_code in (302, 403)
    assert not scope.can_view_ticket(operator, ticket.pk)


def test_a_withdrawn_ticket_leaves_search_and_reports(ticket, operator, admin_user, as_user):
    from helpdesk_site.tickets.scope import reported_region
    from kb import search
    from reporting.periods import containing
    from reporting.selectors import Filters, filed_in, scope_for

    def found(user):
        return {hit.id for hit in search.search_tickets("电子证照", user=user)}

    def filed(user):
        period = containing("month", timezone.localdate())
        filters = Filters(period=period, region=reported_region(user))
        return set(filed_in(scope_for(filters, user), period).values_list("pk", flat=True))

    assert ticket.pk in found(operator) and ticket.pk in found(admin_user)
    assert ticket.pk in filed(admin_user)
    withdraw(as_user(admin_user), ticket)
    assert kept_whole(ticket)
    assert ticket.pk not in found(operator) and ticket.pk not in found(admin_user)
    assert ticket.pk not in filed(admin_user)


def test_a_withdrawn_ticket_does_not_escalate(ticket, operator, as_user, admin_user):
    from sla import services as sla

    withdraw(as_user(admin_user), ticket)
    assert kept_whole(ticket)
    sla.sweep(now=timezone.now() + dt.timedelta(days=60))
    assert not HandlingLogEntry.objects.filter(
        ticket=ticket, kind__in=[LogKind.ESCALATED, LogKind.BREACHED]
    ).exists()


def test_helpdesks_staff_list_leaves_a_withdrawn_ticket_out(ticket, operator, as_user, admin_user):
    import base64
    import json

    client = as_user(operator)
    query = base64.b64encode(json.dumps({"filtering": {}, "sorting": "created"}).encode())
    url = f"/helpdesk/datatables_ticket_list/{query.decode()}"
    assert ticket.pk in [row["id"] for row in client.get(url).json()["data"]]
    withdraw(as_user(admin_user), ticket)
    assert kept_whole(ticket)
    assert ticket.pk not in [row["id"] for row in client.get(url).json()["data"]]


def test_helpdesks_dashboard_and_kanban_leave_a_withdrawn_ticket_out(
    ticket, operator, as_user, admin_user
):
    client = as_user(operator)
    pages = [reverse("helpdesk:dashboard"), reverse("helpdesk:kanban")]
    for page in pages:
        assert "电子证照无法制作" in client.get(page).content.decode(), page
    withdraw(as_user(admin_user), ticket)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert "电子证照无法制作" not in response.content.decode(), page


def test_helpdesks_report_pages_lead_to_the_sites_scoped_reports(operator, supervisor, as_user):
    pages = (reverse("helpdesk:report_index"), "/helpdesk/reports/userqueue/")
    for page in pages:
        response = as_user(supervisor).get(page)
        assert response.status_code == 302
        assert response["Location"] == reverse("reporting:dashboard")
        # Operators have no reports of their own (the site's are for supervisors).
        assert as_user(operator).get(page).status_code == 403


def test_notices_of_a_withdrawn_ticket_are_no_longer_shown(ticket, operator, as_user, admin_user):
    from helpdesk_site.notices.models import Notice

    Notice.objects.create(recipient=operator, ticket=ticket, message="工单即将超时")
    Notice.objects.create(recipient=operator, message="节假日安排已更新")
    client = as_user(operator)
    assert "工单即将超时" in client.get(reverse("notices:list")).content.decode()
    withdraw(as_user(admin_user), ticket)
    page = client.get(reverse("notices:list")).content.decode()
    assert "工单即将超时" not in page and "节假日安排已更新" in page


def test_follow_ups_and_attachments_are_never_deleted(ticket, admin_user, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from helpdesk.models import FollowUpAttachment

    followup = FollowUp.objects.filter(ticket=ticket).first()
    attachment = FollowUpAttachment.objects.create(
        followup=followup,
        file=SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n"),
        filename="截图.png",
        mime_type="image/png",
        size=8,
    )
    client = as_user(admin_user)
    assert admin_user.is_superuser
    pages = [
        reverse("helpdesk:followup_delete", args=[ticket.pk, followup.pk]),
        reverse("helpdesk:attachment_del", args=[ticket.pk, attachment.pk]),
    ]
    for page in pages:
        response = client.post(page)
        assert response.status_code == 302
        assert response["Location"] == reverse("helpdesk:view", args=[ticket.pk])
    assert client.delete(f"/helpdesk/api/followups/{followup.pk}/").status_code == 405
    assert client.delete(f"/helpdesk/api/followups-attachments/{attachment.pk}/").status_code == 405
    assert FollowUp.objects.filter(pk=followup.pk).exists()
    assert FollowUpAttachment.objects.filter(pk=attachment.pk).exists()
