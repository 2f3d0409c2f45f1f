"""kb.privacy on text written here in the manner of real requests and replies."""

import pytest

from kb.privacy import MARKERS, scrub


def kinds(text):
    return [(r.kind, r.original) for r in scrub(text).removed]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("有事请打我手机13812345678，谢谢。", "phone", "13812345678"),
        ("联系电话：+86 138 1234 5678。", "phone", "+86 138 1234 5678"),
        ("可致电0836-2812345咨询。", "phone", "0836-2812345"),
        ("规划科：0731—0000-00000000。", "phone", "0731—0000-00000000"),
        ("信息股电话8881528一直无人接听。", "phone", "8881528"),
        ("本人身份证号51330119900307123X，请核实。", "id_card", "51330119900307123X"),
        ("材料请发至zhang.san@example.com。", "email", "zhang.san@example.com"),
        ("退款打到银行卡号6222 0212 3456 7890 128。", "bank_card", "6222 0212 3456 7890 128"),
        ("网友“UU0081480”您好！", "handle", "UU0081480"),
        ("“贫民百姓”网友：您好，", "handle", "贫民百姓"),
        ("业主姚某群于2017年购买了该房。", "name", "姚某群"),
        ("市民王某某反映噪音扰民。", "name", "王某某"),
        ("住户：陈先生反映情况属实。", "name", "陈"),
        ("信访人胡建明，男，现住康定。", "name", "胡建明"),
        ("我是金富北城1栋1812的业主。", "address", "1栋1812"),
        ("位于悦峰园17栋3单元门口。", "address", "17栋3单元"),
        ("家住友谊路958号。", "address", "958号"),
        ("车牌川A12345的车辆停在楼下。", "plate", "川A12345"),
    ],
)
def test_each_kind_of_personal_data_is_found(text, kind, found):
    assert (kind, found) in kinds(text)
    assert found not in scrub(text).text
    assert MARKERS[kind] in scrub(text).text


@pytest.mark.parametrize(
    "text",
    [
        "由于某些领导的不作为，某地拖欠教师工资。",
        "户型是3室2厅一卫，面积89平方米。",
        "请拨打12345市民热线反映。",
        "根据长发﹝2019﹞2号文件精神，2019年3月7日起执行。",
        "项目总投资1225.52万元，占地2714.7平方米。",
        "我和我先生都是外地人。",
        "邓书记高度重视，要求限期整改。",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert scrub(text).removed == ()
    assert scrub(text).text == text


def test_removals_say_where_they_were_and_where_their_marker_is():
    text = "网友“UU0081480”您好！请致电0836-2812345联系王某。"
    result = scrub(text)
    assert result.text == "网友“【网名】”您好！请致电【电话】联系【姓名】。"
    for removal in result.removed:
        assert text[removal.start : removal.end] == removal.original
        assert result.text[removal.at :].startswith(removal.marker)


def test_a_name_found_once_is_removed_wherever_it_stands():
    text = "章安吉、姚燕小两户已签订协议。街道正在与章安吉积极协调。"
    result = scrub(text)
    assert "章安吉" not in result.text and "姚燕小" not in result.text
    assert [r.original for r in result.removed].count("章安吉") == 2


def test_nothing_to_scrub():
    assert scrub("") == scrub("")
    assert scrub("").text == ""
    assert scrub("电子证照无法制作").removed == ()
