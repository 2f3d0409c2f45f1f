"""Importing the province's sheet: every error kind named by row and column
in Chinese, nothing half-imported, a re-import replaces the period and the
log keeps who did it and when."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk_site.audit.append_only import AppendOnlyQuerySet
from indicators import services
from indicators.models import ImportRecord, Score, Source
from tests.indicators.conftest import (
    NOW,
    OCTOBER,
    edit,
    figures_for,
    upload,
    workbook,
)

pytestmark = pytest.mark.django_db

# Row 5 is the first county (康定市), column C the first leaf (服务便捷度).


def refused(user, content, period=OCTOBER) -> list[str]:
    with pytest.raises(services.ImportRefused) as caught:
        services.import_sheet(user, period, upload(content), now=NOW)
    return caught.value.messages


def test_the_sheet_imports_every_county_and_logs_who_and_when(tree, prefecture_supervisor):
    record = services.import_sheet(
        prefecture_supervisor, OCTOBER, upload(workbook(tree, figures_for(tree, 81.5))), now=NOW
    )
    assert Score.objects.count() == 18 * len(tree.leaves)
    assert {float(v) for v in Score.objects.values_list("value", flat=True)} == {81.5}
    assert (record.by, record.at, record.source, record.counties, record.replaced) == (
        prefecture_supervisor,
        NOW,
        Source.FILE,
        18,
        0,
    )
    assert len(record.sha256) == 64


@pytest.mark.parametrize(
    "change,message",
    [
        (
            lambda s: s.cell(5, 2, "康定县城"),
            "第5行 B列（县（市））：“康定县城”不是本州的县（市）。",
        ),
        (lambda s: s.cell(6, 3, "九十"), "第6行 C列（服务便捷度）：“九十”不是数字。"),
        (lambda s: s.cell(7, 4, 120), "第7行 D列（用户实用度）：120超出范围（0至100）。"),
        (lambda s: s.cell(8, 5, -1), "第8行 E列（好差评）：-1超出范围（0至100）。"),
        (lambda s: setattr(s.cell(9, 3), "value", None), "第9行 C列（服务便捷度）：未填写得分。"),
        (lambda s: s.cell(6, 2, "康定"), "第6行 B列（县（市））：康定市重复出现（首次在第5行）。"),
        (lambda s: s.delete_cols(5), "表头（第3行）：表中没有指标“好差评”这一列。"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(tree, prefecture_supervisor, change, message):
    messages = refused(prefecture_supervisor, edit(workbook(tree), change))
    assert message in messages
    assert not Score.objects.exists() and not ImportRecord.objects.exists()


def test_a_missing_county_is_named(tree, prefecture_supervisor):
    messages = refused(prefecture_supervisor, edit(workbook(tree), lambda s: s.delete_rows(22)))
    assert messages == ["表中缺少以下县（市）的数据：得荣县。"]


def test_several_errors_are_all_reported(tree, prefecture_supervisor):
    def change(s):
        s.cell(5, 3, "abc")
        s.cell(10, 2, "成都市")

    assert len(refused(prefecture_supervisor, edit(workbook(tree), change))) == 2


def test_counties_by_short_name_or_code_and_notes_are_read(tree, prefecture_supervisor):
    def change(s):
        s.cell(5, 2, "513301")
        s.cell(6, 2, "泸定")
        s.cell(30, 1, "说明：以上数据为初步结果。")

    services.import_sheet(
        prefecture_supervisor, OCTOBER, upload(edit(workbook(tree), change)), now=NOW
    )
    assert Score.objects.filter(county_id="513322").count() == len(tree.leaves)


def test_a_bad_row_imports_nothing_and_keeps_the_previous_figures(tree, prefecture_supervisor):
    services.import_sheet(prefecture_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)
    before = set(Score.objects.values_list("pk", "value"))
    bad = edit(workbook(tree, figures_for(tree, 60)), lambda s: s.cell(22, 14, "n/a"))
    refused(prefecture_supervisor, bad)
    assert set(Score.objects.values_list("pk", "value")) == before
    assert ImportRecord.objects.count() == 1


def test_a_reimport_replaces_the_period_and_both_are_logged(
    tree, prefecture_supervisor, admin_user
):
    services.import_sheet(prefecture_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)
    second = services.import_sheet(
        admin_user, OCTOBER, upload(workbook(tree, figures_for(tree, 66))), now=NOW
    )
    assert Score.objects.count() == 18 * len(tree.leaves)
    assert {float(v) for v in Score.objects.values_list("value", flat=True)} == {66.0}
    assert second.replaced == 18 * len(tree.leaves) and second.by == admin_user
    assert [r.by for r in ImportRecord.objects.all()] == [admin_user, prefecture_supervisor]


def test_the_log_is_append_only(tree, prefecture_supervisor):
    record = services.import_sheet(prefecture_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        ImportRecord.objects.all().delete()
    assert isinstance(ImportRecord.objects.all(), AppendOnlyQuerySet)


def test_a_file_is_checked_by_content_not_name(tree, prefecture_supervisor):
    from tests.factories import PNG

    with pytest.raises(ValidationError) as caught:
        services.import_sheet(prefecture_supervisor, OCTOBER, upload(PNG), now=NOW)
    assert "内容" in caught.value.messages[0] or "不是" in caught.value.messages[0]
    text = upload("县（市）,服务便捷度\n康定市,80\n".encode(), name="scores.xlsx")
    with pytest.raises(ValidationError):
        services.import_sheet(prefecture_supervisor, OCTOBER, text, now=NOW)
    assert not Score.objects.exists()


def test_a_workbook_without_the_header_is_refused(tree, prefecture_supervisor):
    content = edit(workbook(tree), lambda s: s.delete_rows(1, 30))
    assert refused(prefecture_supervisor, content) == [
        "没有找到含“县（市）”列的表头：请使用本页提供的模板。"
    ]


def test_a_future_period_or_a_year_without_a_tree_is_refused(tree, prefecture_supervisor):
    from indicators import periods

    with pytest.raises(ValidationError):
        services.import_sheet(
            prefecture_supervisor, periods.parse("month-2026-12"), upload(workbook(tree)), now=NOW
        )
    with pytest.raises(ValidationError):
        services.import_sheet(
            prefecture_supervisor, periods.parse("month-2025-10"), upload(workbook(tree)), now=NOW
        )


def test_only_the_prefecture_imports_the_whole_sheet(tree, kangding_supervisor):
    with pytest.raises(PermissionDenied):
        services.import_sheet(kangding_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)


def test_a_hand_entry_replaces_one_county_and_is_logged(
    tree, prefecture_supervisor, kangding_supervisor
):
    from helpdesk_site.regions.models import Region

    services.import_sheet(prefecture_supervisor, OCTOBER, upload(workbook(tree)), now=NOW)
    kangding = Region.objects.get(code="513301")
    values = {leaf.key: 55 for leaf in tree.leaves}
    record = services.enter_by_hand(kangding_supervisor, kangding, OCTOBER, values, now=NOW)
    assert record.source == Source.HAND and record.county == kangding
    assert record.replaced == len(tree.leaves)
    assert {
        float(v) for v in Score.objects.filter(county=kangding).values_list("value", flat=True)
    } == {55}
    assert Score.objects.exclude(county=kangding).filter(value=55).count() == 0
    luding = Region.objects.get(code="513322")
    with pytest.raises(PermissionDenied):
        services.enter_by_hand(kangding_supervisor, luding, OCTOBER, values, now=NOW)
    with pytest.raises(ValidationError):
        services.enter_by_hand(
            kangding_supervisor, kangding, OCTOBER, {**values, "A1": 101}, now=NOW
        )
