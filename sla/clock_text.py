"""How a clock reads on the operator's pages: instants absolute in the
desk's time zone, and the time left in words ("剩余 2 小时 15 分（工作时间）").

Pure text: no Django, so it is tested directly and reads the same in a page,
a notice or a report.
"""

import datetime as dt
from zoneinfo import ZoneInfo

DESK_ZONE = ZoneInfo("Asia/Shanghai")

_WORDS = {
    "zh": {
        "left": "剩余 {d}",
        "overdue": "超时 {d}",
        "hours": "{h} 小时 {m} 分",
        "minutes": "{m} 分",
        "working": "（工作时间）",
        "around": "（全天计时）",
    },
    "en": {
        "left": "{d} left",
        "overdue": "{d} overdue",
        "hours": "{h} h {m} min",
        "minutes": "{m} min",
        "working": " (working time)",
        "around": " (around the clock)",
    },
}


def _words(language: str) -> dict:
    return _WORDS["en" if language.lower().startswith("en") else "zh"]


def instant(at: dt.datetime | None) -> str:
    """An aware instant as the desk's wall-clock time, e.g. 2026-12-03 17:30."""
    if at is None:
        return "—"
    return at.astimezone(DESK_ZONE).strftime("%Y-%m-%d %H:%M")


def duration(minutes: float, language: str = "zh") -> str:
    """Whole minutes, as hours and minutes: 135 → 2 小时 15 分."""
    words = _words(language)
    hours, rest = divmod(round(abs(minutes)), 60)
    if hours:
        return words["hours"].format(h=hours, m=rest)
    return words["minutes"].format(m=rest)


def remaining(minutes: float, *, around_the_clock: bool, language: str = "zh") -> str:
    """Time left before a clock is due, or past it when negative:
    135 → 剩余 2 小时 15 分（工作时间）; -65 → 超时 1 小时 5 分（工作时间）."""
    words = _words(language)
    late = round(minutes) < 0
    text = words["overdue" if late else "left"].format(d=duration(minutes, language))
    return text + words["around" if around_the_clock else "working"]
