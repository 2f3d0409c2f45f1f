"""Demo resident engineer: 王运维 posted in 康定市 since an entry assessment,
then a failed assessment and a passing re-assessment five days later,
all in the past and recorded without notices (the history, not news)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from residency import rules, selectors, services
from residency.models import Engineer, Source

# (days before today, total against the pass mark, note): the entry pass,
# a failure, the re-assessment five days later.
STORY = (
    (150, 4, "上岗考核。"),
    (40, -5, "业务能力考核不达标：事项管理系统实施清单认领流程不熟，需集中培训后复核。"),
    (35, 7, "培训后复核：已熟练掌握实施清单认领及电子印章制章流程。"),
)


def seed(accounts: dict, now: dt.datetime) -> None:
    services.ensure_template()
    engineer_user, assessor = accounts["operator"], accounts["kd_supervisor"]
    today = timezone.localtime(now).date()
    engineer, _created = Engineer.objects.get_or_create(
        user=engineer_user,
        defaults={
            "post_id": "513301",
            "on_duty_since": today - dt.timedelta(days=STORY[0][0]),
            "contractor_lead": accounts["team_lead"],
        },
    )
    if engineer.assessments.exists():
        return
    template = selectors.current_template()
    manual = [i for i in template.items.all() if i.source == Source.MANUAL]
    if not manual:
        return  # the story needs scores the demo can choose
    for days_ago, margin, note in STORY:
        day = today - dt.timedelta(days=days_ago)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30)))
        period_from = day - dt.timedelta(days=29)
        measured = selectors.measure(engineer, period_from, day, now=at)
        data = [
            rules.ItemScore(i.weight, measured[Source(i.source)].score)
            for i in template.items.all()
            if i.source != Source.MANUAL
        ]
        score = rules.manual_score_for(
            template.pass_mark + Decimal(margin), data, sum(i.weight for i in manual)
        )
        services.record_assessment(
            engineer,
            assessor,
            assessed_on=day,
            period_from=period_from,
            period_to=day,
            manual_scores={i.pk: score for i in manual},
            note=note,
            now=at,
            quiet=True,
        )
