"""What a fresh installation ships: a calendar, two ladders, a policy for
every category and priority. Administrators change them in the admin.

A working day of the default calendar is 7 hours (420 minutes)."""

from sla.models import Action, ClockKind

CALENDAR_NAME = "甘孜州工作日历"

# (first-response minutes, resolution minutes) for priorities 1 (critical) … 5.
TARGETS = {
    "fault": ([30, 60, 120, 240, 420], [420, 840, 1260, 2100, 4200]),
    "consultation": ([60, 120, 240, 420, 420], [420, 840, 1260, 2100, 2100]),
    "support": ([60, 120, 240, 420, 420], [840, 1260, 2100, 4200, 4200]),
    # After-sales: answer the way support does; a return visit or a fix
    # that did not hold is settled within one to ten working days.
    "after_sales": ([60, 120, 240, 420, 420], [420, 840, 2100, 4200, 4200]),
    "suggestion": ([420, 420, 840, 840, 840], [6300] * 5),
    # Emergencies count every minute (24×7).
    "emergency": ([15, 15, 30, 30, 30], [240, 240, 480, 480, 480]),
}
AROUND_THE_CLOCK = {"emergency"}

STANDARD_LADDER = "标准升级"
EMERGENCY_LADDER = "应急升级"
LADDERS = {
    STANDARD_LADDER: [
        (ClockKind.RESPONSE, 80, Action.NOTIFY_ASSIGNEE),
        (ClockKind.RESPONSE, 100, Action.NOTIFY_TEAM_LEAD),
        (ClockKind.RESOLUTION, 50, Action.NOTIFY_ASSIGNEE),
        (ClockKind.RESOLUTION, 80, Action.NOTIFY_TEAM_LEAD),
        (ClockKind.RESOLUTION, 100, Action.NOTIFY_COUNTY_SUPERVISOR),
        (ClockKind.RESOLUTION, 100, Action.RAISE_PRIORITY),
        (ClockKind.RESOLUTION, 150, Action.NOTIFY_PREFECTURE_SUPERVISOR),
        (ClockKind.RESOLUTION, 150, Action.REASSIGN),
    ],
    EMERGENCY_LADDER: [
        (ClockKind.RESPONSE, 50, Action.NOTIFY_TEAM_LEAD),
        (ClockKind.RESPONSE, 100, Action.NOTIFY_COUNTY_SUPERVISOR),
        (ClockKind.RESOLUTION, 50, Action.NOTIFY_TEAM_LEAD),
        (ClockKind.RESOLUTION, 80, Action.NOTIFY_COUNTY_SUPERVISOR),
        (ClockKind.RESOLUTION, 100, Action.NOTIFY_PREFECTURE_SUPERVISOR),
    ],
}
