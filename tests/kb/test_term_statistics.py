"""Ranking's term statistics: counted off the request path, read by searches."""

from collections import Counter

import pytest
from django.core.management import ManagementUtility, call_command

from helpdesk_site.audit.services import withdraw_ticket
from helpdesk_site.people.models import Role
from kb import faqs, indexing, search, tasks, term_statistics
from kb.models import Corpus, Faq, FaqState, TermFrequency, TermStatistics, TicketText
from kb.search import database
from tests.factories import UserFactory
from tests.kb.factories import file_ticket, operator, published_faq

pytestmark = pytest.mark.django_db

# jieba keeps "50%" one word where PostgreSQL's parser (and so ts_stat)
# makes it "50": the stored counts must be those of the ranking's split.
TITLES = [
    "电子证照无法制作",
    "电子证照签发失败",
    "邮箱e-mail收不到验证码v2.0",
    "电子印章制章进度50%卡住",
    "",
]


def independent_count(rows):
    """Document frequencies, documents and average lengths, counted here."""
    df = Counter()
    totals = [0, 0]
    for first, second in rows:
        df.update(set(first.split()) | set(second.split()))
        totals[0] += len(first.split())
        totals[1] += len(second.split())
    n = len(rows)
    return dict(df), n, tuple(max(t / n, 1.0) for t in totals)


def stored(corpus):
    summary = TermStatistics.objects.get(corpus=corpus)
    df = dict(TermFrequency.objects.filter(corpus=corpus).values_list("term", "documents"))
    return df, summary.documents, (summary.average_first, summary.average_second)


def admin():
    return UserFactory(role=Role.ADMIN, department=None)


def test_stored_ticket_statistics_equal_an_independent_count():
    reporter = UserFactory()
    for title in TITLES:
        file_ticket(reporter, title=title or "无标题")
    file_ticket(reporter, title="附件", description="")
    term_statistics.refresh_term_statistics(Corpus.TICKET)
    rows = list(TicketText.objects.values_list("title_segmented", "body_segmented"))
    assert any("50%" in title.split() for title, _body in rows)
    assert stored(Corpus.TICKET) == independent_count(rows)


@pytest.mark.parametrize("in_database", [True, False])
def test_withdrawn_tickets_do_not_count_in_the_ticket_statistics(in_database, monkeypatch):
    reporter = UserFactory()
    file_ticket(reporter, title="营业执照无法下载")
    withdrawn = file_ticket(reporter, title="珠穆朗玛峰登山证办理")
    withdraw_ticket(user=admin(), ticket=withdrawn, reason="重复提交")
    if not in_database:
        # The count SQLite uses: the rows read and counted in Python.
        monkeypatch.setattr(indexing, "uses_postgres", lambda: False)
    term_statistics.refresh_term_statistics(Corpus.TICKET)
    df, documents, _averages = stored(Corpus.TICKET)
    assert documents == 1
    assert "珠穆朗玛峰" not in df
    assert df["营业执照"] == 1


def test_stored_faq_statistics_count_published_faqs_only(demo_faqs):
    faqs.create_draft(user=operator(), question="珠穆朗玛峰", answer="未发布")
    term_statistics.refresh_term_statistics(Corpus.FAQ)
    rows = list(
        Faq.objects.filter(state=FaqState.PUBLISHED).values_list(
            "question_segmented", "answer_segmented"
        )
    )
    df, documents, averages = stored(Corpus.FAQ)
    assert (df, documents, averages) == independent_count(rows)
    assert "珠穆朗玛峰" not in df


@pytest.fixture
def rare_word_turns_common():
    """制章 is searched while rare, then six tickets make it common. Returns
    (the first ticket, the admin who searched, the first search's hits)."""
    reporter = UserFactory()
    first = file_ticket(reporter, title="电子印章制章失败")
    for _ in range(3):
        file_ticket(reporter, title="营业执照无法下载")
    term_statistics.refresh_term_statistics(Corpus.TICKET)
    user = admin()
    before = search.search_tickets("制章", user=user)
    assert [h.id for h in before] == [first.pk]
    for _ in range(6):
        file_ticket(reporter, title="制章 制章 提交后没有反应")
    return first, user, before


def test_searches_use_the_refreshed_statistics_once_the_refresh_ran(rare_word_turns_common):
    first, user, before = rare_word_turns_common
    # Until the statistics are refreshed searches keep reading the stored
    # ones: no search recounts.
    database.forget_stats()
    stale = search.search_tickets("制章", user=user)
    assert {h.id: h.score for h in stale}[first.pk] == before[0].score
    tasks.refresh_term_statistics()
    fresh = search.search_tickets("制章", user=user)
    assert {h.id: h.score for h in fresh}[first.pk] < before[0].score
    assert TermStatistics.objects.get(corpus=Corpus.TICKET).documents == 10


def test_a_refresh_made_by_another_process_reaches_this_ones_cached_words(
    rare_word_turns_common, monkeypatch
):
    first, user, before = rare_word_turns_common
    # Another process refreshes, so nothing here is forgotten; this process
    # rereads the summary after SUMMARY_SECONDS and sees a newer refresh.
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(database, "forget_stats", lambda: None)
        term_statistics.refresh_term_statistics(Corpus.TICKET)
    monkeypatch.setattr(database, "SUMMARY_SECONDS", 0)
    fresh = search.search_tickets("制章", user=user)
    assert {h.id: h.score for h in fresh}[first.pk] < before[0].score


def test_a_search_on_a_fresh_install_ranks_with_a_count_it_stores_nowhere():
    reporter = UserFactory()
    first = file_ticket(reporter, title="电子证照签发失败")
    file_ticket(reporter, title="电子证照签发成功后无法下载")
    file_ticket(reporter, title="营业执照无法下载")
    assert not TermStatistics.objects.exists()
    hits = search.search_tickets("签发失败", user=admin())
    assert hits[0].id == first.pk
    assert not TermStatistics.objects.exists() and not TermFrequency.objects.exists()
    # The same scores as with the stored count: the count in memory is the same count.
    term_statistics.refresh_term_statistics(Corpus.TICKET)
    database.forget_stats()
    stored_hits = search.search_tickets("签发失败", user=admin())
    assert [(h.id, h.score) for h in stored_hits] == [(h.id, h.score) for h in hits]


def test_the_first_ticket_text_stores_the_statistics_once_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        file_ticket(UserFactory(), title="电子证照签发失败")
    assert TermStatistics.objects.get(corpus=Corpus.TICKET).documents == 1
    assert TermFrequency.objects.get(corpus=Corpus.TICKET, term="签发").documents == 1
    # Later tickets leave the count to the periodic task.
    with django_capture_on_commit_callbacks(execute=True):
        file_ticket(UserFactory(), title="电子印章制章失败")
    assert TermStatistics.objects.get(corpus=Corpus.TICKET).documents == 1


def test_searches_that_waited_for_the_first_count_do_not_count_again():
    reporter = UserFactory()
    file_ticket(reporter, title="电子证照签发失败")
    term_statistics.refresh_term_statistics(Corpus.TICKET, only_if_missing=True)
    file_ticket(reporter, title="电子印章制章失败")
    kept = term_statistics.refresh_term_statistics(Corpus.TICKET, only_if_missing=True)
    assert kept.documents == 1
    assert term_statistics.refresh_term_statistics(Corpus.TICKET).documents == 2


def test_publishing_an_faq_refreshes_the_faq_statistics_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        published_faq(operator(), "电子印章如何制章", "在印章管理中申请制章。")
    assert TermStatistics.objects.get(corpus=Corpus.FAQ).documents == 1
    with django_capture_on_commit_callbacks(execute=True):
        published_faq(operator(), "好差评二维码在哪里", "在评价渠道中生成二维码。")
    assert TermStatistics.objects.get(corpus=Corpus.FAQ).documents == 2
    assert TermFrequency.objects.get(corpus=Corpus.FAQ, term="二维码").documents == 1


def test_a_draft_that_was_never_published_refreshes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        faqs.create_draft(user=operator(), question="草稿问题", answer="草稿回答")
    assert callbacks == []


def test_import_refreshes_the_faq_statistics(tmp_path):
    path = tmp_path / "faqs.jsonl"
    path.write_text(
        '{"question": "如何认领电子印章", "answer": "在印章认领中查询并认领。"}\n'
        '{"question": "好差评二维码", "answer": "在评价渠道中生成。"}\n',
        encoding="utf-8",
    )
    call_command("kb_import", str(path))
    assert TermStatistics.objects.get(corpus=Corpus.FAQ).documents == 2


def test_reindex_refreshes_both_collections(demo_faqs):
    file_ticket(UserFactory(), title="电子证照签发失败")
    call_command("kb_reindex")
    assert stored(Corpus.TICKET)[1] == 1
    assert stored(Corpus.FAQ)[1] == len(demo_faqs)


def test_refresh_command_reports_each_collection(capsys):
    file_ticket(UserFactory(), title="电子证照签发失败")
    call_command("kb_refresh_stats")
    out = capsys.readouterr().out
    assert "faq: 0 documents" in out and "ticket: 1 documents" in out
    call_command("kb_refresh_stats", "--corpus", "ticket")
    assert capsys.readouterr().out.startswith("ticket: 1 documents")


@pytest.mark.parametrize("args", [["--corpus", "tickets"], ["--corpus"], ["extra"]])
def test_refresh_command_rejects_bad_arguments_with_status_2(args, capsys):
    with pytest.raises(SystemExit) as exit:
        ManagementUtility(["manage.py", "kb_refresh_stats", *args]).execute()
    assert exit.value.code == 2
    assert "error" in capsys.readouterr().err
    assert not TermStatistics.objects.exists()


def test_refresh_of_an_unknown_collection_is_refused():
    with pytest.raises(ValueError):
        term_statistics.refresh_term_statistics("tickets")
