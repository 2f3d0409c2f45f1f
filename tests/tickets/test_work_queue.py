"""The operator's queue (/helpdesk/tickets/, in place of helpdesk's list):
what to do next, soonest due first, with filters, counts and bulk assign."""

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import Category
from sla import services as sla
from tests.factories import OperatorFactory, UserFactory, file_ticket, get_subsystem

pytestmark = pytest.mark.django_db

QUEUE = "/helpdesk/tickets/"


def rows(response) -> list[int]:
    body = response.content.decode()
    return [int(part.split('"', 1)[0]) for part in body.split('data-ticket="')[1:]]


def test_the_soonest_due_comes_first_and_waiting_tickets_last(client, now, reporter, operator):
    now.set("2025-09-30 09:00")
    support = file_ticket(reporter, category=Category.SUPPORT, priority=4, title="慢")
    waiting = file_ticket(reporter, priority=1, title="等待中")
    now.set("2025-09-30 10:00")
    fault = file_ticket(reporter, priority=2, title="急")
    sla.set_on_hold(waiting, operator, on_hold=True, reason="等待申报人")
    client.force_login(operator)
    response = client.get(QUEUE)
    assert rows(response) == [fault.pk, support.pk, waiting.pk]
    assert "2025-09-30 11:00" in response.content.decode()  # P2 fault: one working hour


def test_filters_narrow_the_queue_and_count_each(client, now, reporter, operator):
    now.set("2025-09-30 09:00")
    mine = file_ticket(reporter, title="我的")
    late = file_ticket(reporter, priority=1, title="超时")  # response due 09:30
    waiting = file_ticket(reporter, title="等待")
    sla.set_on_hold(waiting, operator, on_hold=True, reason="等待第三方")
    Ticket.objects.filter(pk=mine.pk).update(assigned_to=operator)
    now.set("2025-09-30 10:00")
    client.force_login(operator)
    expected = {
        "mine": [mine.pk],
        "unassigned": [late.pk, waiting.pk],
        "breached": [late.pk],
        "waiting": [waiting.pk],
    }
    for show, tickets in expected.items():
        response = client.get(QUEUE, {"show": show})
        assert sorted(rows(response)) == sorted(tickets), show
        assert response.context["queue"].counts[show] == len(tickets)
    assert response.context["queue"].counts["all"] == 3


def test_the_queue_counts_per_queue_and_narrows_to_one(client, now, reporter, operator):
    now.set("2025-09-30 09:00")
    seal = file_ticket(reporter, subsystem="e_seal")
    file_ticket(reporter, subsystem="e_license")
    file_ticket(reporter, subsystem="e_license")
    client.force_login(operator)
    queue = client.get(QUEUE).context["queue"]
    counts = {q.title: q.count for q in queue.queues}
    assert counts == {seal.queue.title: 1, get_subsystem("e_license").queue.title: 2}
    assert rows(client.get(QUEUE, {"queue": seal.queue_id})) == [seal.pk]


def test_an_operator_sees_only_the_queues_granted(client, now, reporter):
    now.set("2025-09-30 09:00")
    seal = file_ticket(reporter, subsystem="e_seal")
    file_ticket(reporter, subsystem="e_license")
    client.force_login(OperatorFactory(subsystems=[get_subsystem("e_seal")]))
    assert rows(client.get(QUEUE)) == [seal.pk]


def test_bulk_take_and_assign_only_to_who_may_work_them(client, now, reporter, operator):
    now.set("2025-09-30 09:00")
    first, second = file_ticket(reporter), file_ticket(reporter)
    client.force_login(operator)
    url = reverse("helpdesk:bulk_assign")
    client.post(url, {"ticket_id": [first.pk, second.pk], "assignee": "me"})
    assert set(Ticket.objects.values_list("assigned_to", flat=True)) == {operator.pk}

    elsewhere = OperatorFactory(subsystems=[get_subsystem("e_seal")])
    supervisor = UserFactory(role=Role.SUPERVISOR)
    for person in (elsewhere, supervisor):
        response = client.post(url, {"ticket_id": [first.pk], "assignee": person.pk}, follow=True)
        assert Ticket.objects.get(pk=first.pk).assigned_to == operator
        assert "无权处理" in response.content.decode()
    colleague = OperatorFactory()
    client.post(url, {"ticket_id": [first.pk], "assignee": colleague.pk})
    assert Ticket.objects.get(pk=first.pk).assigned_to == colleague
    choices = client.get(QUEUE).context["assignees"]
    assert colleague in choices and supervisor not in choices and reporter not in choices


def test_the_counts_follow_a_change_at_once(client, now, reporter, operator):
    now.set("2025-09-30 09:00")
    first, _second = file_ticket(reporter), file_ticket(reporter)
    client.force_login(operator)
    assert client.get(QUEUE).context["queue"].counts["mine"] == 0
    client.post(reverse("helpdesk:bulk_assign"), {"ticket_id": [first.pk], "assignee": "me"})
    counts = client.get(QUEUE).context["queue"].counts
    assert counts["mine"] == 1 and counts["unassigned"] == 1


def test_a_reporter_cannot_bulk_assign(client, now, reporter, operator):
    now.set("2025-09-30 09:00")
    ticket = file_ticket(reporter)
    client.force_login(reporter)
    client.post(reverse("helpdesk:bulk_assign"), {"ticket_id": [ticket.pk], "assignee": "me"})
    assert Ticket.objects.get(pk=ticket.pk).assigned_to is None


def test_a_page_costs_the_same_few_queries_however_many_tickets(
    client, now, reporter, operator, django_assert_max_num_queries
):
    now.set("2025-09-30 09:00")
    for _ in range(30):
        file_ticket(reporter)
    client.force_login(operator)
    client.get(QUEUE)  # the session and calendars, as on any later page; the counts kept
    # Session and user (2), permissions (2), the walk over the running clocks
    # and which of their tickets are chosen (2), the rest after timed ones (1),
    # its rows (1), its clocks and the calendar (5), the assignee list (2),
    # helpdesk's saved searches (1), and the test's savepoint (2): none of
    # them per ticket.
    with django_assert_max_num_queries(18):
        response = client.get(QUEUE, {"show": "unassigned", "page": 2})
    assert len(rows(response)) == 5


def test_junk_in_the_queue_and_its_forms_gets_a_clear_answer_not_an_error(
    client, now, reporter, operator
):
    now.set("2025-09-30 09:00")
    ticket = file_ticket(reporter)
    client.force_login(operator)
    huge = "9" * 30
    assert client.get(QUEUE, {"queue": huge, "page": huge, "show": "\x00"}).status_code == 200
    url = reverse("helpdesk:bulk_assign")
    for junk in ({"ticket_id": huge, "assignee": "me"}, {"ticket_id": ticket.pk, "assignee": huge}):
        response = client.post(url, junk, follow=True)
        assert response.status_code == 200
        assert "请勾选" in response.content.decode() or "请从列表" in response.content.decode()
    response = client.post(
        reverse("helpdesk:escalate", args=[ticket.pk]), {"reason": "原因\x00"}, follow=True
    )
    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).assigned_to is None
