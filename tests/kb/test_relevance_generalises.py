"""Search as a new user meets it: other spellings, other words, questions the
collection cannot answer, and the real FAQs of gov_faq.jsonl (read from
../shared at run time, never copied) with the dev half of the clerk-style
queries of bench/data/relevance_queries.json."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from bench.eval_data import eval_file
from helpdesk_site.people.models import Role
from kb import faqs as kb_faqs
from kb import search, term_statistics, ticket_text
from kb.models import Faq, SearchMiss
from tests.factories import UserFactory
from tests.kb.factories import file_ticket, operator, published_faq

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "bench" / "data" / "relevance_queries.json"
GOV_FAQ = eval_file("gov_faq.jsonl")
# FAQs that answer no dev query, taking part as distractors.
DISTRACTORS = 200


def ids(hits):
    return [h.id for h in hits]


def test_traditional_and_full_width_queries_find_simplified_faqs():
    faq = published_faq(operator(), "不动产登记需要多长时间", "网上预约后当场领取不动产权证。")
    ktv = published_faq(operator(), "KTV营业时间有何规定", "娱乐场所按通知执行。")
    assert ids(search.search_faqs("不動產登記", user=None)) == [faq.pk]
    assert ids(search.search_faqs("ＫＴＶ", user=None)) == [ktv.pk]


def test_traditional_ticket_text_is_found_in_simplified():
    admin = UserFactory(role=Role.ADMIN, department=None)
    ticket = file_ticket(UserFactory(), title="不動產登記辦不了")
    assert ids(search.search_tickets("不动产登记", user=admin)) == [ticket.pk]


def test_a_reindex_picks_up_the_normalisation():
    faq = published_faq(operator(), "不動產登記需要多長時間", "網上預約。")
    # As segmented before normalisation: the traditional words as they were.
    Faq.objects.filter(pk=faq.pk).update(question_segmented="不動產 登記", answer_segmented="網上")
    ticket_text.resegment_all()
    assert ids(search.search_faqs("不动产登记", user=None)) == [faq.pk]


def test_suggestions_show_only_confident_hits_and_a_weak_match_is_a_knowledge_gap(client):
    published_faq(operator(), "社保费可以缓缴吗", "受疫情影响的企业可申请缓缴社会保险费。")
    client.force_login(UserFactory())
    url = reverse("kb:suggest")
    found = client.get(url, {"q": "企业社保能晚交吗", "final": "1"}).json()["results"]
    assert len(found) == 1
    assert not SearchMiss.objects.exists()
    # 企业 matches, but nothing about a square dance at night: show nothing.
    weak = search.search_faqs("广场舞晚上太吵企业不管", user=None)
    assert weak and not any(h.confident for h in weak)
    client.get(url, {"q": "广场舞晚上太吵企业不管", "final": "1"})
    assert client.get(url, {"q": "广场舞晚上太吵企业不管"}).json()["results"] == []
    assert SearchMiss.objects.get().query == "广场舞晚上太吵企业不管"


def _reciprocal_rank(found, right) -> float:
    return next((1 / p for p, pk in enumerate(found[:10], start=1) if pk in right), 0.0)


@pytest.mark.skipif(not GOV_FAQ.exists(), reason="../shared/data/eval/gov_faq.jsonl not found")
def test_dev_queries_on_real_faqs_beat_plain_bm25_and_unanswerable_ones_stay_quiet():
    import jieba
    from rank_bm25 import BM25Okapi

    queries = json.loads(QUERIES.read_text(encoding="utf-8"))
    dev = queries["dev"]
    faqs = [json.loads(line) for line in GOV_FAQ.read_text(encoding="utf-8").splitlines()]
    wanted = {line for q in dev for line in (q["line"], *q.get("also", ()))}
    lines = sorted(wanted | set(range(1, DISTRACTORS + 1)))
    pk_of = {}
    with term_statistics.deferred():
        for line in lines:
            faq, _created = kb_faqs.import_faq(
                question=faqs[line - 1]["question"], answer=faqs[line - 1]["answer"]
            )
            pk_of[line] = faq.pk
    plain = BM25Okapi(
        [jieba.lcut(f"{faqs[n - 1]['question']} {faqs[n - 1]['answer']}") for n in lines]
    )

    ours_rr = plain_rr = 0.0
    for q in dev:
        right = {pk_of[line] for line in (q["line"], *q.get("also", ()))}
        ours_rr += _reciprocal_rank(ids(search.search_faqs(q["query"], public_only=False)), right)
        scores = plain.get_scores(jieba.lcut(q["query"]))
        order = sorted(range(len(lines)), key=lambda i: -scores[i])
        plain_rr += _reciprocal_rank([pk_of[lines[i]] for i in order if scores[i] > 0], right)
    assert ours_rr / len(dev) > plain_rr / len(dev) + 0.1

    quiet = [
        not any(h.confident for h in search.search_faqs(text, public_only=False, limit=5))
        for text in queries["no_answer"]["dev"]
    ]
    assert sum(quiet) / len(quiet) >= 0.75
