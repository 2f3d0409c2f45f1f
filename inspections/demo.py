"""Demo inspections: four plans (综合受办, 电子证照, 电子印章, 资源目录) run by
王运维 for four weeks, with two runs missed and one recorded late, the
超期件 of the 18 counties week by week, today's runs still to do, and the
licence production found abnormal on the last two runs, both joined to the
open e-licence ticket a department had filed about it. The past is
recorded without notices (the history, not news)."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from helpdesk.models import Ticket

from helpdesk_site.people.models import Department
from helpdesk_site.tickets.models import Subsystem
from helpdesk_site.tickets.scope import withdrawn_ticket_ids
from helpdesk_site.tickets.services import grant_subsystems
from inspections import selectors, services
from inspections.models import Answer, AnswerKind, Choice, Item, Plan, RunStatus
from inspections.services import Given

WEEKS = 4
# (subsystem, plan, frequency, weekday, day of month, items: (name, kind, guidance, above, below))
PLANS = (
    (
        "case_handling",
        "综合受办平台超期件抽检",
        "weekly",
        1,
        1,
        (
            (
                "办件受理与流转是否正常",
                AnswerKind.STATUS,
                "抽查各县当日受理的办件能否正常流转到审批环节",
                None,
                None,
            ),
            (
                "各县超期件数",
                AnswerKind.COUNTY_NUMBERS,
                "在综合受办平台“超期件”统计中逐县记录",
                Decimal(8),
                None,
            ),
        ),
    ),
    (
        "e_license",
        "电子证照日常巡检",
        "daily",
        1,
        1,
        (
            (
                "今日制证是否正常",
                AnswerKind.STATUS,
                "抽查一张营业执照电子证照的制作与签发",
                None,
                None,
            ),
            ("今日制证数量", AnswerKind.NUMBER, "证照管理系统首页“今日制证”", None, Decimal(1)),
        ),
    ),
    (
        "e_seal",
        "电子印章日常巡检",
        "daily",
        1,
        1,
        (
            (
                "认领与制章是否正常",
                AnswerKind.STATUS,
                "抽查一个部门的印章认领和制章流程",
                None,
                None,
            ),
            ("待制章申请数", AnswerKind.NUMBER, "超过20件说明制章积压", Decimal(20), None),
        ),
    ),
    (
        "resource_catalog",
        "政务资源目录编目月检",
        "monthly",
        1,
        3,
        (
            (
                "编目是否更新",
                AnswerKind.STATUS,
                "核对本月各部门资源目录是否有新增或更新",
                None,
                None,
            ),
            ("本月新增编目数", AnswerKind.NUMBER, "", None, Decimal(1)),
            ("编目情况说明", AnswerKind.TEXT, "", None, None),
        ),
    ),
)
MISSED = 2  # runs of the e-seal plan left undone, a week or more ago
OFFICE = "甘孜州政务服务和公共资源交易中心"
FAULT = "营业执照电子证照签发时提示“签章服务不可用”，部分证照未能生成。"


def seed(accounts: dict, now: dt.datetime) -> None:
    operator, creator = accounts["operator"], accounts["gz_supervisor"]
    if Plan.objects.exists():
        return
    department = Department.objects.filter(name=OFFICE).first()
    if department is None:
        return
    grant_subsystems(operator, Subsystem.objects.all())
    today = timezone.localtime(now).date()
    first = today - dt.timedelta(days=7 * WEEKS - 1)
    for code, name, frequency, weekday, day_of_month, items in PLANS:
        plan = Plan(
            name=name,
            subsystem=Subsystem.objects.get(code=code),
            department=department,
            operator=operator,
            frequency=frequency,
            weekday=weekday,
            day_of_month=day_of_month,
            starts_on=first,
            created_at=timezone.make_aware(dt.datetime.combine(first, dt.time(9))),
        )
        services.save_plan(
            creator,
            plan,
            [
                Item(name=n, kind=k, guidance=g, above=above, below=below)
                for n, k, g, above, below in items
            ],
        )
    services.make_due_runs(now=now)
    _record_history(operator, today, now)
    services.flag_missed(now=now, quiet=True)


def _record_history(operator, today, now) -> None:
    rng = random.Random(18)  # noqa: S311 — demo figures, repeatable
    counties = list(selectors.counties())
    runs = list(
        operator.inspection_runs.filter(status=RunStatus.PENDING)
        .select_related("plan__subsystem")
        .order_by("due_on", "plan__name")
    )
    seals = [r for r in runs if r.plan.subsystem.code == "e_seal" and r.due_on < today]
    skipped = {r.pk for r in seals[-10 : -10 + MISSED]}
    late = seals[-4].pk if len(seals) >= 4 else None
    licences = [r for r in runs if r.plan.subsystem.code == "e_license"]
    ticket = _open_licence_ticket(licences[-2:], now)
    abnormal = {r.pk for r in licences[-2:]} if ticket else set()
    for run in runs:
        code = run.plan.subsystem.code
        if run.pk in skipped or (run.due_on == today and code != "e_license"):
            continue  # missed, or today's still to do
        day = run.due_on + dt.timedelta(days=1) if run.pk == late else run.due_on
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, rng.randint(5, 55))))
        if at > now:
            continue
        services.record_run(
            run,
            operator,
            _answers(run, counties, rng, normal=True),
            note=FAULT if run.pk in abnormal else "",
            now=at,
            quiet=True,
        )
        if run.pk in abnormal:
            # The tickets of the past are seeded as history, not filed now: the
            # finding joins the department's open ticket about the same fault.
            Answer.objects.filter(run=run, item__kind=AnswerKind.STATUS).update(
                choice=Choice.ABNORMAL, abnormal=True, ticket=ticket, opened_ticket=False
            )


def _open_licence_ticket(runs, now):
    """The newest open e-licence ticket filed before the first of the runs."""
    if not runs:
        return None
    first = timezone.make_aware(dt.datetime.combine(runs[0].due_on, dt.time()))
    return (
        Ticket.objects.filter(
            status__in=Ticket.OPEN_STATUSES,
            details__subsystem__code="e_license",
            created__lt=min(first, now),
        )
        .exclude(pk__in=withdrawn_ticket_ids())
        .order_by("-created")
        .first()
    )


def _answers(run, counties, rng, normal: bool) -> dict:
    given = {}
    for item in selectors.items_of(run.plan):
        if item.kind == AnswerKind.STATUS:
            given[item.pk] = Given(choice=Choice.NORMAL if normal else Choice.ABNORMAL)
        elif item.kind == AnswerKind.NUMBER:
            low = int(item.below or 0) + 2
            high = int(item.above) - 3 if item.above is not None else low + 30
            given[item.pk] = Given(number=Decimal(rng.randint(low, max(low, high))))
        elif item.kind == AnswerKind.TEXT:
            given[item.pk] = Given(text="各部门资源目录已按月更新，新增编目已审核发布。")
        elif item.kind == AnswerKind.COUNTY_NUMBERS:
            given[item.pk] = Given(
                counts={c.code: rng.choice((0, 0, 1, 2, 3, 5, 7)) for c in counties}
            )
    return given
