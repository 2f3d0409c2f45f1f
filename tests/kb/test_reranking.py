"""kb.reranking: the second stage of FAQ search (pure)."""

from kb import ranking, reranking
from kb.segment import expand_query, query_terms, tokens


def query(text):
    typed = query_terms(text)
    expansion = expand_query(typed)
    return reranking.QueryText(text, typed, expansion.groups, expansion.weights)


def candidate(key, score, question, answer):
    return reranking.Candidate(
        key, score, question, answer, tuple(tokens(question)), tuple(tokens(answer))
    )


def first_stage(asked, questions, copies=1, answers=None):
    """Candidates for the questions (one answer for all unless `answers`
    are given) with the first stage's scores, and the statistics of a
    collection holding them."""
    answers = answers or [ANSWER] * len(questions)
    found = [
        candidate(key, 0.0, question, answer)
        for key, (question, answer) in enumerate(zip(questions, answers, strict=True))
    ]
    fields = [(c.key, (c.question_words, c.answer_words)) for c in found]
    stats = ranking.corpus_stats([words for _key, words in fields] * copies)
    scores = dict(ranking.rank(asked.weights, asked.groups, fields, stats, len(fields)))
    text_stats = reranking.text_stats(
        [(c.question, c.answer) for c in found] * copies + list(COLLECTION)
    )
    ranked = [candidate(c.key, scores.get(c.key, 0.0), c.question, c.answer) for c in found]
    return ranked, stats, text_stats


ANSWER = "受疫情影响的企业可申请缓缴社会保险费，缓缴期间免收滞纳金。"
# Other FAQs of the collection: what makes a character common or rare.
COLLECTION = [
    ("企业复工需要哪些材料？", "向所在地乡镇街道报备，提交防疫方案。"),
    ("个人所得税汇算何时办理？", "每年3月1日至6月30日在个人所得税应用办理。"),
    ("企业职工培训有补贴吗？", "企业组织职工参加线上培训的，按规定给予培训补贴。"),
    ("公积金贷款能延期还款吗？", "受疫情影响的职工可申请延期还款，不作逾期处理。"),
] * 5


def test_a_question_about_another_place_ranks_below_one_about_no_place():
    # The first stage puts Shanghai's question first: it has the typed 晚交.
    asked = query("北京企业社保能晚交吗")
    found, stats, text_stats = first_stage(
        asked, ["上海市企业社保费能晚交吗？", "企业社保费可以缓缴吗？"], 20
    )
    assert found[0].score > found[1].score
    ranked = reranking.rerank(asked, found, stats, text_stats)
    assert [key for key, _probability in ranked] == [1, 0]


def test_a_full_answer_in_a_small_collection_is_still_worth_suggesting():
    asked = query("企业社保费缓缴")
    found, stats, text_stats = first_stage(asked, ["企业社保费可以缓缴吗？"])
    [(key, probability)] = reranking.rerank(asked, found, stats, text_stats)
    assert key == 0
    assert probability >= reranking.floor()


def named(row):
    return dict(zip(reranking.FEATURES, row, strict=True))


def test_a_typed_word_jieba_cut_otherwise_in_the_faq_still_counts():
    # "税能" is one word to jieba here; the FAQ says 纳税 and 申报. The
    # substring and character features see what the word features cannot.
    asked = query("疫情报不了税能晚点报吗")
    questions = ["纳税人能否延期申报纳税？", "企业复工需要哪些材料？"]
    found, stats, text_stats = first_stage(asked, questions, answers=["可以延期。", "报备。"])
    right, wrong = (named(reranking.features(asked, c, stats, text_stats)) for c in found)
    for name in ("char_question", "partly_question", "partly_either"):
        assert right[name] > wrong[name]


def test_a_stand_in_or_a_broader_kin_in_the_question_counts_for_the_typed_word():
    asked = query("大学怎么防止学生感染")
    found, stats, text_stats = first_stage(asked, ["高校如何防控疫情？"], answers=["停课。"])
    row = named(reranking.features(asked, found[0], stats, text_stats))
    assert row["word_question"] == 0
    assert row["stand_in_question"] > 0
    assert row["broad_question"] >= row["stand_in_question"]


def test_character_statistics_weigh_a_rare_character_above_a_common_one():
    text_stats = reranking.text_stats([*COLLECTION, ("社保费缓缴", "可以")])
    assert text_stats.idf("缓") > text_stats.idf("企")
    assert text_stats.word_idf("缓缴") > text_stats.word_idf("企业")
    assert text_stats.documents == len(COLLECTION) + 1


def test_a_question_asking_what_the_query_asks_ranks_above_one_asking_something_else():
    # Same subject, same words: one FAQ gives the address a parcel goes to,
    # the other the way to send it. "寄到哪" asks for a place.
    asked = query("行政复议材料寄到哪")
    questions = ["行政复议材料的邮寄方式是什么？", "行政复议材料的邮寄地址在哪里？"]
    found, stats, text_stats = first_stage(asked, questions, 20, answers=["邮寄。", "邮寄。"])
    ranked = reranking.rerank(asked, found, stats, text_stats)
    assert [key for key, _probability in ranked] == [1, 0]


def test_what_a_question_asks_for_is_read_from_its_asking_words():
    assert reranking.question_kinds("健康证明去哪开") == {"place"}
    assert reranking.question_kinds("减税抗疫贷谁能申请") == {"person"}
    assert reranking.question_kinds("税务咨询电话是多少") == {"contact", "amount"}
    assert reranking.question_kinds("社保能晚交吗") == {"yes_or_no"}
    assert reranking.question_kinds("企业社保费缓缴") == set()
