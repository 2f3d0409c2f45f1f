"""Elasticsearch filters tickets by the user's scope itself: the document
carries region, department, queue and assignee; a narrow scope gets its own
hits even when better matches elsewhere fill a global top list."""

import os

import pytest

from helpdesk_site.people.models import Role
from kb import search
from kb.search import elastic
from tests.factories import DepartmentFactory, UserFactory, region
from tests.kb.factories import file_ticket, operator, supervisor

pytestmark = pytest.mark.django_db

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")


def clerk(code):
    return UserFactory(department=DepartmentFactory(region=region(code)))


def test_the_ticket_document_carries_what_the_scope_filters_on():
    filer = clerk("513322")
    engineer = operator("e_license")
    ticket = file_ticket(filer, title="电子证照签发失败")
    ticket.assigned_to = engineer
    ticket.save()
    source = elastic.ticket_document(ticket.search_text)["_source"]
    assert source["region_code"] == "513322"
    assert source["department"] == filer.department_id
    assert source["queue"] == ticket.queue_id
    assert source["assigned_to"] == engineer.pk
    mapping = elastic.index_for("ticket").to_dict()["mappings"]["properties"]
    assert mapping["region_code"] == {"type": "keyword"}
    assert mapping["queue"] == {"type": "integer"}


@pytest.fixture
def searched(settings, monkeypatch):
    """The Search bodies the backend sent, answered with no hits."""
    settings.KB_SEARCH_BACKEND = "elasticsearch"
    bodies = []

    def execute(search_):
        bodies.append(search_.to_dict())
        return []

    monkeypatch.setattr(elastic, "_execute", execute)
    monkeypatch.setattr(elastic, "ticket_count", lambda query, user: 0)
    return bodies


def test_a_supervisors_search_sends_the_region_filter(searched):
    search.search_tickets("电子证照", user=supervisor("513322"))
    (body,) = searched
    kept = body["query"]["bool"]["filter"][0]["bool"]
    assert kept["should"] == [{"prefix": {"region_code": "513322"}}]
    assert kept["minimum_should_match"] == 1
    # The scope picks the candidates: no global list cut afterwards.
    assert body["size"] >= search.MAX_LIMIT


def test_an_operators_search_sends_queues_and_assignment(searched):
    engineer = operator("e_license")
    search.search_tickets("电子证照", user=engineer)
    should = searched[0]["query"]["bool"]["filter"][0]["bool"]["should"]
    assert {"term": {"assigned_to": engineer.pk}} in should
    (queues,) = [clause["terms"]["queue"] for clause in should if "terms" in clause]
    assert len(queues) == 1


def test_an_administrators_search_has_no_scope_filter(searched):
    search.search_tickets("电子证照", user=UserFactory(role=Role.ADMIN, department=None))
    assert "filter" not in searched[0]["query"]["bool"]


def test_a_supervisor_without_a_region_asks_elasticsearch_nothing(searched):
    nobody = UserFactory(role=Role.SUPERVISOR, department=None)
    assert search.search_ticket_page("电子证照", user=nobody).hits == []
    assert searched == []


needs_server = pytest.mark.skipif(
    not ES_URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to test against"
)


@needs_server
def test_against_a_real_server_a_narrow_scope_finds_its_matches(settings):
    settings.ELASTICSEARCH_URL = ES_URL
    settings.KB_SEARCH_BACKEND = "elasticsearch"
    settings.KB_ES_INDEX_PREFIX = "ganzi-kb-test-scope"
    kangding = clerk("513301")
    # Far more and better matches elsewhere than a global top list holds.
    for n in range(elastic.CANDIDATES + 10):
        file_ticket(kangding, title=f"电子证照 电子证照 无法制作 {n}")
    luding_ticket = file_ticket(clerk("513322"), title="办件提交后显示电子证照异常")
    elastic.reindex_all()
    elastic.client().indices.refresh(index="ganzi-kb-test-scope-*")
    page = search.search_ticket_page("电子证照", user=supervisor("513322"))
    assert [h.id for h in page.hits] == [luding_ticket.pk]
    assert page.total == 1
    everyone = search.search_ticket_page(
        "电子证照", user=UserFactory(role=Role.ADMIN, department=None)
    )
    assert everyone.total == elastic.CANDIDATES + 11
