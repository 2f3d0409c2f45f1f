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


def test_segment_joins_words_with_single_spaces_in_lower_case_then_pairs():
    # The words, then the character pairs of the long word that are not words already.
    assert segment.segment("天府通办 APP  登录") == "天府 天府通办 app 登录 府通 通办"


def test_traditional_and_full_width_text_is_indexed_as_simplified_half_width():
    assert segment.tokens("不動產登記") == segment.tokens("不动产登记")
    assert segment.tokens("ＫＴＶ噪音") == segment.tokens("KTV噪音") == ["ktv", "噪音"]
    assert segment.query_terms("電子證照") == segment.query_terms("电子证照")


def test_a_word_inside_a_longer_word_matches_through_its_pairs():
    # jieba keeps 电子税务局 as 电子/税务/税务局; 务局 only comes from the pairs.
    indexed = segment.segment("电子税务局").split()
    assert "务局" in indexed
    assert segment.pairs("行政复议") == ["行政", "政复", "复议"]
    assert segment.pairs("登录") == [] and segment.pairs("ukey") == []


def test_search_mode_also_yields_the_parts_of_a_long_word():
    words = segment.tokens("电子证照")
    assert {"电子", "证照", "电子证照"} <= set(words)


def test_query_terms_are_distinct_in_typed_order():
    assert segment.query_terms("认领 认领 制章") == ["认领", "制章"]


def test_expand_adds_synonyms_at_a_lower_weight():
    weights = segment.expand_query(["盖章"]).weights
    assert weights["盖章"] == 1.0
    assert weights["制章"] == segment.SYNONYM_WEIGHT
    # A typed word keeps its full weight even when another word's synonym.
    assert segment.expand_query(["制章", "盖章"]).weights["制章"] == 1.0


def test_general_synonyms_count_everywhere_platform_ones_only_on_platform_text():
    general = segment.expand_query(["交税"])
    assert general.weights["纳税"] == segment.SYNONYM_WEIGHT
    assert "纳税" not in general.platform_only
    # In ordinary language a complaint is no bad review, nor overdue an overdue case.
    assert {"差评", "不满意"} <= segment.expand_query(["投诉"]).platform_only
    assert "超期件" in segment.expand_query(["超期"]).platform_only


def test_the_thesaurus_adds_general_synonyms_below_ours():
    weights = segment.expand_query(["缴纳"]).weights
    assert weights["交纳"] == segment.THESAURUS_WEIGHT < segment.SYNONYM_WEIGHT
    groups = segment.expand_query(["缴纳"]).groups
    assert "交纳" in groups[0]


def test_empty_text_has_no_words():
    assert segment.tokens("") == []
    assert segment.tokens("，。！ ") == []


def test_the_dictionary_is_loaded_once():
    assert segment._tokenizer() is segment._tokenizer()


def test_every_domain_term_is_one_word_on_its_own():
    for term in DOMAIN_TERMS:
        assert term.lower() in segment.tokens(term), term
