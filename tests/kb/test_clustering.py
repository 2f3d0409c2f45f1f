from kb import clustering
from kb.segment import tokens

SCHOOL_AGE = [
    (
        "小孩下个月满六岁，今年秋季能上小学一年级吗",
        "孩子是十月出生的，到九月一日还不满六周岁，学校说不能报名入学，请问小学入学年龄怎么规定的",
    ),
    (
        "不满六周岁的孩子能否读小学",
        "我家孩子差两个月满六周岁，想今年秋季入学读一年级，小学入学年龄的规定能不能放宽",
    ),
]
OTHERS = [
    ("小区楼下烧烤店深夜噪音扰民", "楼下烧烤店每天营业到凌晨两点，噪音很大，严重影响休息"),
    ("公积金贷款买二手房需要什么材料", "想用住房公积金贷款买一套二手房，请问需要准备哪些材料"),
    ("新生儿医保怎么办理", "孩子刚出生，想给新生儿办理城乡居民医保，去哪里办"),
    ("路灯坏了好几个月没人修", "我们村口的路灯坏了三个月，晚上出行很不方便"),
    ("驾驶证到期换证需要体检吗", "驾驶证快到期了，异地换证需要体检和哪些材料"),
    ("农村合作医疗缴费标准", "今年农村合作医疗每人交多少钱，六十岁以上老人要交吗"),
]


def text(key, title, body, reporter=None):
    return clustering.Text(key=key, title=tokens(title), body=tokens(body), reporter=reporter)


def background():
    return [text(f"other{i}", t, b, reporter=f"r{i}") for i, (t, b) in enumerate(OTHERS)]


def test_two_wordings_of_one_problem_by_different_people_make_a_group():
    texts = [
        text("a", *SCHOOL_AGE[0], reporter="parent1"),
        text("b", *SCHOOL_AGE[1], reporter="parent2"),
        *background(),
    ]
    groups = clustering.group(texts)
    assert [sorted(g.keys) for g in groups] == [["a", "b"]]
    assert groups[0].reporters == 2


def test_a_repost_does_not_make_a_group():
    # Imported tickets: no known reporter, the same letter twice.
    title, body = SCHOOL_AGE[0]
    texts = [text("a", title, body), text("a again", title, body + "。"), *background()]
    assert clustering.group(texts) == []
    # One known reporter asking again in other words is still one voice.
    texts = [
        text("a", *SCHOOL_AGE[0], reporter="parent1"),
        text("b", *SCHOOL_AGE[1], reporter="parent1"),
        *background(),
    ]
    assert clustering.group(texts) == []


def test_reposts_ride_along_when_someone_else_has_the_problem_too():
    title, body = SCHOOL_AGE[0]
    texts = [
        text("a", title, body),
        text("a again", title, body),
        text("b", *SCHOOL_AGE[1]),
        *background(),
    ]
    (group,) = clustering.group(texts)
    assert sorted(group.keys) == ["a", "a again", "b"]
    assert group.reporters == 2


def test_the_same_error_text_from_two_known_reporters_is_a_recurring_problem():
    # Two clerks pasting the platform's same message are two people hit by it.
    texts = [
        text("clerk1", "电子证照制作失败", "提示模板未发布", reporter="clerk1"),
        text("clerk2", "电子证照制作失败", "提示模板未发布", reporter="clerk2"),
        *background(),
    ]
    (group,) = clustering.group(texts)
    assert sorted(group.keys) == ["clerk1", "clerk2"]


def test_unrelated_texts_do_not_chain_through_one_resembling_both():
    left = ("烧烤店噪音扰民", "烧烤店深夜营业噪音很大")
    right = ("公积金贷款材料", "公积金贷款需要哪些材料")
    bridge = ("烧烤店噪音 公积金贷款", "烧烤店噪音很大，另外想问公积金贷款需要哪些材料")
    texts = [
        text("left", *left, reporter=1),
        text("bridge", *bridge, reporter=2),
        text("right", *right, reporter=3),
        *background(),
    ]
    threshold = 0.3
    similarity = clustering.vectors(texts).full[:3]
    similarity = (similarity @ similarity.T).toarray()
    # Each end resembles the bridge; the ends do not resemble each other.
    assert similarity[0, 1] >= threshold and similarity[1, 2] >= threshold
    assert similarity[0, 2] < threshold
    groups = clustering.group(texts, threshold=threshold)
    assert groups, "the bridge joins one of its ends"
    assert all({"left", "right"} - set(g.keys) for g in groups)


def test_the_representative_is_the_most_typical_member():
    texts = [
        text("a", "电子证照制作失败", "提示模板未发布，无法制作", reporter=1),
        text("b", "电子证照制作失败 模板未发布", "制作电子证照提示模板未发布", reporter=2),
        text("c", "模板未发布", "电子证照模板未发布，制作失败，证照目录里找不到", reporter=3),
        *background(),
    ]
    (group,) = clustering.group(texts)
    vectors = clustering.vectors(texts).full[:3]
    totals = (vectors @ vectors.T).sum(axis=1)
    assert group.representative == "abc"[int(totals.argmax())]
    assert group.keys[0] == group.representative


def test_a_new_ticket_joins_the_open_group_it_resembles():
    texts = [
        text("a", *SCHOOL_AGE[0], reporter=1),
        text("b", *SCHOOL_AGE[1], reporter=2),
        text(
            "c",
            "孩子不满六周岁能上小学吗",
            "九月一日前不满六周岁的孩子今年能否入学读一年级",
            reporter=3,
        ),
        text("noise", "楼下烧烤店噪音", "烧烤店营业到凌晨，噪音扰民", reporter=4),
        *background(),
    ]
    found = clustering.extend(texts, {"school age": {"a", "b"}}, new={"c", "noise"})
    assert found.joined == {"school age": ["c"]}
    # The new noise complaint and the old one (other0) are two people: a new group.
    assert [sorted(g.keys) for g in found.fresh] == [["noise", "other0"]]


def test_new_tickets_alone_form_a_group_only_with_two_reporters():
    texts = [
        text("x", *SCHOOL_AGE[0], reporter=1),
        text("y", *SCHOOL_AGE[1], reporter=1),
        *background(),
    ]
    assert clustering.extend(texts, {}, new={"x", "y"}).fresh == []
    texts[1] = text("y", *SCHOOL_AGE[1], reporter=2)
    found = clustering.extend(texts, {}, new={"x", "y"})
    assert [sorted(g.keys) for g in found.fresh] == [["x", "y"]]
    assert found.joined == {}


def test_a_repost_of_a_member_joins_its_group():
    title, body = SCHOOL_AGE[0]
    texts = [
        text("a", title, body),
        text("b", *SCHOOL_AGE[1]),
        text("a again", title, body),
        *background(),
    ]
    found = clustering.extend(texts, {7: {"a", "b"}}, new={"a again"})
    assert found.joined == {7: ["a again"]}
    assert found.fresh == []


def test_a_redone_group_keeps_the_key_of_the_group_it_continues():
    previous = {"a": {1, 2, 3}, "b": {4, 5}, "c": {6, 7, 8, 9}}
    groups = [
        {1, 2, 3, 10},  # grew: continues a
        {4, 11},  # holds only half of b: a new problem
        {6, 7},  # half of c is not more than half
        {8, 9, 12},  # neither, so c is gone
    ]
    assert clustering.carried_over(previous, groups) == {0: "a"}


def test_a_split_group_is_continued_by_its_larger_part_only():
    previous = {"a": {1, 2, 3, 4, 5}}
    assert clustering.carried_over(previous, [{1, 2}, {3, 4, 5}]) == {1: "a"}
    merged = clustering.carried_over({"a": {1, 2}, "b": {3, 4, 5}}, [{1, 2, 3, 4, 5}])
    assert merged == {0: "b"}
