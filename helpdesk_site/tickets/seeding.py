"""Demo departments, accounts and a year of tickets, for trying the product.

Deterministic (ticket i is the same every run) and idempotent (a second run
adds only what is missing). Tickets are bulk-created, so 200,000 take minutes.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.notices.models import Notice
from helpdesk_site.notices.reporter import notice_about
from helpdesk_site.people.models import Department, Role, User
from helpdesk_site.regions.codes import SHIPPED_DIVISIONS
from helpdesk_site.regions.models import Region
from helpdesk_site.regions.services import load_regions
from helpdesk_site.satisfaction import services as satisfaction
from helpdesk_site.satisfaction.models import BadRatingFollowUp, Rating
from helpdesk_site.satisfaction.workdays import add_working_days
from helpdesk_site.tickets import signals
from helpdesk_site.tickets.demo import DemoTicket, demo_rating, demo_ticket
from helpdesk_site.tickets.models import Subsystem, TicketDetails
from helpdesk_site.tickets.services import ensure_subsystems, grant_subsystems
from indicators import demo as indicators_demo
from inspections import demo as inspections_demo
from keywork import demo as keywork_demo
from quizzes import demo as quizzes_demo
from residency import demo as residency_demo
from sla.models import HandlingLogEntry, LogKind, TeamLead
from sla.selectors import Calendars
from sla.services import start_clocks_after_the_fact
from training import demo as training_demo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "Ganzi@2026"  # noqa: S105 — demo accounts only, listed in the README
BATCH = 2000

# (region code, department name)
DEMO_DEPARTMENTS = [
    ("513301001", "炉城街道便民服务中心"),
    ("513301", "康定市政务服务中心"),
    ("513301", "康定市市场监督管理局"),
    ("513301102", "新都桥镇便民服务中心"),
    ("513322", "泸定县政务服务中心"),
    ("513322", "泸定县人力资源和社会保障局"),
    ("513322103", "磨西镇便民服务中心"),
    ("513334", "理塘县政务服务中心"),
    ("513337", "稻城县市场监督管理局"),
    ("513330", "德格县政务服务中心"),
    ("513323", "丹巴县政务服务中心"),
    ("513300", "甘孜州政务服务和公共资源交易中心"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    department: int | None  # index into DEMO_DEPARTMENTS
    last_name: str
    first_name: str
    supervised_region: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("kd_reporter", Role.REPORTER, 0, "泽仁", "卓玛"),
    DemoAccount("ld_reporter", Role.REPORTER, 4, "李", "建华"),
    DemoAccount("operator", Role.OPERATOR, None, "王", "运维"),
    # 运维组长: the escalation ladder's 通知运维组长 and 改派给运维组长 reach them.
    DemoAccount("team_lead", Role.OPERATOR, None, "赵", "组长"),
    DemoAccount("kd_supervisor", Role.SUPERVISOR, 1, "张", "主管", "513301"),
    DemoAccount("gz_supervisor", Role.SUPERVISOR, 11, "刘", "主任", "513300"),
    DemoAccount("admin", Role.ADMIN, None, "系统", "管理员"),
    # Colleagues, so every demo department files tickets.
    DemoAccount("kd_reporter2", Role.REPORTER, 0, "格桑", "拉姆"),
    *(
        DemoAccount(f"reporter{i:02d}", Role.REPORTER, i, "工作", f"人员{i:02d}")
        for i in range(1, len(DEMO_DEPARTMENTS))
        if i != 4
    ),
]


def ensure_departments() -> list[Department]:
    if not Region.objects.filter(code=DEMO_DEPARTMENTS[0][0]).exists():
        load_regions(SHIPPED_DIVISIONS, max_level="township")
    return [
        Department.objects.get_or_create(region_id=code, name=name)[0]
        for code, name in DEMO_DEPARTMENTS
    ]


def ensure_accounts(departments: list[Department]) -> dict[str, User]:
    accounts = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username)
            user.set_password(DEMO_PASSWORD)
        user.role = account.role
        user.last_name = account.last_name
        user.first_name = account.first_name
        user.email = f"{account.username}@demo.invalid"
        user.department = (
            departments[account.department] if account.department is not None else None
        )
        user.supervised_region_id = account.supervised_region
        user.save()
        accounts[account.username] = user
    grant_subsystems(accounts["operator"], Subsystem.objects.all())
    grant_subsystems(accounts["team_lead"], Subsystem.objects.all())
    TeamLead.objects.get_or_create(subsystem=None, defaults={"user": accounts["team_lead"]})
    return accounts


def _status_for_age(rng: random.Random, age_days: float) -> int:
    if age_days > 14:
        choices, weights = (
            [Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS, Ticket.OPEN_STATUS],
            [85, 10, 5],
        )
    elif age_days > 3:
        choices = [
            Ticket.RESOLVED_STATUS,
            Ticket.CLOSED_STATUS,
            Ticket.OPEN_STATUS,
            Ticket.REOPENED_STATUS,
        ]
        weights = [40, 30, 25, 5]
    else:
        choices, weights = [Ticket.OPEN_STATUS, Ticket.RESOLVED_STATUS], [75, 25]
    return rng.choices(choices, weights=weights)[0]


def _filed_at(rng: random.Random, until: dt.date, latest: dt.datetime) -> dt.datetime:
    day = until - dt.timedelta(days=rng.randrange(365))
    hour = rng.choice([9, 9, 10, 10, 10, 11, 14, 15, 15, 16, 16, 17, 20])
    local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=SHANGHAI)
    # Demo data is never dated after now: a time later today goes to a day before.
    while local > latest:
        local -= dt.timedelta(days=1)
    return local


def _fit_before(delays: list[dt.timedelta], room: dt.timedelta) -> list[dt.timedelta]:
    """The follow-ups' delays shrunk in proportion so the last one is not
    after `room` (the time from filing to now): recent tickets keep their
    history, in order, without a follow-up in the future."""
    total = sum(delays, dt.timedelta())
    if total <= room:
        return delays
    share = max(room, dt.timedelta()) / total
    return [delay * share for delay in delays]


def seed_demo(
    tickets: int,
    until: dt.date,
    progress: Callable[[str], None] = lambda message: None,
    now: dt.datetime | None = None,
) -> int:
    """Create the demo data, none of it dated after `now` (by default the
    present), with the SLA clocks, escalations and 差评 follow-ups each
    ticket's history implies recorded as history: the first sweep after it
    sends nothing about the past. Returns how many tickets were added."""
    now = now or dt.datetime.now(dt.UTC)
    latest = min(now, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), SHANGHAI))
    ensure_subsystems()
    departments = ensure_departments()
    accounts = ensure_accounts(departments)
    operator = accounts["operator"]
    reporters = [u for u in accounts.values() if u.role == Role.REPORTER]
    subsystems = {s.code: s for s in Subsystem.objects.select_related("queue")}
    existing = TicketDetails.objects.filter(reporter__in=reporters).count()
    handlers = _follow_up_handlers(accounts)
    for start in range(existing, tickets, BATCH):
        with transaction.atomic():
            created = _create_batch(
                range(start, min(start + BATCH, tickets)),
                until,
                latest,
                reporters,
                operator,
                subsystems,
            )
            _give_history(created, latest, handlers)
            signals.tickets_stored_in_bulk.send(
                Ticket, ticket_ids=[ticket.pk for ticket, _row in created]
            )
        progress(f"{min(start + BATCH, tickets)} / {tickets}")
    training_demo.seed(accounts, latest)
    quizzes_demo.seed(accounts, latest)
    residency_demo.seed(accounts, latest)
    keywork_demo.seed(accounts, latest)
    indicators_demo.seed(accounts, latest)
    inspections_demo.seed(accounts, latest)
    # The rectification ledger reads the tickets' weak spots: after them.
    from rectification import demo as ledger_demo

    ledger_demo.seed_items(latest)
    return max(0, tickets - existing)


@dataclass
class _DemoRow:
    index: int
    rng: random.Random
    text: DemoTicket
    reporter: User
    filed: dt.datetime
    status: int
    resolved: dt.datetime | None = None


def _history(row: _DemoRow, operator: User, assigned: bool):
    """(delay, title, comment, author, new status) of each follow-up, in order."""
    rng, text, reporter = row.rng, row.text, row.reporter
    if assigned:
        yield dt.timedelta(minutes=rng.randint(5, 240)), "回复", text.reply, operator, None
    if row.status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS, Ticket.REOPENED_STATUS):
        yield (
            dt.timedelta(hours=rng.randint(1, 72)),
            "已解决",
            text.resolution,
            operator,
            Ticket.RESOLVED_STATUS,
        )
    closing = {
        Ticket.CLOSED_STATUS: ("已关闭", "问题已解决，谢谢。"),
        Ticket.REOPENED_STATUS: ("重新打开", "问题又出现了。"),
    }
    if row.status in closing:
        title, comment = closing[row.status]
        yield dt.timedelta(hours=rng.randint(1, 48)), title, comment, reporter, row.status


def _create_batch(
    indices, until, latest, reporters, operator, subsystems
) -> list[tuple[Ticket, _DemoRow]]:
    rows = []
    for index in indices:
        rng = random.Random(index * 7919 + 17)
        # The first tickets go round the reporters, so each has some of their own.
        if index < 4 * len(reporters):
            reporter = reporters[index % len(reporters)]
        else:
            reporter = rng.choice(reporters)
        filed = _filed_at(rng, until, latest)
        end_of_demo = dt.datetime.combine(until, dt.time(18), tzinfo=SHANGHAI)
        status = _status_for_age(rng, (end_of_demo - filed).total_seconds() / 86400)
        rows.append(_DemoRow(index, rng, demo_ticket(index), reporter, filed, status))

    tickets = [
        Ticket(
            title=row.text.title,
            description=row.text.description,
            queue=subsystems[row.text.subsystem].queue,
            submitter_email=row.reporter.email,
            status=row.status,
            priority=row.text.priority,
            assigned_to=operator
            if row.status != Ticket.OPEN_STATUS or row.rng.random() < 0.6
            else None,
            resolution=row.text.resolution
            if row.status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
            else None,
        )
        for row in rows
    ]
    Ticket.objects.bulk_create(tickets, batch_size=BATCH)
    followups = []
    for ticket, row in zip(tickets, rows, strict=True):
        moment = ticket.created = row.filed
        followups.append(
            FollowUp(
                ticket=ticket,
                title="工单已提交",
                comment=row.text.description,
                public=True,
                user=row.reporter,
                date=moment,
            )
        )
        history = list(_history(row, operator, bool(ticket.assigned_to_id)))
        delays = _fit_before([step[0] for step in history], latest - row.filed)
        for delay, (_delay, title, comment, author, new_status) in zip(
            delays, history, strict=True
        ):
            moment += delay
            if new_status == Ticket.RESOLVED_STATUS:
                row.resolved = moment
            followups.append(
                FollowUp(
                    ticket=ticket,
                    title=title,
                    comment=comment,
                    public=True,
                    user=author,
                    date=moment,
                    new_status=new_status,
                )
            )
        ticket.modified = moment
    # created/modified are auto_now fields, which bulk_create stamps with now.
    Ticket.objects.bulk_update(tickets, ["created", "modified"], batch_size=BATCH)
    FollowUp.objects.bulk_create(followups, batch_size=BATCH)
    TicketDetails.objects.bulk_create(
        [
            TicketDetails(
                ticket=ticket,
                reporter=row.reporter,
                department_id=row.reporter.department_id,
                region_id=row.reporter.department.region_id,
                subsystem=subsystems[row.text.subsystem],
                category=row.text.category,
                contact_phone=f"0836-28{row.index % 100000:05d}",
            )
            for ticket, row in zip(tickets, rows, strict=True)
        ],
        batch_size=BATCH,
    )
    return list(zip(tickets, rows, strict=True))


def _follow_up_handlers(accounts: dict[str, User]) -> dict[str, User]:
    """Who follows up a 差评, by county code: the county's demo supervisor,
    else the prefecture's ("" is the fallback)."""
    return {"513301": accounts["kd_supervisor"], "": accounts["gz_supervisor"]}


def _give_history(created, now: dt.datetime, handlers: dict[str, User]) -> None:
    """The SLA clocks each ticket would have had since it was filed, and the
    ratings of some resolved ones, as history up to `now`."""
    for ticket, _row in created:
        start_clocks_after_the_fact(ticket, now)
    _tell_reporters(created, now)
    for ticket, row in created:
        if row.resolved is not None:
            _rate(ticket, row, now, handlers)


# A demo reporter's notices of the last days are still unread; older ones were read.
UNREAD_NOTICES_FOR = dt.timedelta(days=2)


def _tell_reporters(created, now: dt.datetime) -> None:
    """The notices the reporters had of the operator's replies and
    resolutions, as history: stored, never mailed or pushed."""
    reporters = {ticket.pk: row.reporter for ticket, row in created}
    followups = (
        FollowUp.objects.filter(ticket_id__in=reporters, public=True)
        .select_related("ticket", "user")
        .order_by("date", "id")
    )
    notices = []
    for followup in followups:
        reporter = reporters[followup.ticket_id]
        about = notice_about(followup, followup.user, reporter)
        if about is None:
            continue
        kind, message = about
        read = followup.date < now - UNREAD_NOTICES_FOR
        notices.append(
            Notice(
                recipient=reporter,
                ticket_id=followup.ticket_id,
                kind=kind,
                message=message,
                created_at=followup.date,
                read_at=min(now, followup.date + dt.timedelta(hours=2)) if read else None,
            )
        )
    Notice.objects.bulk_create(notices, batch_size=BATCH)


def _rate(ticket: Ticket, row: _DemoRow, now: dt.datetime, handlers) -> None:
    """A rating some hours after the resolution (if that is already past),
    and for a 差评 its follow-up as far as it would have got by `now`."""
    rating = demo_rating(row.index)
    if rating is None:
        return
    rated_at = row.resolved + rating.after
    if rated_at > now:
        return
    saved = Rating.objects.create(
        ticket=ticket,
        score=rating.score,
        comment=rating.comment,
        rated_by=row.reporter,
        rated_at=rated_at,
        changed_at=rated_at,
    )
    if saved.is_bad:
        county = row.reporter.department.region_id[:6]
        _follow_up(saved, county, rating.steps, now, handlers.get(county, handlers[""]))


def _follow_up(rating: Rating, county: str, steps, now, handler: User) -> None:
    """The 差评's 回访整改 task with the steps done before `now`, and the
    reminder and overdue marks its clock reached, all as history."""
    opened = rating.rated_at
    due = add_working_days(opened, satisfaction.FOLLOW_UP_WORKING_DAYS, Calendars().get(None))
    reminder = opened + (due - opened) * satisfaction.REMINDER_PERCENT / 100
    task = BadRatingFollowUp(
        rating=rating, ticket=rating.ticket, county_code=county, opened_at=opened, due_at=due
    )
    log = []
    moment = opened
    for step, after, text in steps:
        moment += after
        if moment > now:
            break
        at_field, text_field, state, kind, _before = satisfaction.STEPS[step]
        setattr(task, at_field, moment)
        setattr(task, text_field, text)
        task.state, task.handled_by = state, handler
        log.append((kind, moment, text, handler, {"step": step}))
    end = task.rectified_at or now
    if reminder <= end:
        task.level_percent = satisfaction.REMINDER_PERCENT
        log.append((LogKind.RATING_REMINDED, reminder, "差评回访整改即将到期。", None, {}))
    if due <= end:
        task.level_percent, task.breached_at = satisfaction.OVERDUE_PERCENT, due
        log.append((LogKind.RATING_OVERDUE, due, "差评回访整改已超期。", None, {}))
    if task.rectified_at is None and due > now:
        task.next_escalation_at = due if reminder <= now else reminder
    task.save()
    HandlingLogEntry.objects.bulk_create(
        HandlingLogEntry(
            ticket_id=task.ticket_id,
            kind=kind,
            actor=actor,
            at=at,
            text=text,
            data={"bad_rating_follow_up": task.pk, **data},
        )
        for kind, at, text, actor, data in log
    )
