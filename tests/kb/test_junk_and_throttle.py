"""Junk gets a 400 on every knowledge-base endpoint and exit status 2 from
kb_import; the suggestions are throttled, survive a dead Redis and store
nothing for visitors; an import never brings back a retired FAQ."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from helpdesk_site import settings as site_settings
from helpdesk_site.chat import ratelimit
from kb import faqs
from kb.models import Deflection, Faq, FaqState, Feedback, SearchMiss
from tests.factories import UserFactory
from tests.kb.factories import operator, published_faq, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_budgets():
    ratelimit.local_budgets.clear()
    ratelimit._redis_retry_at.clear()
    yield
    ratelimit.local_budgets.clear()
    ratelimit._redis_retry_at.clear()


@pytest.fixture
def faq():
    return published_faq(operator(), "事项认领后在实施清单中看不到", "等待十分钟后刷新。")


def endpoints(faq):
    detail = [faq.pk]
    return [
        ("get", reverse("kb:search"), {"q": "认领\x00"}),
        ("get", reverse("kb:search"), {"q": "认领", "subsystem": "e\x01seal"}),
        ("get", reverse("kb:detail", args=detail), {"x\x00": "1"}),
        ("post", reverse("kb:vote", args=detail), {"helpful": "1\x00"}),
        ("get", reverse("kb:new"), {"q": "\x00"}),
        ("post", reverse("kb:new"), {"question": "问\x00题", "answer": "答"}),
        ("post", reverse("kb:edit", args=detail), {"question": "问", "answer": "答\x00"}),
        ("post", reverse("kb:from_ticket"), {"ticket": "1\x00"}),
        ("post", reverse("kb:transition", args=[faq.pk, "retire"]), {"note": "\x00"}),
        ("get", reverse("kb:review"), {"page": "\x1b"}),
        ("get", reverse("kb:candidates"), {"q": "\x00"}),
        ("post", reverse("kb:candidate_decide", args=[1, "dismiss"]), {"x": "\x00"}),
        ("get", reverse("kb:suggest"), {"q": "认领\x00"}),
        ("get", reverse("kb:suggest"), {"q": "认领", "subsystem": "\x7f"}),
        ("post", reverse("kb:deflect"), {"faq": str(faq.pk), "q": "认领\x00"}),
        ("get", reverse("kb:gaps"), {"q": "\x00"}),
        ("post", reverse("kb:gap_dismiss"), {"key": "认领\x00"}),
        ("post", reverse("kb:gap_draft"), {"key": "认领\x00"}),
    ]


@pytest.mark.parametrize("who", ["visitor", "reviewer"])
def test_junk_is_a_400_everywhere_and_stores_nothing(client, faq, who):
    if who == "reviewer":
        client.force_login(supervisor())
    for method, url, data in endpoints(faq):
        response = getattr(client, method)(url, data)
        assert response.status_code == 400, (method, url, data)
    assert not SearchMiss.objects.exists()
    assert not Feedback.objects.exists() and not Deflection.objects.exists()
    faq.refresh_from_db()
    assert faq.state == FaqState.PUBLISHED and Faq.objects.count() == 1


def test_suggest_answers_junk_in_json(client):
    response = client.get(reverse("kb:suggest"), {"q": "认领\x00"})
    assert response.status_code == 400 and "error" in response.json()


def test_a_visitors_suggest_stores_nothing_a_clerks_final_one_records_the_gap(client):
    url = reverse("kb:suggest")
    assert client.get(url, {"q": "天府通办闪退", "final": "1"}).json() == {"results": []}
    assert not SearchMiss.objects.exists()
    assert "sessionid" not in client.cookies
    clerk = UserFactory()
    client.force_login(clerk)
    client.get(url, {"q": "天府通办闪退", "final": "1"})
    assert SearchMiss.objects.get().user == clerk


def test_suggest_is_throttled_per_user(client, settings, faq):
    settings.KB_SUGGEST_LIMIT = 3
    url = reverse("kb:suggest")
    client.force_login(UserFactory())
    assert [client.get(url, {"q": "认领"}).status_code for _ in range(3)] == [200] * 3
    refused = client.get(url, {"q": "认领"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    # Another clerk has their own budget.
    client.force_login(UserFactory())
    assert client.get(url, {"q": "认领"}).status_code == 200


def test_suggest_is_throttled_per_address_for_visitors(client, settings, faq):
    settings.KB_SUGGEST_LIMIT = 2
    url = reverse("kb:suggest")
    for _ in range(2):
        assert client.get(url, {"q": "认领"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.get(url, {"q": "认领"}, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.get(url, {"q": "认领"}, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_suggest_works_and_still_throttles_with_redis_down(client, settings, faq):
    settings.CACHES = {"default": site_settings.redis_cache("redis://127.0.0.1:1/0")}
    settings.KB_SUGGEST_LIMIT = 2
    url = reverse("kb:suggest")
    first = client.get(url, {"q": "认领了找不到清单"})
    assert first.status_code == 200
    assert [r["id"] for r in first.json()["results"]] == [faq.pk]
    assert client.get(url, {"q": "认领"}).status_code == 200
    assert client.get(url, {"q": "认领"}).status_code == 429


def write(tmp_path, text: str):
    path = tmp_path / "faqs.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def test_kb_import_refuses_a_file_with_nul_bytes_with_status_2(tmp_path):
    good = json.dumps({"question": "如何认领电子印章", "answer": "在印章认领中查询。"})
    path = write(tmp_path, good + "\n\x00\x00\n")
    with pytest.raises(CommandError) as error:
        call_command("kb_import", str(path))
    assert error.value.returncode == 2
    assert not Faq.objects.exists()


def test_kb_import_reports_escaped_control_characters_as_a_bad_line(tmp_path, capsys):
    lines = [
        json.dumps({"question": "如何认领电子印章", "answer": "在印章认领中查询。"}),
        json.dumps({"question": "问题\u0000", "answer": "回答"}),
    ]
    with pytest.raises(CommandError) as error:
        call_command("kb_import", str(write(tmp_path, "\n".join(lines) + "\n")))
    assert error.value.returncode == 1
    assert "faqs.jsonl:2: control characters" in capsys.readouterr().err
    assert Faq.objects.get().question == "如何认领电子印章"


def test_kb_import_leaves_a_retired_faq_retired_and_says_so(tmp_path, capsys):
    reviewer = supervisor()
    old = published_faq(operator(), "如何认领电子印章", "旧的回答。")
    faqs.retire(user=reviewer, faq=old, note="平台已升级")
    line = json.dumps({"question": "如何认领电子印章", "answer": "新的回答。"}, ensure_ascii=False)
    call_command("kb_import", str(write(tmp_path, line + "\n")))
    out, err = capsys.readouterr()
    assert f"FAQ #{old.pk} is retired; kept" in err
    assert "1 retired kept retired" in out
    old.refresh_from_db()
    old.kbitem.refresh_from_db()
    assert old.state == FaqState.RETIRED and old.kbitem.answer == "旧的回答。"
    assert not old.kbitem.enabled


def test_the_demo_seed_leaves_a_retired_demo_faq_retired(demo_faqs):
    faq = next(iter(demo_faqs.values()))
    faqs.retire(user=supervisor(), faq=faq)
    call_command("kb_seed_demo", verbosity=0)
    faq.refresh_from_db()
    assert faq.state == FaqState.RETIRED
