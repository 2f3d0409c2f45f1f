"""kb.drafts: the question, the answer and the reviewer's material of a draft."""

import pytest

from kb.drafts import ALTERNATIVE, ANSWER, QUESTION, Source, clean_reply, draft_from
from kb.drafts import question_from_title as question


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("尊敬的卢局长：我想问一下我家孩子的入学问题", "孩子的入学怎么办？"),
        ("您好，请问社保卡丢了怎么补办", "社保卡丢了怎么补办？"),
        ("领导您好！电子证照无法制作", "电子证照无法制作怎么办？"),
        ("投诉康定市某驾校乱收费", "康定市某驾校乱收费怎么办？"),
        ("请求在泸定县城增设公交站", "能否在泸定县城增设公交站？"),
        ("关于在泸定县城增设公交站的建议", "能否在泸定县城增设公交站？"),
        ("咨询康定市低保申请标准", "康定市低保申请标准有哪些规定？"),
        ("本人的公积金为什么不能提取？？", "公积金为什么不能提取？"),
    ],
)
def test_a_title_becomes_a_question(title, expected):
    assert question(title) == expected


def test_a_title_that_is_only_a_salutation_gives_no_question():
    assert question("尊敬的领导：您好！") == ""


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            "网友“UU0081480”您好！您的留言已收悉。现将有关情况回复如下："
            "社保卡补办请携带身份证到县政务服务中心办理。感谢您对我们工作的支持！2019年3月7日",
            "社保卡补办请携带身份证到县政务服务中心办理。",
        ),
        (
            "市民同志：你好！来信已收悉。经核实，该路段已列入修复计划。"
            "谢谢您对我县交通工作的关注和支持！康定市交通运输局 2019年2月14日",
            "经核实，该路段已列入修复计划。",
        ),
        (
            "“UU008736”：您好，您反映的问题已转交县住建局核实、办复。2018年7月26日"
            "“UU008736”网友：您好！经调查，小区电梯加装补贴每户两万元，由街道统一申报。",
            "经调查，小区电梯加装补贴每户两万元，由街道统一申报。",
        ),
        ("请在证照目录中发布模板后重新制作。", "请在证照目录中发布模板后重新制作。"),
        (
            "模板未发布\n\n网友您好！请在证照目录中发布模板后重新制作。感谢您的支持！",
            "模板未发布\n\n请在证照目录中发布模板后重新制作。",
        ),
        ("您的留言已收悉！我们已将您反映的问题转相关部门进行处理，敬请关注后续回复，谢谢！", ""),
    ],
)
def test_a_reply_loses_its_formula(reply, expected):
    assert clean_reply(reply) == expected


LICENCE_GROUP = [
    Source(1, "电子证照无法制作", "模板未发布。请在证照目录中发布模板后重新制作。"),
    Source(2, "制作电子证照时提示模板未发布", "请先在证照目录中发布模板，再重新制作电子证照。"),
    Source(3, "电子证照制作失败提示模板未发布", "已处理。"),
    Source(4, "尊敬的领导：我单位急需办证，电子证照制作不了，请尽快处理，电话13812345678", ""),
]


def test_the_most_central_title_and_resolution_are_chosen():
    draft = draft_from(LICENCE_GROUP)
    assert draft.question_from in (2, 3)
    assert draft.question.endswith("？") and "尊敬" not in draft.question
    assert draft.answer_from in (1, 2)
    assert "已处理" not in draft.answer


def test_the_other_resolutions_are_beside_the_answer():
    draft = draft_from(LICENCE_GROUP)
    others = {a.ticket_id for a in draft.alternatives}
    assert draft.answer_from not in others
    assert others == {1, 2, 3} - {draft.answer_from}


def test_the_same_reply_in_many_tickets_is_shown_once_with_their_numbers():
    reply = "部门接收人未配置，已补充配置后重新推送。"
    group = [Source(n, "联办事项无法推送到部门", reply) for n in (5, 6, 7)]
    group.append(Source(8, "联办事项推送失败", "实施清单同步任务失败，已手工重新同步。"))
    group.append(Source(9, "联办事项推送不了", "实施清单同步任务失败，已手工重新同步。"))
    draft = draft_from(group)
    texts = [a.text for a in draft.alternatives]
    assert len(texts) == len(set(texts)) == 1
    shown = draft.alternatives[0]
    answered, other = ({5, 6, 7}, {8, 9}) if draft.answer_from in {5, 6, 7} else ({8, 9}, {5, 6, 7})
    assert draft.answer_from in answered
    assert {shown.ticket_id, *shown.same_in} == other


def test_the_best_rated_resolution_wins_and_a_bad_rating_loses():
    window = "携带身份证到政务服务中心窗口补办社保卡，当场制卡。"
    central = Source(1, "社保卡补办", window, rating=1)
    rated = Source(2, "社保卡怎么补办", "社保卡补办可在网上办理，也可到窗口办理，三日制卡。", 5)
    plain = Source(3, "社保卡丢失补办", window.replace("当场制卡", "当场可取"))
    assert draft_from([central, rated, plain]).answer_from == 2
    assert draft_from([central, plain]).answer_from == 3


def test_personal_data_is_scrubbed_everywhere_and_listed_with_its_place():
    group = [
        Source(1, "王某某的社保卡丢了怎么补办", "请王某某本人携带身份证到窗口补办。"),
        Source(2, "社保卡丢了怎么补办", "可拨打0836-2812345预约后到窗口补办，当场制卡。"),
    ]
    draft = draft_from(group)
    texts = [draft.question, draft.answer, *(a.text for a in draft.alternatives)]
    assert not any("王某某" in t or "0836-2812345" in t for t in texts)
    places = {(place, r.kind) for place, _ticket, r in draft.removed}
    assert (ANSWER, "phone") in places or (ALTERNATIVE, "phone") in places
    assert any(kind == "name" for _place, kind in places)
    assert all(place in (QUESTION, ANSWER, ALTERNATIVE) for place, _kind in places)


def test_one_ticket_makes_a_draft_too_and_no_ticket_none():
    answer = "请在印章管理中先完成备案，再认领。"
    draft = draft_from([Source(7, "印章无法认领", answer)])
    assert (draft.question, draft.answer) == ("印章无法认领怎么办？", answer)
    assert draft.alternatives == ()
    assert draft_from([]).question == ""


def test_the_answer_is_the_reply_the_group_agrees_on_over_a_lone_broader_one():
    agreed = "您好，请在电子证照管理系统中发布证照模板，发布后即可制作电子证照。"
    lone = (
        "您好，电子证照制作失败是因为证照模板未发布，也可能是签章服务证书过期或目录未配置，"
        "请检查模板、证书和目录后重新制作。"
    )
    sources = [
        Source(1, "电子证照制作失败", agreed),
        Source(
            2,
            "证照做不出来",
            "您好，电子证照制作失败多因证照目录未配置，请检查目录配置后重新制作。",
        ),
        Source(3, "证照制作报错", lone),
        Source(4, "电子证照制作不了", agreed),
        Source(5, "签章失败", "您好，证书过期导致签章失败，请更新签章证书后重新制作电子证照。"),
    ]
    draft = draft_from(sources)
    assert draft.answer_from == 1
    assert "发布证照模板" in draft.answer
    assert [a.ticket_id for a in draft.alternatives if a.ticket_id == 3] == [3]
