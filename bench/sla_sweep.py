"""One SLA sweep vs one run of django-helpdesk's escalate_tickets, same data, same run.

    .venv/bin/python bench/sla_sweep.py [--tickets 100000] [--due 1000] [--rounds 3]
        [--database bench_perf_sla_<pid>] [--redis-db 14]

Creates its PostgreSQL database (refusing one that exists; dropped at the
end unless --keep), migrates it and fills it with --tickets open fault
tickets, each with its two SLA clocks. Then, for --rounds rounds each, it
times:
1. nothing due: our sweep, and escalate_tickets with every queue escalating
   after 3 days while every ticket is an hour old;
2. --due tickets due (other tickets each round): made 10 days old for
   escalate_tickets, and their resolution clocks at 700 of 1,260 working
   minutes, so the ladder's 50% step (notify the assignee) fires for each,
   in-app and by e-mail.
Both do the whole job inside their timing. escalate_tickets renders each
e-mail and sends it (Django's in-memory backend). The sweep renders each
notice's e-mail and stores it in the outbox with the notices, the handling
log and the console push, in the same transactions, and asks the worker (a
Celery task through Redis --redis-db) to deliver; the worker's delivery of
those mails afterwards is timed on its own and printed beside it.
escalate_tickets runs with the SLA signal handlers disconnected, so it is
timed on its own. Medians over the rounds are printed with the load average
of every round; what the run queued in Redis is deleted at the end.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import runinfo  # noqa: E402

BATCH = 10_000


def seed(count: int, now: dt.datetime):
    from helpdesk.models import Queue, Ticket

    from helpdesk_site.people.models import Department, Role, User
    from helpdesk_site.tickets.models import Subsystem, TicketDetails
    from sla import business_time as bt
    from sla.models import SlaClock, SlaPolicy, TeamLead
    from sla.selectors import Calendars

    department = Department.objects.create(name="康定市政务服务中心", region_id="513301")
    reporter = User.objects.create(username="bench_reporter", department=department)
    lead = User.objects.create(username="bench_lead", role=Role.OPERATOR, email="lead@bench")
    TeamLead.objects.create(user=lead)
    Queue.objects.update(escalate_days=3)
    subsystem = Subsystem.objects.select_related("queue").get(code="e_license")
    policy = SlaPolicy.objects.get(category="fault", priority=3, subsystem=None, region=None)
    calendar = Calendars().get(None)
    created = now - dt.timedelta(hours=1)
    # Every ticket filed an hour ago: the same due instants for all of them.
    due = bt.add_working_minutes(created, policy.resolution_minutes, calendar)
    at_risk = bt.add_working_minutes(created, policy.resolution_minutes * 0.75, calendar)
    first_step = bt.add_working_minutes(created, policy.resolution_minutes * 0.5, calendar)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        tickets = Ticket.objects.bulk_create(
            Ticket(
                title=f"电子证照无法制作 {start + i}",
                queue=subsystem.queue,
                created=created,
                modified=created,
                submitter_email="clerk@bench",
                status=Ticket.OPEN_STATUS,
                priority=3,
                # Both sides mail the assignee: helpdesk's escalated_owner, our notice.
                assigned_to=lead,
                description="制作营业执照电子证照时页面一直转圈。",
            )
            for i in range(size)
        )
        TicketDetails.objects.bulk_create(
            TicketDetails(
                ticket=t,
                reporter=reporter,
                department=department,
                region_id="513301",
                subsystem=subsystem,
                category="fault",
            )
            for t in tickets
        )
        common = {"policy": policy, "category": "fault", "priority": 3, "started_at": created}
        SlaClock.objects.bulk_create(
            clock
            for t in tickets
            for clock in (
                SlaClock(
                    ticket=t,
                    kind="response",
                    target_minutes=policy.response_minutes,
                    stopped_at=created + dt.timedelta(minutes=10),
                    consumed_seconds=600,
                    **common,
                ),
                SlaClock(
                    ticket=t,
                    kind="resolution",
                    target_minutes=policy.resolution_minutes,
                    running_since=created,
                    due_at=due,
                    at_risk_at=at_risk,
                    next_escalation_at=first_step,
                    **common,
                ),
            )
        )
    return lead


def make_due(count: int, skip: int, now: dt.datetime) -> None:
    """Tickets skip+1 … skip+count become due (a fresh set each round)."""
    from helpdesk.models import Ticket

    from sla.models import SlaClock

    ids = list(Ticket.objects.order_by("id").values_list("id", flat=True)[skip : skip + count])
    Ticket.objects.filter(id__in=ids).update(created=now - dt.timedelta(days=10))
    SlaClock.objects.filter(ticket_id__in=ids, kind="resolution").update(
        running_since=now,
        consumed_seconds=700 * 60,
        next_escalation_at=now - dt.timedelta(minutes=1),
        due_at=now + dt.timedelta(days=2),
    )


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def escalate_tickets() -> int:
    """django-helpdesk's own command, without our handlers listening; returns
    how many tickets it escalated."""
    from django.core.management import call_command
    from django.db.models.signals import post_save
    from helpdesk.models import FollowUp, Ticket

    from helpdesk_site.tickets.models import TicketDetails
    from sla import handlers

    before = Ticket.objects.filter(last_escalation__isnull=False).count()
    post_save.disconnect(handlers.on_ticket_saved, sender=Ticket, dispatch_uid="sla_ticket_saved")
    post_save.disconnect(sender=TicketDetails, dispatch_uid="sla_details_saved")
    post_save.disconnect(sender=FollowUp, dispatch_uid="sla_followup_saved")
    try:
        call_command("escalate_tickets")
    finally:
        handlers.connect()
    return Ticket.objects.filter(last_escalation__isnull=False).count() - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    runinfo.add_arguments(parser, database=f"bench_perf_sla_{os.getpid()}")
    args = parser.parse_args()
    if not 0 < args.due * args.rounds <= args.tickets:
        parser.error("--due × --rounds must be between 1 and --tickets")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")

    with runinfo.Services(args, fresh=True):
        os.environ["EMAIL_URL"] = "memorymail://"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
        import django

        django.setup()
        runinfo.header(
            "SLA sweep vs escalate_tickets",
            args.rounds,
            database=args.database,
            redis=f"db {args.redis_db}",
            tickets=f"{args.tickets:,}",
            due=f"{args.due:,}",
        )
        run(args)
    return 0


def run(args) -> None:
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from helpdesk_site.notices.models import Notice
    from helpdesk_site.outbox import services as outbox
    from helpdesk_site.outbox.models import Kind, Message
    from sla import services

    call_command("migrate", verbosity=0)
    now = timezone.now()
    seeding, _lead = timed(lambda: seed(args.tickets, now))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {args.tickets:,} open tickets with their clocks in {seeding:.1f} s")

    row = "{:<40}{:>9.3f} s  {:>9.3f} s  {:>7.1f}×   load {}"
    print(f"\n{'round':<40}{'sweep':>11}  {'escalate_tickets':>11}  {'ratio':>7}")
    idle = []
    for number in range(1, args.rounds + 1):
        ours, fired = timed(lambda: services.sweep(now))
        theirs, escalated = timed(escalate_tickets)
        assert fired == 0 and escalated == 0, (fired, escalated)
        idle.append((ours, theirs))
        print(
            row.format(
                f"nothing due #{number}", ours, theirs, theirs / ours, runinfo.load_average()
            )
        )

    busy, deliveries = [], []
    for number in range(1, args.rounds + 1):
        make_due(args.due, (number - 1) * args.due, now)
        notices_before = Notice.objects.count()
        mails_before = Message.objects.filter(kind=Kind.MAIL).count()
        ours, fired = timed(lambda: services.sweep(now))
        notices = Notice.objects.count() - notices_before
        queued = Message.objects.filter(kind=Kind.MAIL).count() - mails_before
        mail.outbox = []
        theirs, escalated = timed(escalate_tickets)
        their_mails = len(mail.outbox)
        mail.outbox = []
        delivery, counts = timed(lambda: outbox.deliver(now=timezone.now() + outbox.LIVE_GRACE))
        busy.append((ours, theirs))
        deliveries.append(delivery)
        print(
            row.format(
                f"{args.due:,} due #{number}", ours, theirs, theirs / ours, runinfo.load_average()
            )
        )
        print(
            f"    sweep: {fired:,} steps, {notices:,} notices, {queued:,} e-mails rendered into "
            f"the outbox; escalate_tickets: {escalated:,} escalated, {their_mails:,} e-mails "
            f"sent; the worker's delivery afterwards: {delivery:.3f} s ({counts})"
        )

    def medians(pairs):
        ours = runinfo.median([p[0] for p in pairs])
        theirs = runinfo.median([p[1] for p in pairs])
        ratio = runinfo.median([p[1] / p[0] for p in pairs])
        return ours, theirs, ratio

    print(f"\nmedians of {args.rounds} rounds (load average now {runinfo.load_average()}):")
    ours, theirs, ratio = medians(idle)
    print(
        f"  nothing due: sweep {ours:.3f} s (target < 0.5 s), "
        f"escalate_tickets {theirs:.3f} s, {ratio:.1f}×"
    )
    ours, theirs, ratio = medians(busy)
    print(
        f"  {args.due:,} due: sweep {ours:.3f} s (target < 1 s), escalate_tickets {theirs:.3f} s, "
        f"{ratio:.1f}× (target ≥ 10×); the worker's delivery of the sweep's mails "
        f"{runinfo.median(deliveries):.3f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
