import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.people.models import Role, User
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.demo import demo_ticket
from helpdesk_site.tickets.models import TicketDetails

pytestmark = pytest.mark.django_db
UNTIL = "2026-11-20"


def test_seed_demo_creates_accounts_and_a_year_of_tickets():
    call_command("seed_demo", tickets=400, until=UNTIL)
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["kd_reporter"] == Role.REPORTER and roles["operator"] == Role.OPERATOR
    assert roles["kd_supervisor"] == roles["gz_supervisor"] == Role.SUPERVISOR
    assert roles["admin"] == Role.ADMIN
    kd, ld = User.objects.get(username="kd_reporter"), User.objects.get(username="ld_reporter")
    assert kd.department.region.name == "炉城街道" and kd.department.region.parent_id == "513301"
    assert ld.department.region_id.startswith("513322")
    assert kd.check_password("Ganzi@2026")

    assert Ticket.objects.count() == 400
    for reporter in User.objects.filter(role=Role.REPORTER):
        assert TicketDetails.objects.filter(reporter=reporter).exists(), reporter.username
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Ticket.OPEN_STATUS, Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS} <= statuses
    assert len(set(TicketDetails.objects.values_list("subsystem__code", flat=True))) == 10
    assert len(set(TicketDetails.objects.values_list("category", flat=True))) == 5
    first, last = (
        Ticket.objects.order_by(f).values_list("created", flat=True)[0]
        for f in ("created", "-created")
    )
    assert (last - first) > dt.timedelta(days=300)
    assert FollowUp.objects.count() > 2 * 400 * 0.8

    # Scope holds on demo data: the Luding clerk sees none of Kangding's tickets.
    assert not scope.visible_tickets(ld).filter(details__region__code__startswith="513301").exists()
    kd_supervisor = User.objects.get(username="kd_supervisor")
    assert (
        scope.visible_tickets(kd_supervisor).count()
        == TicketDetails.objects.filter(region__code__startswith="513301").count()
    )
    assert scope.visible_tickets(User.objects.get(username="gz_supervisor")).count() == 400


def test_seed_demo_is_idempotent_and_deterministic():
    call_command("seed_demo", tickets=120, until=UNTIL)
    call_command("seed_demo", tickets=120, until=UNTIL)
    assert Ticket.objects.count() == 120
    titles = list(Ticket.objects.order_by("pk").values_list("title", flat=True))
    assert titles == [demo_ticket(i).title for i in range(120)]
    call_command("seed_demo", tickets=150, until=UNTIL)
    assert Ticket.objects.count() == 150


@pytest.mark.parametrize("args", [{"tickets": -1}, {"until": "2026-13-45"}])
def test_seed_demo_bad_arguments_exit_2(args):
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", **args)
    assert error.value.returncode == 2


def test_demo_history_is_never_after_now_and_the_first_sweep_sends_nothing_from_the_past():
    from helpdesk_site.notices.models import Notice as Notification
    from helpdesk_site.outbox.models import Message
    from helpdesk_site.satisfaction import services as satisfaction
    from helpdesk_site.satisfaction.models import BadRatingFollowUp, FollowUpState, Rating
    from rectification import services as ledger
    from rectification.models import RectificationEvent, RectificationItem
    from sla import services as sla
    from sla.models import EscalationEvent, HandlingLogEntry, SlaClock

    now = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 11:00 in Kangding
    call_command("seed_demo", tickets=300, until=UNTIL, now=now)

    assert not Ticket.objects.filter(created__gt=now).exists()
    assert not Ticket.objects.filter(modified__gt=now).exists()
    assert not FollowUp.objects.filter(date__gt=now).exists()
    clocks = SlaClock.objects.all()
    assert clocks.count() >= 2 * 300 * 0.9
    for field in ("started_at", "stopped_at", "breached_at"):
        assert not clocks.filter(**{f"{field}__gt": now}).exists(), field
    assert not HandlingLogEntry.objects.filter(at__gt=now).exists()
    assert not EscalationEvent.objects.filter(fired_at__gt=now).exists()
    assert not Rating.objects.filter(rated_at__gt=now).exists()
    # Last month's weak spots in the ledger, in several states, none dated later.
    assert RectificationItem.objects.filter(status="done").exists()
    assert not RectificationEvent.objects.filter(at__gt=now).exists()
    # Escalations that came due in the past are on record, as history.
    assert EscalationEvent.objects.exists()
    assert clocks.filter(stopped_at__isnull=True, breached_at__isnull=False).exists()
    # Ratings, good and bad, and 差评 follow-ups at different steps.
    scores = set(Rating.objects.values_list("score", flat=True))
    assert {5, 4} <= scores and scores & {1, 2}
    states = set(BadRatingFollowUp.objects.values_list("state", flat=True))
    assert FollowUpState.RECTIFIED in states and len(states) >= 3

    # The reporters' notices of the operator's replies and resolutions are
    # there as history: the latest unread, none from the future.
    reporters = User.objects.filter(role=Role.REPORTER)
    told = Notification.objects.filter(recipient__in=reporters)
    assert told.filter(read_at__isnull=False).exists()
    assert told.filter(read_at__isnull=True).exists()
    assert not told.filter(created_at__gt=now).exists()
    assert not told.filter(read_at__gt=now).exists()
    assert told.filter(message__contains="请对处理结果进行评价").exists()
    kd = told.filter(recipient__username="kd_reporter")
    assert kd.exists() and all(n.ticket_id for n in kd)

    # First start: the beat's sweeps find nothing of the past to send.
    notices = Notification.objects.count()
    assert Message.objects.count() == 0
    assert sla.sweep(now=now) == 0
    assert satisfaction.sweep(now=now) == 0
    assert ledger.send_reminders(now=now) == 0 and ledger.check_overdue(now=now) == 0
    assert Notification.objects.count() == notices
    assert Message.objects.count() == 0
