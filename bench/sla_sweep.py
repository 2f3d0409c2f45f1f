"""One SLA sweep vs one run of django-helpdesk's escalate_tickets, same data, same run.

    .venv/bin/python bench/sla_sweep.py [--tickets 100000] [--due 1000]

Creates a scratch PostgreSQL database (dropped afterwards), migrates it and
fills it with --tickets open fault tickets, each with its two SLA clocks.
Then it times, in this order:
1. nothing due: our sweep, and escalate_tickets with every queue escalating
   after 3 days while every ticket is an hour old;
2. --due tickets due: the same tickets made 10 days old for escalate_tickets,
   and their resolution clocks at 700 of 1,260 working minutes, so the ladder's
   50% step (notify the assignee) fires for each, in-app and by e-mail.
escalate_tickets runs with the SLA signal handlers disconnected, so it is
timed on its own. E-mail goes to Django's in-memory outbox in both.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "servicedesk_bench_sla"
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


def make_due(count: int, now: dt.datetime) -> None:
    from helpdesk.models import Ticket

    from sla.models import SlaClock

    ids = list(Ticket.objects.order_by("id").values_list("id", flat=True)[:count])
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


def escalate_tickets():
    """django-helpdesk's own command, without our handlers listening."""
    from django.core.management import call_command
    from django.db.models.signals import post_save
    from helpdesk.models import FollowUp, Ticket

    from helpdesk_site.tickets.models import TicketDetails
    from sla import handlers

    post_save.disconnect(handlers.on_ticket_saved, sender=Ticket, dispatch_uid="sla_ticket_saved")
    post_save.disconnect(sender=TicketDetails, dispatch_uid="sla_details_saved")
    post_save.disconnect(sender=FollowUp, dispatch_uid="sla_followup_saved")
    try:
        call_command("escalate_tickets")
    finally:
        handlers.connect()
    return Ticket.objects.filter(last_escalation__isnull=False).count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    args = parser.parse_args()
    if not 0 < args.due <= args.tickets:
        parser.error("--due must be between 1 and --tickets")

    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin.execute(f"CREATE DATABASE {DB_NAME}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    os.environ["EMAIL_URL"] = "memorymail://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from helpdesk_site.celery import app
    from helpdesk_site.notices.models import Notice as Notification
    from sla import services

    # Queue the e-mail tasks in memory: timed as enqueued, never left behind.
    app.conf.broker_url = "memory://localhost/"

    try:
        call_command("migrate", verbosity=0)
        now = timezone.now()
        seeding, _lead = timed(lambda: seed(args.tickets, now))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"seeded {args.tickets:,} open tickets with their clocks in {seeding:.1f} s")

        idle_ours, fired = timed(lambda: services.sweep(now))
        idle_theirs, escalated = timed(escalate_tickets)
        assert fired == 0 and escalated == 0, (fired, escalated)

        make_due(args.due, now)
        busy_ours, fired = timed(lambda: services.sweep(now))
        busy_theirs, escalated = timed(escalate_tickets)
        notifications = Notification.objects.count()
    finally:
        connections.close_all()
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")

    row = "{:<34}{:>9.3f} s   {}"
    print(row.format("nothing due, SLA sweep:", idle_ours, "target < 0.5 s"))
    print(row.format("nothing due, escalate_tickets:", idle_theirs, ""))
    print(f"  ratio escalate_tickets / sweep: {idle_theirs / idle_ours:.1f}x")
    print(
        row.format(
            f"{args.due:,} due, SLA sweep:",
            busy_ours,
            f"target < 5 s; {fired:,} steps fired, {notifications:,} notifications",
        )
    )
    print(
        row.format(f"{args.due:,} due, escalate_tickets:", busy_theirs, f"{escalated:,} escalated")
    )
    print(f"  ratio escalate_tickets / sweep: {busy_theirs / busy_ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
