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


def first_stage(asked, questions, copies=1):
    """Candidates for the questions (one answer for all) with the first
    stage's scores, and the statistics of a collection holding them."""
    found = [candidate(key, 0.0, question, ANSWER) for key, question in enumerate(questions)]
    fields = [(c.key, (c.question_words, c.answer_words)) for c in found]
    stats = ranking.corpus_stats([words for _key, words in fields] * copies)
    scores = dict(ranking.rank(asked.weights, asked.groups, fields, stats, len(fields)))
    return [candidate(c.key, scores[c.key], c.question, ANSWER) for c in found], stats


ANSWER = "受疫情影响的企业可申请缓缴社会保险费，缓缴期间免收滞纳金。"


def test_a_question_about_another_place_ranks_below_one_about_no_place():
    # The first stage puts Shanghai's question first: it has the typed 晚交.
    asked = query("北京企业社保能晚交吗")
    found, stats = first_stage(asked, ["上海市企业社保费能晚交吗？", "企业社保费可以缓缴吗？"], 20)
    assert found[0].score > found[1].score
    ranked = reranking.rerank(asked, found, stats)
    assert [key for key, _probability in ranked] == [1, 0]


def test_a_full_answer_in_a_small_collection_is_still_worth_suggesting():
    asked = query("企业社保费缓缴")
    found, stats = first_stage(asked, ["企业社保费可以缓缴吗？"])
    [(key, probability)] = reranking.rerank(asked, found, stats)
    assert key == 0
    assert probability >= reranking.floor()
