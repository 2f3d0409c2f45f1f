"""Generating, storing and sending period reports."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from helpdesk.models import Ticket

from helpdesk_site.outbox import services as outbox
from helpdesk_site.people.models import Role, User
from helpdesk_site.regions.models import Region
from reporting import daily, documents, selectors
from reporting.models import CountedDay, DayClocks, DayCount, StoredReport
from reporting.periods import LABELS, SHANGHAI, Kind, Period, containing, last_completed
from reporting.selectors import Filters
from sla.models import ClockKind, EscalationEvent, SlaClock

BUILDERS = {"docx": documents.build_docx, "xlsx": documents.build_xlsx}
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_report(period: Period, region: Region, fmt: str, now=None) -> bytes:
    """The document's bytes for a region (all of it, not a reader's view)."""
    if fmt not in BUILDERS:
        raise ValueError(fmt)
    # The contract's language, whoever asks (a command runs with no language).
    with translation.override("zh-hans"):
        figures = selectors.figures(Filters(period=period, region=region), now=now)
        return BUILDERS[fmt](figures)


def file_name(period: Period, region: Region, fmt: str) -> str:
    return f"{region.code}-{period.slug}.{fmt}"


@transaction.atomic
def generate_report(period: Period, region: Region, fmt: str, *, user=None, now=None, mail=True):
    """Render, store and (by default) e-mail a period report."""
    content = render_report(period, region, fmt, now=now)
    report = StoredReport(
        kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        region=region,
        format=fmt,
        created_by=user,
    )
    report.file.save(file_name(period, region, fmt), ContentFile(content), save=False)
    report.save()
    if mail:
        outbox.enqueue(
            outbox.call(
                f"reports.mail:{report.pk}",
                send_report,
                summary=f"{report.region.name} {period.title}：报表邮件",
                report_id=report.pk,
            )
        )
    return report


def recipients(region: Region) -> list[User]:
    """Supervisors whose subtree covers the region: its own and those above."""
    ancestors = [region.code[:n] for n in (6, 9, 12) if len(region.code) >= n]
    prefecture = Region.objects.filter(level=Region.Level.PREFECTURE).values_list("code", flat=True)
    codes = set(ancestors) | set(prefecture)
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related(
        "supervised_region", "department__region"
    )
    found = []
    for user in supervisors.exclude(email=""):
        watched = user.supervised_region or (user.department.region if user.department else None)
        if (
            watched is not None
            and watched.code in codes
            and region.code.startswith(watched.subtree_prefix)
        ):
            found.append(user)
    return found


@outbox.handler
def send_report(report_id: int) -> int:
    """E-mail a stored report to its supervisors; a failure is retried by
    the outbox."""
    report = StoredReport.objects.select_related("region").filter(pk=report_id).first()
    if report is None:
        return 0
    people = recipients(report.region)
    if not people:
        return 0
    period = containing(report.kind, report.period_start)
    subject = f"{report.region.name}运维{LABELS[period.kind]} {period.title}"
    message = EmailMessage(
        subject=subject,
        body=f"附件为{subject}，也可在运维服务台“运维报表”页面下载。",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[u.email for u in people],
    )
    with report.file.open("rb") as handle:
        message.attach(report.file.name.rsplit("/", 1)[-1], handle.read(), MIME[report.format])
    return message.send()


def due_reports(today: dt.date) -> list[Period]:
    """The periods that have ended by today: last week, month and year."""
    return [last_completed(kind, today) for kind in Kind]


def generate_due_reports(today: dt.date | None = None, regions=None) -> list[StoredReport]:
    """Scheduled run: for the prefecture and each county, a .docx and an .xlsx
    of every period that has ended and has no stored report yet (so a missed
    beat catches up, and a second run does nothing)."""
    today = today or timezone.localdate()
    if regions is None:
        regions = Region.objects.filter(level__in=[Region.Level.PREFECTURE, Region.Level.COUNTY])
    made = []
    for period in due_reports(today):
        for region in regions:
            for fmt in BUILDERS:
                exists = StoredReport.objects.filter(
                    kind=period.kind, period_start=period.start, region=region, format=fmt
                ).exists()
                if not exists:
                    made.append(generate_report(period, region, fmt))
    return made


# --- The daily roll-up ---------------------------------------------------------
# Whole finished days' ticket counts (reporting.daily), kept so that a report
# over a year adds up days instead of counting every ticket again.

ROLL_UP_RUN = 31  # days counted per transaction
# A change marks only days before its own day (no later day is kept), so a
# day is counted once it has been over this long: a change begun before
# midnight has committed by then.
ROLL_UP_AFTER = dt.timedelta(hours=1)


def roll_up(today: dt.date | None = None) -> int:
    """Count every finished day since the desk's first ticket that is not
    counted yet or was marked stale by a change; returns how many days were
    counted. A day is counted in the same queries reports run live, so its
    kept counts equal the live ones."""
    today = today or selectors.local_date(timezone.now() - ROLL_UP_AFTER)
    prefecture = Region.objects.filter(level=Region.Level.PREFECTURE).first()
    first = selectors.desk_start()
    if prefecture is None or first is None or first >= today:
        return 0
    counted = set(
        CountedDay.objects.filter(day__gte=first, day__lt=today, stale=False).values_list(
            "day", flat=True
        )
    )
    todo = [
        first + dt.timedelta(days=i)
        for i in range((today - first).days)
        if first + dt.timedelta(days=i) not in counted
    ]
    done = 0
    for start, end in daily.ranges(todo):
        while start < end:
            stop = min(end, start + dt.timedelta(days=ROLL_UP_RUN))
            done += _count_days(prefecture, start, stop)
            start = stop
    return done


@transaction.atomic
def _count_days(prefecture: Region, start: dt.date, end: dt.date) -> int:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    CountedDay.objects.bulk_create([CountedDay(day=day) for day in days], ignore_conflicts=True)
    # Locked first: a change committed before the lock is counted below, one
    # committed after it waits and then marks the day stale again.
    list(CountedDay.objects.select_for_update().filter(day__in=days).order_by("day"))
    # The whole prefecture, unfiltered: the scope of the reports that read it.
    scope = selectors.Scope(Filters(period=Period(Kind.MONTH, start, end), region=prefecture))
    found = selectors.counted_live(scope, [(start, end)], "day", per_day=True)
    DayCount.objects.filter(day__in=days).delete()
    DayCount.objects.bulk_create(
        DayCount(day=day, grouping=grouping, key=key, filed=filed, resolved=resolved, met=met)
        for day, breakdown in found.items()
        for grouping, key, filed, resolved, met in breakdown.rows()
    )
    DayClocks.objects.filter(day__in=days).delete()
    empty = daily.Clocks.from_rows([])
    for kind in ClockKind.values:
        found = selectors.clocks_live(scope, [(start, end)], kind, per_day=True)
        DayClocks.objects.bulk_create(
            DayClocks(day=day, kind=kind, columns=found.get(day, empty).to_bytes()) for day in days
        )
    fired = selectors.escalations_live(scope, [(start, end)], per_day=True)
    DayClocks.objects.bulk_create(
        DayClocks(day=day, kind=daily.ESCALATIONS, columns=fired[day].tobytes())
        for day in days
        if day in fired
    )
    CountedDay.objects.filter(day__in=days).update(
        stale=False, counted_at=timezone.now(), version=uuid.uuid4()
    )
    return len(days)


def tickets_changed(ticket_ids, also=()) -> None:
    """Mark stale the counted days a change to these tickets may alter: the
    day each was filed, the days its clocks stopped and its escalations
    fired, and `also` (instants that were a stop before the change). The
    roll-up counts them again; until then reports count those days live."""
    ticket_ids = list(ticket_ids)
    instants = list(also)
    instants += Ticket.objects.filter(pk__in=ticket_ids).values_list("created", flat=True)
    instants += SlaClock.objects.filter(
        ticket_id__in=ticket_ids, stopped_at__isnull=False
    ).values_list("stopped_at", flat=True)
    instants += EscalationEvent.objects.filter(clock__ticket_id__in=ticket_ids).datetimes(
        "fired_at", "day", tzinfo=SHANGHAI
    )
    today = selectors.local_date(timezone.now())
    days = {selectors.local_date(at) for at in instants if at is not None}
    # In order of days, so that two changes lock the same days in one order.
    stale = [CountedDay(day=day, stale=True) for day in sorted(days) if day < today]
    if stale:
        CountedDay.objects.bulk_create(
            stale, update_conflicts=True, update_fields=["stale"], unique_fields=["day"]
        )
