import pytest

from kb import segment
from kb.lexicon import DOMAIN_TERMS


@pytest.mark.parametrize(
    "text, word",
    [
        ("营业执照电子证照无法制作", "电子证照"),
        ("一件事一次办主题配置", "一件事一次办"),
        ("好差评二维码", "好差评"),
        ("天府通办APP登录不了", "天府通办"),
        ("事项认领后实施清单看不到", "实施清单"),
        ("目录清单没有同步", "目录清单"),
        ("超期件怎么处理", "超期件"),
        ("制章申请", "制章"),
    ],
)
def test_domain_words_stay_whole(text, word):
    assert word in segment.tokens(text)


def test_stop_words_and_punctuation_are_dropped():
    words = segment.tokens("请问，我的电子证照怎么办？！")
    assert "电子证照" in words
    assert not {"请问", "我", "的", "怎么办", "，", "？", "！"} & set(words)


def test_segment_joins_words_with_single_spaces_in_lower_case():
    assert segment.segment("天府通办 APP  登录") == "天府 天府通办 app 登录"


def test_search_mode_also_yields_the_parts_of_a_long_word():
    words = segment.tokens("电子证照")
    assert {"电子", "证照", "电子证照"} <= set(words)


def test_query_terms_are_distinct_in_typed_order():
    assert segment.query_terms("认领 认领 制章") == ["认领", "制章"]


def test_expand_adds_synonyms_at_a_lower_weight():
    weights = segment.expand(["盖章"])
    assert weights["盖章"] == 1.0
    assert weights["制章"] == segment.SYNONYM_WEIGHT
    # A typed word keeps its full weight even when another word's synonym.
    assert segment.expand(["制章", "盖章"])["制章"] == 1.0


def test_empty_text_has_no_words():
    assert segment.tokens("") == []
    assert segment.tokens("，。！ ") == []


def test_the_dictionary_is_loaded_once():
    assert segment._tokenizer() is segment._tokenizer()


def test_every_domain_term_is_one_word_on_its_own():
    for term in DOMAIN_TERMS:
        assert term.lower() in segment.tokens(term), term
