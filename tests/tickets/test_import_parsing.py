"""Reading exports of historical tickets: the pure part, no database."""

import datetime as dt
import json

import openpyxl
import pytest

from helpdesk_site.tickets import importing
from helpdesk_site.tickets.importing import SHANGHAI, ImportFileError, parse_bytes, parse_file

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)
ROW = {
    "id": "2555",
    "title": "营业执照电子证照无法下载",
    "text": "在天府通办下载营业执照电子证照时提示系统繁忙。",
    "created_at": "2019/4/24 15:40:04",
    "resolution": "已修复证照下载接口，请重新下载。",
    "resolved_at": "2019/5/9 9:49:14",
}


def jsonl(*rows) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def parse_jsonl(*rows):
    return parse_bytes(jsonl(*rows), file_format="jsonl", now=NOW)


def codes(parsed) -> list[tuple[int, str, str]]:
    return [(e.row, e.field, e.code) for e in parsed.errors]


def test_a_jsonl_row_becomes_a_ticket_with_shanghai_times():
    parsed = parse_jsonl(ROW, {**ROW, "source": "hotline"})
    ticket = parsed.tickets[0]
    assert ticket.external_ref == "2555" and ticket.title == ROW["title"]
    assert ticket.description == ROW["text"] and ticket.resolution == ROW["resolution"]
    assert ticket.created_at == dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)
    assert ticket.resolved_at == dt.datetime(2019, 5, 9, 9, 49, 14, tzinfo=SHANGHAI)
    # The second row repeats the reference: reported, not imported twice.
    assert codes(parsed) == [(2, "external_ref", "duplicate_in_file")]
    assert parsed.errors[0].details["first_row"] == 1
    assert parsed.ignored_columns == {"source"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-04-24 15:40", dt.datetime(2019, 4, 24, 15, 40, tzinfo=SHANGHAI)),
        ("2019年4月24日 15:40:04", dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)),
        ("2019-04-24T07:40:04Z", dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)),
        ("2019-04-24T15:40:04+08:00", dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)),
        ("２０１９/4/24", dt.datetime(2019, 4, 24, tzinfo=SHANGHAI)),
        ("2019/2/30 10:00", None),
        ("昨天下午", None),
        ("", None),
    ],
)
def test_export_dates_and_times(text, expected):
    assert importing.parse_time(text) == expected


def test_junk_rows_are_reported_by_row_and_field():
    parsed = parse_bytes(
        jsonl(
            {**ROW, "id": "1", "text": "含有\x00空字符"},
            {**ROW, "id": "2", "title": "长" * 201},
            {**ROW, "id": "3", "created_at": "2019/13/45 25:00"},
            {**ROW, "id": "4", "resolved_at": "2019/4/1 8:00:00"},
            {**ROW, "id": "5", "resolution": " "},
            {**ROW, "id": "6", "created_at": "2027/1/1 8:00"},
            {**ROW, "id": ["7"]},
        )
        + b'\n{"id": "8", "title": \n[1, 2]\n'
        + jsonl({**ROW, "id": "9"}),
        file_format="jsonl",
        now=NOW,
    )
    assert codes(parsed) == [
        (1, "text", "control_character"),
        (2, "title", "too_long"),
        (3, "created_at", "bad_time"),
        (4, "resolved_at", "resolved_before_created"),
        (5, "resolution", "missing"),
        (6, "created_at", "in_future"),
        (7, "external_ref", "not_text"),
        (8, "", "bad_json"),
        (9, "", "not_object"),
    ]
    assert parsed.errors[0].details == {"character": "U+0000"}
    assert parsed.errors[1].details == {"length": 201, "limit": 200}
    assert [t.external_ref for t in parsed.tickets] == ["9"]
    assert parsed.tickets[0].row == 10


def csv_text(rows, header=("编号", "标题", "留言详情", "留言时间", "答复意见", "答复时间", "部门")):
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(f'"{value}"' for value in row))
    return "\r\n".join(lines) + "\r\n"


CSV_ROW = (
    "A-1",
    "噪音扰民",
    "夜间施工噪音，影响休息",
    "2019/4/24 15:40:04",
    "已责令停工",
    "2019/4/25 9:00",
)


def test_csv_in_gb18030_with_chinese_headers(tmp_path):
    path = tmp_path / "热线导出.csv"
    path.write_bytes(csv_text([(*CSV_ROW, "康定市政务服务中心")]).encode("gb18030"))
    parsed = parse_file(path, now=NOW)
    assert parsed.encoding == "gb18030"
    [ticket] = parsed.tickets
    assert (ticket.external_ref, ticket.title, ticket.department) == (
        "A-1",
        "噪音扰民",
        "康定市政务服务中心",
    )
    # A multi-line cell keeps its line breaks; rows are numbered as a spreadsheet shows them.
    path.write_text(csv_text([(*CSV_ROW[:2], "第一行\n第二行", *CSV_ROW[3:], "")]))
    parsed = parse_file(path, now=NOW)
    assert parsed.encoding == "utf-8-sig" and parsed.tickets[0].description == "第一行\n第二行"
    assert parsed.tickets[0].row == 2


def test_a_csv_without_a_required_column_is_refused_as_a_whole(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        csv_text([CSV_ROW[:5]], header=("编号", "标题", "留言详情", "留言时间", "答复意见"))
    )
    with pytest.raises(ImportFileError) as raised:
        parse_file(path, now=NOW)
    assert raised.value.code == "missing_columns"
    assert raised.value.details["columns"] == ["resolved_at"]


def test_a_huge_csv_cell_is_a_row_error_not_a_broken_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text([(*CSV_ROW[:2], "很长" * 100000, *CSV_ROW[3:], ""), CSV_ROW]))
    parsed = parse_file(path, now=NOW)
    assert codes(parsed) == [(2, "text", "too_long")]
    assert [t.row for t in parsed.tickets] == [3]


def test_xlsx_with_date_cells_and_numeric_ids(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言主题", "留言详情", "留言时间", "答复意见", "答复时间", "点赞数"])
    sheet.append(
        [2555, "标题", "详情", dt.datetime(2019, 4, 24, 15, 40, 4), "答复", "2019/5/9 9:49"]
    )
    sheet.append([None, None, None, None, None, None])
    sheet.append([2556, "标题", "详情", "not a date", "答复", "2019/5/9 9:49"])
    path = tmp_path / "附件4.xlsx"
    book.save(path)
    parsed = parse_file(path, now=NOW)
    [ticket] = parsed.tickets
    assert ticket.external_ref == "2555"
    assert ticket.created_at == dt.datetime(2019, 4, 24, 15, 40, 4, tzinfo=SHANGHAI)
    assert codes(parsed) == [(4, "created_at", "bad_time")]
    assert parsed.ignored_columns == {"点赞数"}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("export.xls", b"whatever", "unknown_format"),
        ("export.xlsx", b"PK\x03\x04 not really a workbook", "bad_xlsx"),
        ("export.jsonl", b"", "empty"),
        ("export.csv", b"\xff\xfe\xff\xff", "undecodable"),
        ("photo.jsonl", b"\x89PNG\r\n\x1a\n not json at all", "not_jsonl"),
    ],
)
def test_files_that_cannot_be_read(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as raised:
        parse_file(path, now=NOW)
    assert raised.value.code == code


def test_a_missing_file_is_a_file_error(tmp_path):
    with pytest.raises(ImportFileError) as raised:
        parse_file(tmp_path / "nowhere.jsonl", now=NOW)
    assert raised.value.code == "unreadable"
