"""Every figure's count equals the tickets its link lists, and the
knowledge base's clusters and deflections feed the recurring problems."""

import datetime as dt

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from helpdesk_site.regions.models import Region
from kb import feedback as kb_feedback
from kb.models import CandidateState, Deflection, FaqCandidate
from reporting import selectors
from reporting.periods import containing
from reporting.selectors import Filters
from sla.models import EscalationEvent, EscalationStep
from tests.factories import supervisor
from tests.kb.factories import published_faq
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")


def filters(code="513300", **more):
    return Filters(period=WEEK, region=Region.objects.get(code=code), **more)


def behind(f, figure, key="", user=None):
    return sorted(t.title[0] for t in selectors.tickets_behind(f, figure, key, user=user, now=NOW))


def independent(condition) -> list[str]:
    """Titles counted by hand from the ticket list, not by the selectors."""
    return sorted(t.title[0] for t in Ticket.objects.all() if condition(t))


def in_week(ticket) -> bool:
    start, end = WEEK.instants()
    return start <= ticket.created < end


@pytest.fixture
def escalated(week):
    """B's resolution clock escalated at 100 % of its target in the week."""
    step = EscalationStep.objects.filter(clock="resolution", percent=100).first()
    clock = week["B"].sla_clocks.get(kind="resolution")
    EscalationEvent.objects.create(clock=clock, cycle=1, step=step, fired_at=at("2025-11-14 10:00"))
    return step


def test_every_figure_count_equals_its_drill_down(week, escalated):
    f = selectors.figures(filters(), now=NOW)
    checks = [
        (f.resolution["met"], "met", "resolution"),
        (f.response["met"], "met", "response"),
        (f.response["n"], "stopped", "response"),
        (f.resolution["n"], "stopped", "resolution"),
        (f.satisfaction["follow_ups"]["overdue"], "follow_up_overdue", ""),
    ]
    checks += [(n, "backlog_age", age) for age, n in f.backlog["ages"].items()]
    checks += [
        (r["tickets"], "escalation", f"{r['clock_kind']}:{r['level']}") for r in f.escalations
    ]
    checks += [(c["met"], "met", f"county:{c['code']}") for c in f.counties]
    checks += [(o["met"], "met", f"operator:{o['id']}") for o in f.operators]
    checks += [(o["open"], "operator_open", str(o["id"])) for o in f.operators]
    checks += [(p["n"], p["figure"], p["key"]) for p in f.problems]
    for count, figure, key in checks:
        assert count == len(behind(f.filters, figure, key)), (figure, key)
    # And against what a person would count by hand.
    assert behind(f.filters, "met", "resolution") == ["A", "F"]  # B was late
    assert behind(f.filters, "stopped", "response") == ["A", "B", "F"]
    assert behind(f.filters, "met", "county:513301") == ["A"]
    assert behind(f.filters, "backlog_age", "0-1") == ["C"]
    assert behind(f.filters, "backlog_age", "7-30") == ["旧"]
    assert [(r["clock_kind"], r["level"], r["n"], r["tickets"]) for r in f.escalations] == [
        ("resolution", escalated.percent, 1, 1)
    ]
    assert behind(f.filters, "escalation", f"resolution:{escalated.percent}") == ["B"]


@pytest.mark.parametrize(
    ("figure", "key"),
    [
        ("met", "county:51"),
        ("met", "nobody:1"),
        ("stopped", "lunch"),
        ("escalation", "resolution:x"),
        ("backlog_age", "2-5"),
        ("cluster", "abc"),
        ("operator_open", ""),
    ],
)
def test_malformed_drill_down_keys_are_refused(week, figure, key):
    with pytest.raises(ValueError):
        selectors.tickets_behind(filters(), figure, key, now=NOW)


@pytest.fixture
def clusters(week):
    """The knowledge base grouped A, B and C (印章/证照 faults) as one problem,
    and A with F as another that already has an FAQ."""
    big = FaqCandidate.objects.create(title="证照制作失败", size=3)
    big.tickets.add(week["A"], week["B"], week["C"], week["D"])  # D is filed next week
    answered = FaqCandidate.objects.create(title="平台宕机", size=2, state=CandidateState.ACCEPTED)
    answered.tickets.add(week["F"], week["E"])  # E was filed the week before
    return big, answered


def test_recurring_problems_come_from_the_knowledge_base_clusters(week, clusters):
    big, answered = clusters
    f = selectors.figures(filters(), now=NOW)
    assert f.problem_source == "clusters"
    rows = [(p["label"], p["n"], p["key"]) for p in f.problems]
    assert rows == [("证照制作失败", 3, str(big.pk)), ("平台宕机", 1, str(answered.pk))]
    for problem in f.problems:
        members = set(FaqCandidate.objects.get(pk=problem["key"]).tickets.all())
        assert problem["n"] == len(independent(lambda t, m=members: t in m and in_week(t)))
        assert problem["n"] == len(behind(f.filters, "cluster", problem["key"]))
    assert behind(f.filters, "cluster", str(big.pk)) == ["A", "B", "C"]


def test_a_county_supervisor_sees_only_their_county_in_the_clusters(week, clusters):
    big, _answered = clusters
    kangding = supervisor("513301")
    f = selectors.figures(filters("513301"), user=kangding, now=NOW)
    assert [(p["label"], p["n"]) for p in f.problems] == [("证照制作失败", 2)]
    assert behind(f.filters, "cluster", str(big.pk), user=kangding) == ["A", "B"]
    # Another county's cluster is no way into that county's tickets.
    assert behind(filters("513322"), "cluster", str(big.pk), user=kangding) == []


def test_deflections_count_by_faq_within_the_readers_region(
    week, clusters, kangding_reporter, luding_reporter
):
    faq = published_faq(
        week["operator"], "电子证照无法制作怎么办？", "先发布证照模板。", "e_license"
    )
    for user in (kangding_reporter, kangding_reporter, luding_reporter):
        kb_feedback.record_deflection(faq=faq, user=user, query="证照", subsystem=None)
    Deflection.objects.update(created=at("2025-11-12 09:00"))
    outside = kb_feedback.record_deflection(faq=faq, user=kangding_reporter, query="证照")
    Deflection.objects.filter(pk=outside.pk).update(created=at("2025-11-18 09:00"))

    everywhere = selectors.figures(filters(), now=NOW).deflections
    assert everywhere["total"] == 3
    assert [(d["title"], d["n"]) for d in everywhere["faqs"]] == [(faq.title, 3)]
    kangding = selectors.figures(filters("513301"), user=supervisor("513301"), now=NOW)
    assert kangding.deflections["total"] == 2
    by_operator = selectors.figures(filters(operator_id=week["operator"].pk), now=NOW)
    assert by_operator.deflections == {"total": 0, "faqs": [], "applies": False}


def test_the_dashboard_links_the_clusters_and_every_figure(client, week, clusters, now):
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"})
    html = page.content.decode()
    big, _answered = clusters
    assert f'data-figure="cluster-{big.pk}">3<' in html
    assert 'data-figure="met-resolution">2<' in html
    assert 'data-figure="backlog_age-0-1">1<' in html
    assert 'data-figure="compliance">66.7%<' in html
    # The previous period's numbers link to its own tickets (E, filed the week before).
    assert 'data-figure="previous-filed">1<' in html
    previous = client.get(
        reverse("reporting:tickets"), {"kind": "week", "date": "2025-11-03", "figure": "filed"}
    )
    assert "旧积压工单" in previous.content.decode()
    drill = client.get(
        reverse("reporting:tickets"),
        {"kind": "week", "date": "2025-11-12", "figure": "cluster", "key": str(big.pk)},
    )
    assert drill.status_code == 200
    assert "C 周日深夜" in drill.content.decode() and "D 下周一" not in drill.content.decode()


def test_the_word_report_lists_the_clusters_and_deflections(week, clusters, kangding_reporter):
    from tests.reporting.test_documents import cells, docx_of

    faq = published_faq(week["operator"], "印章无法认领怎么办？", "联系制章单位。", "e_seal")
    kb_feedback.record_deflection(faq=faq, user=kangding_reporter, query="印章")
    Deflection.objects.update(created=at("2025-11-13 09:00"))
    document = docx_of()
    table = cells(document)
    assert "相似问题（知识库聚类）" in table
    cluster = table.index("证照制作失败")
    assert table[cluster + 2] == "3"  # A, B and C; D is filed the week after
    assert table[table.index(faq.title) + 1] == "1"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "自助解决、未提交工单1次" in text
