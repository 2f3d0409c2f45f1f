"""Needs from tickets: departments × subsystems ranked by consultations and
repeated "how do I" tickets, with topics from the knowledge base's groups;
the trained departments' consultation rate before and after (培训成效)."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from helpdesk_site.tickets.models import Category
from kb.models import FaqCandidate
from tests.factories import UserFactory, file_ticket, get_subsystem
from training import report_sections, selectors
from training.models import Attendance, AttendanceMethod

from .conftest import make_session


def test_needs_rank_departments_that_ask_how_and_propose_kb_topics(
    client, now, clerk, outsider, prefecture_supervisor
):
    now.set("2026-04-01T10:00")
    seal = get_subsystem("e_seal")
    for i in range(6):
        ticket = file_ticket(
            clerk, "e_seal", category=Category.CONSULTATION, title=f"电子印章如何认领{i}"
        )
    FaqCandidate.objects.create(title="电子印章认领流程", size=6, subsystem=seal).tickets.add(
        ticket
    )
    file_ticket(clerk, "e_seal", category=Category.FAULT, title="制章失败")
    for i in range(2):
        file_ticket(outsider, "case_handling", category=Category.FAULT, title=f"办件怎么退回{i}")
    file_ticket(outsider, "case_handling", category=Category.FAULT, title="办件退回失败")
    for i in range(8):
        file_ticket(outsider, "e_license", category=Category.FAULT, title=f"证照无法生成{i}")
    now.set("2026-04-02T10:00")
    client.force_login(prefecture_supervisor)
    page = client.get(reverse("training:needs"), {"start": "2026-03-01", "end": "2026-04-02"})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.department, r.subsystem.code) for r in rows] == [
        (clerk.department, "e_seal"),
        (outsider.department, "case_handling"),
    ]
    assert rows[0].need.consultations == 6 and rows[0].need.tickets == 7
    assert rows[0].topics[0] == "电子印章认领流程"
    assert "电子印章认领流程" in page.content.decode()
    # Without groups or FAQs of its own, a subsystem's everyday operations are the topic,
    # said in the reader's language.
    assert rows[1].topics == ["综合受办平台常见操作"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("training:needs"), {"start": "2026-03-01", "end": "2026-04-02"})
    assert english.context["rows"][1].topics == ["Everyday operations of 综合受办平台"]


def test_needs_page_is_for_supervisors_and_refuses_bad_dates(client, clerk, prefecture_supervisor):
    client.force_login(clerk)
    assert client.get(reverse("training:needs")).status_code == 403
    client.force_login(prefecture_supervisor)
    bad = client.get(reverse("training:needs"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 400
    assert "结束日期早于开始日期" in bad.content.decode()


def test_effect_compares_the_trained_departments_before_and_after(now, plan, clerk):
    colleague = UserFactory(department=clerk.department)
    now.set("2026-03-01T10:00")
    for i in range(4):
        file_ticket(colleague, category=Category.CONSULTATION, title=f"如何制证{i}")
    file_ticket(colleague, category=Category.FAULT)
    session = make_session(plan, "2026-04-01T09:00")
    Attendance.objects.create(session=session, user=clerk, method=AttendanceMethod.QR)
    now.set("2026-04-20T10:00")
    file_ticket(colleague, category=Category.CONSULTATION, title="如何制证")
    for _ in range(3):
        file_ticket(colleague, category=Category.FAULT)
    now.set("2026-05-01T10:00")
    effect = selectors.session_effect(session)
    assert (effect.before_consultations, effect.before_tickets) == (4, 5)
    assert (effect.after_consultations, effect.after_tickets) == (1, 4)
    assert effect.change == -55.0
    assert effect.small_numbers
    assert selectors.session_effect(session, now=session.starts_at - dt.timedelta(1)) is None


def test_plan_sentence_for_the_report(plan):
    from training import rules

    at_risk = rules.YearStanding(floor=4, held=1, scheduled=0, working_days_left=40)
    text = report_sections.plan_sentence(plan, at_risk)
    assert text.startswith("2026年甘孜藏族自治州培训计划要求全年至少4期")
    assert "尚差3期未安排" in text and "风险" in text
