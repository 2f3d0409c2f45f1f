from kb.ranking import CorpusStats
from kb.search import database


def test_common_words_do_not_pick_candidates_in_a_large_collection():
    assert database.budget(CorpusStats(100_000)) == 500
    assert database.budget(CorpusStats(100_000), database.TICKET_BUDGET) == 300
    stats = CorpusStats(100_000, {"国家": 8000, "铁路局": 100, "窗口": 300, "章": 50})
    weights = {"国家": 1.0, "铁路局": 1.0, "窗口": 1.0, "章": 0.5, "没见过": 1.0}
    assert database.selecting_terms(weights, stats) == ["铁路局", "窗口", "章"]
    assert database.within_budget(["铁路局", "窗口", "章"], stats)


def test_typed_words_pick_before_their_synonyms():
    stats = CorpusStats(100_000, {"证照": 400, "执照": 10})
    chosen = database.selecting_terms({"证照": 1.0, "执照": 0.5}, stats)
    assert chosen == ["证照", "执照"]
    stats = CorpusStats(100_000, {"证照": 495, "执照": 10})
    assert database.selecting_terms({"证照": 1.0, "执照": 0.5}, stats) == ["证照"]


def test_a_small_collection_is_never_pruned():
    stats = CorpusStats(44, {"无法": 30, "制作": 20, "认领": 3})
    weights = {"无法": 1.0, "制作": 1.0, "认领": 1.0}
    assert sorted(database.selecting_terms(weights, stats)) == sorted(weights)


def test_when_every_word_is_common_the_rarest_still_picks_unranked():
    stats = CorpusStats(100_000, {"国家": 8000, "政府": 20000})
    chosen = database.selecting_terms({"国家": 1.0, "政府": 1.0}, stats)
    assert chosen == ["国家"]
    assert not database.within_budget(chosen, stats)


def test_words_the_statistics_lack_select_themselves():
    # Statistics can lag a just-published FAQ: its words still find it.
    stats = CorpusStats(10, {"登录": 3})
    assert database.selecting_terms({"闪退": 1.0, "崩溃": 0.5}, stats) == ["闪退"]


def test_tsquery_quotes_every_word():
    assert database.tsquery_any(["a'b", "c\\d"]) == "'a''b' | 'c\\\\d'"
