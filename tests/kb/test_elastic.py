"""The Elasticsearch backend without a server: mapping, queries, documents and
the fallback to the database; with ELASTICSEARCH_URL set, against a real one."""

import logging
import os

import pytest
from django.core.management import call_command

from helpdesk_site.celery import app as celery_app
from kb import search, tasks
from kb.models import IndexPending
from kb.search import elastic
from tests.kb.factories import operator, published_faq

pytestmark = pytest.mark.django_db

# Port 9 (discard) is closed here: connecting is refused at once.
CLOSED_PORT = "http://127.0.0.1:9"


@pytest.fixture
def es_down(settings):
    settings.ELASTICSEARCH_URL = CLOSED_PORT
    settings.KB_SEARCH_BACKEND = "elasticsearch"
    settings.KB_ES_TIMEOUT = 1.0
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


def test_mapping_uses_the_whitespace_analyzer_on_segmented_fields():
    index = elastic.index_for("faq").to_dict()
    properties = index["mappings"]["properties"]
    assert properties["question"] == {"type": "text", "analyzer": "kb_words"}
    assert properties["answer"] == {"type": "text", "analyzer": "kb_words"}
    assert properties["state"] == {"type": "keyword"}
    assert properties["is_public"] == {"type": "boolean"}
    analyzer = index["settings"]["analysis"]["analyzer"]["kb_words"]
    # Full-width folding is what stock Elasticsearch offers (kb.segment does the rest).
    assert analyzer == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["cjk_width", "lowercase"],
    }
    tickets = elastic.index_for("ticket").to_dict()["mappings"]["properties"]
    assert tickets["title"]["analyzer"] == "kb_words"


def test_faq_query_filters_published_public_and_weights_terms():
    query = search.Query.parse("印章 盖章", subsystem="e_seal")
    body = elastic.faq_search(query, public_only=True, limit=7).to_dict()
    bool_query = body["query"]["bool"]
    assert {"term": {"state": "published"}} in bool_query["filter"]
    assert {"term": {"is_public": True}} in bool_query["filter"]
    assert {"term": {"subsystem": "e_seal"}} in bool_query["filter"]
    assert bool_query["minimum_should_match"] == 1
    should = bool_query["should"]
    assert {"term": {"question": {"value": "盖章", "boost": 2.0}}} in should
    assert {"term": {"answer": {"value": "盖章", "boost": 1.0}}} in should
    # 制章 is a platform synonym of 盖章: half the weight, and only in a
    # document that names the platform.
    platform = next(c["bool"] for c in should if "bool" in c)
    assert {"term": {"question": {"value": "制章", "boost": 1.0}}} in platform["should"]
    assert "电子印章" in platform["filter"][0]["bool"]["should"][0]["terms"]["question"]
    assert body["size"] == 7 and body["_source"] is False


def test_internal_search_does_not_filter_on_public():
    body = elastic.faq_search(search.Query.parse("印章"), public_only=False, limit=5).to_dict()
    assert {"term": {"is_public": True}} not in body["query"]["bool"]["filter"]


def test_ticket_query_carries_the_search_filters():
    query = search.Query.parse("电子证照", category="fault")
    body = elastic.ticket_search(query, limit=200).to_dict()
    assert {"term": {"category": "fault"}} in body["query"]["bool"]["filter"]
    should = body["query"]["bool"]["should"]
    assert {"term": {"title": {"value": "电子证照", "boost": 2.0}}} in should
    assert {"term": {"body": {"value": "电子证照", "boost": 1.0}}} in should


def test_faq_document_carries_the_segmented_text():
    faq = published_faq(operator(), "电子印章如何认领", "在印章认领中查询。", subsystem="e_seal")
    doc = elastic.faq_document(faq)
    assert doc["_id"] == faq.pk and doc["_index"] == "ganzi-kb-faq"
    source = doc["_source"]
    assert source["question"] == faq.question_segmented
    assert "认领" in source["question"].split()
    assert source["state"] == "published" and source["subsystem"] == "e_seal"
    assert source["title"] == "电子印章如何认领"


def test_ticket_document_carries_labels_for_filters():
    from tests.factories import UserFactory, file_ticket

    ticket = file_ticket(UserFactory())
    doc = elastic.ticket_document(ticket.search_text)
    assert doc["_id"] == ticket.pk
    assert doc["_source"]["subsystem"] == "e_license"
    assert doc["_source"]["category"] == "fault"
    assert "电子证照" in doc["_source"]["title"].split()


def test_search_falls_back_to_the_database_and_says_so(es_down, caplog):
    faq = published_faq(operator(), "电子印章如何认领", "在印章认领中查询。")
    with caplog.at_level(logging.WARNING, logger="kb.search"):
        hits = search.search_faqs("印章认领", user=None)
    assert [h.id for h in hits] == [faq.pk]
    assert "Elasticsearch unavailable" in caplog.text


def test_ticket_search_falls_back_too(es_down):
    from helpdesk_site.people.models import Role
    from tests.factories import UserFactory, file_ticket

    ticket = file_ticket(UserFactory())
    admin = UserFactory(role=Role.ADMIN, department=None)
    assert [h.id for h in search.search_tickets("电子证照", user=admin)] == [ticket.pk]


def test_changes_made_while_it_is_down_wait_for_the_catch_up(
    es_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        faq = published_faq(operator(), "电子印章如何认领", "在印章认领中查询。")
    assert IndexPending.objects.filter(kind="faq", object_id=faq.pk).exists()
    assert tasks.index_catch_up() == 0
    assert IndexPending.objects.filter(kind="faq", object_id=faq.pk).exists()


def test_reindex_reports_elasticsearch_down(es_down):
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        call_command("kb_reindex", "--elasticsearch-only")
    assert error.value.returncode == 1


def test_faqs_found_by_elasticsearch_go_through_the_same_two_stages(settings, monkeypatch):
    # Whatever order and scale of scores the index answers with (it stands
    # in for a server's answer here), the FAQs it found are ranked by the
    # same first stage and re-ranked by the same second stage as the
    # database's: a user sees the same hits with the same probabilities.
    seal = published_faq(operator(), "电子印章如何认领", "在印章认领中查询本单位印章。")
    other = published_faq(operator(), "电子证照模板如何发布", "在证照目录中发布模板。")
    claim = published_faq(operator(), "事项认领后清单不显示", "认领后在实施清单中编辑并提交。")
    settings.KB_SEARCH_BACKEND = "db"
    from_db = search.search_faqs("印章认领在哪里", user=None)
    assert from_db[0].id == seal.pk
    settings.KB_SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr(
        elastic,
        "_execute",
        lambda _search: [(claim.pk, 31.0, None), (other.pk, 17.5, None), (seal.pk, 2.0, None)],
    )
    from_es = search.search_faqs("印章认领在哪里", user=None)
    shown = [(h.id, h.score, h.confident) for h in from_es]
    assert shown == [(h.id, h.score, h.confident) for h in from_db]


ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
needs_server = pytest.mark.skipif(
    not ES_URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to test against"
)


@needs_server
def test_against_a_real_server_both_backends_agree(settings, demo_faqs):
    settings.KB_SEARCH_BACKEND = "elasticsearch"
    settings.KB_ES_INDEX_PREFIX = "ganzi-kb-test"
    elastic.reindex_all()
    elastic.client().indices.refresh(index="ganzi-kb-test-*")
    from tests.kb.relevance import QUERIES

    agree = 0
    for query, _expected in QUERIES:
        parsed = search.Query.parse(query)
        from_es = [pk for pk, *_ in elastic.faq_ids(parsed, False, 1)]
        settings.KB_SEARCH_BACKEND = "db"
        from_db = [h.id for h in search.search_faqs(query, public_only=False, limit=1)]
        settings.KB_SEARCH_BACKEND = "elasticsearch"
        agree += from_es == from_db
    assert agree / len(QUERIES) >= 0.85


@needs_server
def test_against_a_real_server_searches_show_what_the_database_shows(settings, demo_faqs):
    settings.KB_SEARCH_BACKEND = "elasticsearch"
    settings.KB_ES_INDEX_PREFIX = "ganzi-kb-test"
    elastic.reindex_all()
    elastic.client().indices.refresh(index="ganzi-kb-test-*")
    from tests.kb.relevance import QUERIES

    same = 0
    for query, _expected in QUERIES:
        from_es = [(h.id, h.score) for h in search.search_faqs(query, public_only=False)]
        settings.KB_SEARCH_BACKEND = "db"
        from_db = [(h.id, h.score) for h in search.search_faqs(query, public_only=False)]
        settings.KB_SEARCH_BACKEND = "elasticsearch"
        same += from_es[:3] == from_db[:3]
    # Both hand the same candidates to the same two stages; only a word so
    # common that either backend cuts its candidates short may differ.
    assert same / len(QUERIES) >= 0.95


@needs_server
def test_against_a_real_server_pending_changes_are_sent(settings, es_down):
    settings.ELASTICSEARCH_URL = ES_URL
    settings.KB_ES_INDEX_PREFIX = "ganzi-kb-test"
    faq = published_faq(operator(), "电子印章如何认领", "在印章认领中查询。")
    IndexPending.objects.update_or_create(kind="faq", object_id=faq.pk)
    assert tasks.index_catch_up() >= 1
    assert not IndexPending.objects.exists()
    elastic.client().indices.refresh(index="ganzi-kb-test-faq")
    assert [pk for pk, *_ in elastic.faq_ids(search.Query.parse("认领"), True, 5)] == [faq.pk]


def test_tickets_ranked_by_elasticsearch_are_shown_only_within_scope(settings, monkeypatch):
    # What the index ranks is filtered by the scope module before anything is
    # shown; the ranking itself stands in for a server's answer.
    from tests.factories import DepartmentFactory, UserFactory, region
    from tests.kb.factories import file_ticket, supervisor

    settings.KB_SEARCH_BACKEND = "elasticsearch"
    kangding = file_ticket(
        UserFactory(department=DepartmentFactory(region=region("513301"))), title="电子证照无法制作"
    )
    luding = file_ticket(
        UserFactory(department=DepartmentFactory(region=region("513322"))), title="电子证照签发失败"
    )
    monkeypatch.setattr(
        elastic, "_execute", lambda _search: [(kangding.pk, 9.0, None), (luding.pk, 8.0, None)]
    )
    hits = search.search_tickets("电子证照", user=supervisor("513322"))
    assert [(h.id, h.title, h.score) for h in hits] == [(luding.pk, "电子证照签发失败", 8.0)]


def test_tickets_ranked_by_elasticsearch_are_shown_only_within_the_filters(settings, monkeypatch):
    # The index can lag: a ticket moved to another subsystem since it was
    # indexed is dropped by the database's own reading of the filters.
    from helpdesk_site.people.models import Role
    from tests.factories import UserFactory
    from tests.kb.factories import file_ticket

    settings.KB_SEARCH_BACKEND = "elasticsearch"
    license_ticket = file_ticket(UserFactory(), title="电子证照无法制作")
    seal_ticket = file_ticket(UserFactory(), subsystem="e_seal", title="电子证照签章失败")
    monkeypatch.setattr(
        elastic,
        "_execute",
        lambda _search: [(seal_ticket.pk, 9.0, None), (license_ticket.pk, 8.0, None)],
    )
    admin = UserFactory(role=Role.ADMIN, department=None)
    hits = search.search_tickets("电子证照", user=admin, subsystem="e_license")
    assert [(h.id, h.title) for h in hits] == [(license_ticket.pk, "电子证照无法制作")]
    hits = search.search_tickets("电子证照", user=admin, category="consultation")
    assert hits == []
