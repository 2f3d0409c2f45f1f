"""知识缺口: searches without an answer, grouped however they were typed,
most asked first; operators start an FAQ draft from one or dismiss it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kb import feedback
from kb.gap_text import gap_key
from kb.models import Faq, FaqState, SearchMiss
from tests.factories import UserFactory
from tests.kb.factories import operator, supervisor

FILING = SearchMiss.Where.FILING_FORM
PAGE = SearchMiss.Where.SEARCH_PAGE


def test_the_key_folds_spacing_punctuation_width_case_and_traditional_characters():
    assert gap_key("不動產 登記？") == gap_key("不动产登记") == "不动产登记"
    assert gap_key("ＫＴＶ  噪音!") == gap_key("ktv噪音")
    assert gap_key("噪音扰民") != gap_key("噪音")
    assert gap_key(" ？！ ") == ""


def miss(query, where=FILING, days_ago=0):
    feedback.record_search_miss(query=query, where=where, user=UserFactory())
    row = SearchMiss.objects.latest("pk")
    SearchMiss.objects.filter(pk=row.pk).update(
        created=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture
def asked(db):
    miss("不動產 登記？", days_ago=5)
    miss("不动产登记怎么办", days_ago=4)
    miss("不动产登记", days_ago=3)
    miss("不动产 登记", PAGE, days_ago=1)
    miss("ＫＴＶ噪音", PAGE, days_ago=2)
    miss("ktv噪音", FILING, days_ago=0)
    miss("<script>alert(1)</script>", PAGE, days_ago=9)


def rows(client):
    response = client.get(reverse("kb:gaps"))
    assert response.status_code == 200
    return response, list(response.context["gaps"])


def test_operators_see_gaps_grouped_and_most_asked_first(client, asked):
    client.force_login(operator())
    response, gaps = rows(client)
    first, second = gaps[0], gaps[1]
    assert (first["key"], first["asked"], first["filing"], first["page"]) == ("不动产登记", 3, 2, 1)
    assert first["query"] == "不动产 登记"  # its latest wording
    assert (second["key"], second["asked"]) == ("ktv噪音", 2)
    assert second["latest"] > first["latest"]
    assert [g["key"] for g in gaps].count("不动产登记怎么办") == 1
    body = response.content.decode()
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert "知识缺口" in body and "起草常见问题" in body


def test_dismissing_a_gap_takes_it_off_the_list_and_keeps_the_misses(client, asked):
    client.force_login(operator())
    response = client.post(reverse("kb:gap_dismiss"), {"key": "不动产登记"})
    assert response.status_code == 302
    _response, gaps = rows(client)
    assert "不动产登记" not in [g["key"] for g in gaps]
    assert SearchMiss.objects.filter(normalised="不动产登记", handled_at__isnull=False).count() == 3
    # Asked again later: the gap is back, counted from then on.
    miss("不动產登記")
    _response, gaps = rows(client)
    assert {g["key"]: g["asked"] for g in gaps}["不动产登记"] == 1


def test_a_draft_started_from_a_gap_carries_its_question_and_closes_it(client, asked):
    author = operator()
    client.force_login(author)
    response = client.post(reverse("kb:gap_draft"), {"key": "ktv噪音"})
    faq = Faq.objects.get()
    assert response.status_code == 302 and response.url == reverse("kb:edit", args=[faq.pk])
    assert faq.question == "ktv噪音" and faq.state == FaqState.DRAFT
    assert faq.author == author and not faq.is_public
    assert faq.search_misses.count() == 2
    _response, gaps = rows(client)
    assert "ktv噪音" not in [g["key"] for g in gaps]
    # A second click (another tab) starts no second draft.
    client.post(reverse("kb:gap_draft"), {"key": "ktv噪音"})
    assert Faq.objects.count() == 1


def test_reviewers_handle_gaps_too(client, asked):
    client.force_login(supervisor())
    assert client.get(reverse("kb:gaps")).status_code == 200
    client.post(reverse("kb:gap_dismiss"), {"key": "ktv噪音"})
    assert not SearchMiss.objects.filter(normalised="ktv噪音", handled_at__isnull=True).exists()


def test_reporters_and_visitors_cannot_see_or_handle_gaps(client, asked):
    assert client.get(reverse("kb:gaps")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("kb:gaps")).status_code == 403
    assert client.post(reverse("kb:gap_dismiss"), {"key": "ktv噪音"}).status_code == 403
    assert client.post(reverse("kb:gap_draft"), {"key": "ktv噪音"}).status_code == 403
    assert not SearchMiss.objects.filter(handled_at__isnull=False).exists()
    assert not Faq.objects.exists()


@pytest.mark.parametrize("data", [{}, {"key": ""}, {"key": "x" * 301}])
def test_a_post_without_a_gap_is_a_400(client, asked, data):
    client.force_login(operator())
    assert client.post(reverse("kb:gap_dismiss"), data).status_code == 400
    assert client.post(reverse("kb:gap_draft"), data).status_code == 400


def test_a_search_page_miss_shows_up_as_a_gap(client, db):
    client.get(reverse("kb:search"), {"q": "天府通办 闪退"})
    client.force_login(operator())
    _response, gaps = rows(client)
    assert [(g["key"], g["page"]) for g in gaps] == [("天府通办闪退", 1)]


def test_the_reports_list_a_periods_gaps_within_the_readers_region(client, db):
    from helpdesk_site.regions.models import Region
    from reporting import selectors as reporting
    from reporting.periods import containing
    from reporting.selectors import Filters
    from tests.factories import DepartmentFactory, region
    from tests.sla.conftest import at

    kangding = UserFactory(department=DepartmentFactory(region=region("513301")))
    luding = UserFactory(department=DepartmentFactory(region=region("513322")))
    for user, query in ((kangding, "不動產登記"), (kangding, "不动产 登记"), (luding, "KTV噪音")):
        feedback.record_search_miss(query=query, where=FILING, user=user)
    SearchMiss.objects.update(created=at("2025-11-12 09:00"))
    feedback.record_search_miss(query="下周的问题", where=FILING, user=kangding)
    SearchMiss.objects.filter(query="下周的问题").update(created=at("2025-11-18 09:00"))
    week = containing("week", datetime.date(2025, 11, 12))
    now = at("2025-11-20 12:00")

    def gaps(code, **more):
        f = Filters(period=week, region=Region.objects.get(code=code), **more)
        return reporting.figures(f, user=supervisor(code), now=now).gaps

    assert [(g["key"], g["asked"]) for g in gaps("513300")["gaps"]] == [
        ("不动产登记", 2),
        ("ktv噪音", 1),
    ]
    assert [g["key"] for g in gaps("513301")["gaps"]] == ["不动产登记"]
    assert gaps("513300", subsystem="e_seal") == {"gaps": [], "applies": False}
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"})
    assert "不动产 登记" in page.content.decode()
