"""The ledger in the demo data: last month's weakest spots entered as items
in each state a supervisor meets (done in time, extended, withdrawn, open),
with their history. Recorded as history, not sent: seeding notifies nobody,
and nothing it leaves is due for a reminder or an escalation it has not
recorded."""

import datetime as dt

from django.utils import timezone

from helpdesk_site.people.models import Role, User
from helpdesk_site.regions.models import Region
from rectification import rules, selectors
from rectification.models import Action, RectificationEvent, RectificationItem, Status
from reporting.periods import last_completed
from reporting.selectors import Filters

EXTENSION_REASON = "涉及省级平台接口调整，需等待省级平台升级窗口后验证。"
WITHDRAWAL_REASON = "经核实为省级平台故障所致，已并入省级工单统一跟踪。"
DONE_NOTE = "已调整值守排班，超时工单每日通报并逐件复盘。"


def seed_items(now: dt.datetime) -> int:
    """Once: up to four items from last month's proposals for the prefecture."""
    if RectificationItem.objects.exists():
        return 0
    prefecture = Region.objects.filter(level=Region.Level.PREFECTURE).first()
    supervisor = User.objects.filter(
        role=Role.SUPERVISOR, supervised_region=prefecture, is_active=True
    ).first()
    if prefecture is None or supervisor is None:
        return 0
    period = last_completed("month", timezone.localtime(now).date())
    spots = selectors.proposals(Filters(period=period, region=prefecture), now=now)
    calendar = selectors.calendar()
    _start, end = period.instants()
    created = min(end + dt.timedelta(hours=10), now - dt.timedelta(hours=1))
    made = 0
    for spot in spots:
        department = selectors.suggested_department(spot)
        if department is None:
            continue
        if made == 4:
            break
        index = made
        deadline = rules.deadline_after(created, rules.DEFAULT_WORKING_DAYS, calendar)
        item = RectificationItem.objects.create(
            finding=spot.evidence,
            region=prefecture,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            period_title=period.title,
            dimension=spot.group.dimension,
            group_key=spot.group.key,
            group_name=spot.group.name,
            evidence=spot.snapshot(),
            department=department,
            measures=spot.advice or "查明超时原因并整改。",
            working_days=rules.DEFAULT_WORKING_DAYS,
            deadline=deadline,
            original_deadline=deadline,
            created_by=supervisor,
            created_at=created,
        )
        history = _History(item, supervisor, now)
        history.add(Action.CREATE, created)
        step = created + dt.timedelta(hours=2)
        if index == 0:
            history.change(Action.START, step, status=Status.IN_PROGRESS, started_at=step)
            finished = step + dt.timedelta(hours=3)
            history.change(
                Action.COMPLETE,
                finished,
                note=DONE_NOTE,
                status=Status.DONE,
                completed_at=finished,
                completed_by=supervisor,
                completion_note=DONE_NOTE,
            )
        elif index == 1:
            history.change(Action.START, step, status=Status.IN_PROGRESS, started_at=step)
            later = rules.extended_deadline(deadline, 5, calendar)
            history.change(
                Action.EXTEND,
                step + dt.timedelta(hours=1),
                note=EXTENSION_REASON,
                deadline=later,
                working_days=rules.DEFAULT_WORKING_DAYS + 5,
            )
        elif index == 2:
            history.change(
                Action.WITHDRAW,
                step,
                note=WITHDRAWAL_REASON,
                status=Status.WITHDRAWN,
                withdrawn_at=step,
                withdrawn_by=supervisor,
                withdrawal_reason=WITHDRAWAL_REASON,
            )
        history.settle(calendar)
        made += 1
    return made


class _History:
    """An item's changes, each with its history line, never dated after now."""

    def __init__(self, item, actor, now):
        self.item, self.actor, self.now = item, actor, now

    def add(self, action, at, *, before="", note="", actor=None, **deadlines):
        RectificationEvent.objects.create(
            item=self.item,
            at=min(at, self.now),
            actor=actor,
            action=action,
            status_before=before,
            status_after=self.item.status,
            note=note,
            **deadlines,
        )

    def change(self, action, at, *, note="", **fields):
        before, deadline_before = self.item.status, self.item.deadline
        for name, value in fields.items():
            setattr(self.item, name, min(value, self.now) if name.endswith("_at") else value)
        self.item.save()
        deadlines = {}
        if "deadline" in fields:
            deadlines = {"deadline_before": deadline_before, "deadline_after": self.item.deadline}
        self.add(action, at, before=before, note=note, actor=self.actor, **deadlines)

    def settle(self, calendar):
        """What the hourly sweep would already have done by now, recorded:
        the reminder near the deadline, the escalation after it."""
        item, today = self.item, timezone.localtime(self.now).date()
        if not item.is_open:
            return
        if today >= rules.reminder_day(item.deadline, calendar):
            item.reminded_at = self.now
            item.save(update_fields=["reminded_at"])
            self.add(Action.REMIND, self.now, before=item.status)
        if rules.is_past(item.deadline, today):
            before = item.status
            item.status, item.escalated_at = Status.OVERDUE, self.now
            item.save(update_fields=["status", "escalated_at"])
            self.add(Action.MARK_OVERDUE, self.now, before=before)
