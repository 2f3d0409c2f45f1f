from kb import ranking


def docs(*texts):
    return [(t.split(), []) for t in texts]


def test_a_rare_word_outweighs_a_common_one():
    # "无法" is in every document, "制章" in one: BM25's IDF tells them apart,
    # where a plain term count (ts_rank) would not.
    corpus = docs("无法 登录", "无法 打印", "无法 制章", "无法 无法 下载")
    stats = ranking.corpus_stats(corpus)
    query = {"无法": 1.0, "制章": 1.0}
    groups = [frozenset({"无法"}), frozenset({"制章"})]
    candidates = list(enumerate(corpus))
    ranked = ranking.rank(query, groups, candidates, stats, 4)
    assert ranked[0][0] == 2
    assert stats.idf("制章") > stats.idf("无法")


def test_documents_without_any_query_word_are_left_out():
    corpus = docs("电子证照 制作", "好差评 二维码")
    stats = ranking.corpus_stats(corpus)
    ranked = ranking.rank({"制作": 1.0}, [frozenset({"制作"})], list(enumerate(corpus)), stats, 5)
    assert [key for key, _ in ranked] == [0]


def test_the_question_field_weighs_more_than_the_answer():
    corpus = [(["制章"], ["其他"]), (["其他"], ["制章"])]
    stats = ranking.corpus_stats(corpus)
    ranked = ranking.rank({"制章": 1.0}, [frozenset({"制章"})], list(enumerate(corpus)), stats, 2)
    assert ranked[0][0] == 0


def test_covering_more_typed_words_beats_repeating_one():
    corpus = docs("认领 认领 认领 认领", "认领 实施清单")
    stats = ranking.corpus_stats(corpus)
    query = {"认领": 1.0, "实施清单": 1.0}
    groups = [frozenset({"认领"}), frozenset({"实施清单"})]
    ranked = ranking.rank(query, groups, list(enumerate(corpus)), stats, 2)
    assert ranked[0][0] == 1


def test_snippet_escapes_html_and_marks_the_words():
    text = "<script>alert(1)</script> 请先确认电子证照模板已发布"
    html = ranking.snippet(text, ["电子证照", "发布"])
    assert "<script>" not in html
    assert "&lt;/script&gt;" in html
    assert "<mark>电子证照</mark>" in html
    assert "<mark>发布</mark>" in html


def test_snippet_prefers_the_longer_word_when_words_overlap():
    assert ranking.snippet("电子证照", ["证照", "电子证照"]) == "<mark>电子证照</mark>"


def test_snippet_cuts_around_the_first_match():
    text = "甲" * 200 + "制章" + "乙" * 200
    html = ranking.snippet(text, ["制章"], width=40)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>制章</mark>" in html


def test_best_snippet_falls_back_to_the_text_that_matches():
    assert (
        ranking.best_snippet(["刷新即可", "认领后看不到"], ["认领"]) == "<mark>认领</mark>后看不到"
    )
    assert ranking.best_snippet(["刷新即可", "认领后看不到"], ["无关"]) == "刷新即可"


def test_average_lengths_from_stored_totals_match_a_count_of_the_documents():
    # The database stores totals and the ranking divides them the same way
    # as when it counts the documents itself; empty fields never divide by 0.
    documents = [(["电子", "证照"], ["模板"]), (["印章"], [])]
    assert ranking.average_lengths(2, (3, 1)) == ranking.corpus_stats(documents).average_lengths
    assert ranking.average_lengths(2, (3, 1)) == (1.5, 1.0)
    assert ranking.average_lengths(0, (0, 0)) == (1.0, 1.0)


def test_platform_synonyms_count_only_in_platform_text():
    # 投诉 stands for 不满意 on the platform (a bad review), not in a
    # citizen's letter about noise.
    corpus = docs("噪音 扰民 不满意", "好差评 不满意 整改")
    stats = ranking.corpus_stats(corpus)
    query = {"投诉": 1.0, "不满意": 0.5}
    groups = [frozenset({"投诉", "不满意"})]
    ranked = ranking.rank(
        query, groups, list(enumerate(corpus)), stats, 5, platform_only=frozenset({"不满意"})
    )
    assert [key for key, _ in ranked] == [1]


def test_confidence_is_higher_for_a_document_answering_every_typed_word():
    corpus = docs("社保 缓缴 期限", "社保 登记", "公积金 提取", "医保 报销")
    stats = ranking.corpus_stats(corpus)
    typed = ["社保", "缓缴"]
    groups = [frozenset({t}) for t in typed]
    ranked = dict(
        ranking.rank(dict.fromkeys(typed, 1.0), groups, list(enumerate(corpus)), stats, 5)
    )
    full = ranking.confidence(ranked[0], typed, stats)
    partial = ranking.confidence(ranked[1], typed, stats)
    assert 0 < partial < full <= 1


def test_a_query_the_collection_knows_nothing_of_has_no_confidence():
    corpus = docs("社保 缓缴")
    stats = ranking.corpus_stats(corpus)
    assert ranking.confidence(3.0, ["广场舞", "扰民"], stats) == 0.0
    # Typed words the collection lacks lower the confidence of the rest.
    assert ranking.confidence(1.0, ["社保", "广场舞"], stats) < ranking.confidence(
        1.0, ["社保"], stats
    )
