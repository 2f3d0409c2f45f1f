"""Reading a legacy desk's or a hotline's export of resolved tickets.

Pure: a file's bytes become `HistoricalTicket`s and `RowError`s, with no
database and no Django. Storing them is importing_services' job. Errors carry
a code and its details, not text, so the caller says them in the operator's
language.

Formats: JSON Lines (one object per line), CSV (UTF-8, or GB18030 as Chinese
exports often are) and Excel .xlsx (the first sheet). CSV and Excel have a
header row; the columns are found by the names in `COLUMNS`, English or
Chinese, and other columns are ignored. Rows are numbered as the operator sees
them: the line of a JSON Lines file, the spreadsheet row of a CSV or Excel
file (the header is row 1).
"""

import csv
import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMATS = ("jsonl", "csv", "xlsx")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
MAX_FILE_BYTES = 200 * 1024 * 1024

# Limits of what the desk stores: helpdesk's title column, our reference
# column, and a generous bound for texts so a damaged export cannot fill the
# database with one cell.
MAX_LENGTH = {
    "external_ref": 64,
    "title": 200,
    "text": 20000,
    "resolution": 20000,
    "department": 100,
    "region": 100,
    "subsystem": 100,
    "category": 40,
}

# Each field and the column names that mean it (compared without case,
# spaces or punctuation). The Chinese ones are those of common hotline and
# 留言 exports.
COLUMNS = {
    "external_ref": ("id", "external_ref", "ref", "编号", "工单编号", "留言编号", "工单号"),
    "title": ("title", "subject", "标题", "主题", "留言主题", "工单标题"),
    "text": ("text", "description", "内容", "描述", "问题描述", "留言详情", "来电内容"),
    "created_at": ("created_at", "created", "创建时间", "提交时间", "留言时间", "来电时间"),
    "resolution": ("resolution", "reply", "答复", "答复意见", "回复", "处理结果", "办理结果"),
    "resolved_at": ("resolved_at", "resolved", "答复时间", "解决时间", "办结时间", "回复时间"),
    "department": ("department", "部门", "承办部门", "单位", "承办单位"),
    "region": ("region", "区划", "区划代码", "地区", "所属区划"),
    "subsystem": ("subsystem", "子系统", "系统"),
    "category": ("category", "类别", "工单类别", "分类"),
}
REQUIRED = ("external_ref", "title", "text", "created_at", "resolution", "resolved_at")
TIMES = ("created_at", "resolved_at")

# Date and time shapes seen in exports: 2019/4/24 15:40:04, 2019-04-24 15:40,
# 2019年4月24日 15时40分, ISO 8601 with or without an offset.
_DATE_TIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a row of it)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class RowError:
    """Why one row is not imported. `field` is empty for the row as a whole."""

    row: int
    field: str
    code: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HistoricalTicket:
    """One resolved ticket from the export, checked and normalised."""

    row: int
    external_ref: str
    title: str
    description: str
    created_at: dt.datetime
    resolution: str
    resolved_at: dt.datetime
    department: str = ""
    region: str = ""
    subsystem: str = ""
    category: str = ""


@dataclass
class ParsedFile:
    tickets: list[HistoricalTicket]
    errors: list[RowError]
    encoding: str = ""
    ignored_columns: set[str] = field(default_factory=set)


# --- Reading the file ---------------------------------------------------------


def format_of(path: Path, requested: str = "") -> str:
    if requested:
        return requested
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ImportFileError("unknown_format", suffix=path.suffix or path.name)
    return found


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """The text of the file and the encoding it was read with: UTF-8 (with or
    without a byte-order mark), else GB18030, unless one is given."""
    for candidate in [encoding] if encoding else ["utf-8-sig", "gb18030"]:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise ImportFileError("unknown_encoding", encoding=candidate) from None
    raise ImportFileError("undecodable", encoding=encoding or "UTF-8 / GB18030")


def _key(name) -> str:
    return re.sub(r"[\s_\-:：()（）]", "", str(name or "")).lower()


_ALIASES = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _records_jsonl(text: str, ignored: set) -> Iterator[tuple[int, dict | RowError]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            yield number, RowError(number, "", "bad_json", {"reason": getattr(error, "msg", "")})
            continue
        if not isinstance(data, dict):
            yield number, RowError(number, "", "not_object")
            continue
        record = {}
        for key, value in data.items():
            name = _ALIASES.get(_key(key))
            if name is None:
                ignored.add(str(key))
            else:
                record[name] = value
        yield number, record


def _header(cells: list, parsed: ParsedFile) -> dict[int, str]:
    """Column index → field, for the columns we know."""
    columns = {}
    for index, cell in enumerate(cells):
        name = _ALIASES.get(_key(cell))
        if name is not None and name not in columns.values():
            columns[index] = name
        elif str(cell or "").strip():
            parsed.ignored_columns.add(str(cell).strip())
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise ImportFileError("missing_columns", columns=missing)
    return columns


def _table_records(rows: Iterator[list], parsed: ParsedFile) -> Iterator[tuple[int, dict]]:
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError("empty") from None
    columns = _header(list(header), parsed)
    for number, cells in enumerate(rows, start=2):
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        yield number, {name: cells[i] for i, name in columns.items() if i < len(cells)}


def _csv_rows(text: str) -> Iterator[list]:
    # A field larger than csv's default limit is reported as too long for its
    # column, not as a broken file.
    csv.field_size_limit(MAX_FILE_BYTES)
    # The delimiter is guessed from the header alone: cells below hold any text.
    try:
        dialect = csv.Sniffer().sniff(text.partition("\n")[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as error:
        raise ImportFileError("bad_csv", reason=str(error)) from None


def _xlsx_rows(data: bytes) -> Iterator[list]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError("bad_xlsx", reason=str(error)) from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def parse_file(
    path: Path, *, file_format: str = "", encoding: str = "", now: dt.datetime | None = None
) -> ParsedFile:
    """Read and check every row of an export. Raises ImportFileError when the
    file cannot be read at all."""
    file_format = format_of(path, file_format)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError("too_big", size=size, limit=MAX_FILE_BYTES)
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError("unreadable", reason=error.strerror or str(error)) from None
    return parse_bytes(data, file_format=file_format, encoding=encoding, now=now)


def parse_bytes(
    data: bytes, *, file_format: str, encoding: str = "", now: dt.datetime | None = None
) -> ParsedFile:
    now = now or dt.datetime.now(tz=SHANGHAI)
    parsed = ParsedFile(tickets=[], errors=[])
    if file_format == "xlsx":
        records = _table_records(_xlsx_rows(data), parsed)
    else:
        text, parsed.encoding = decode(data, encoding)
        if file_format == "csv":
            records = _table_records(_csv_rows(text), parsed)
        else:
            records = _records_jsonl(text, parsed.ignored_columns)
    first_row_of = {}
    for number, record in records:
        if isinstance(record, RowError):
            parsed.errors.append(record)
            continue
        result = check_row(number, record, now=now)
        if isinstance(result, HistoricalTicket) and result.external_ref in first_row_of:
            result = [
                RowError(
                    number,
                    "external_ref",
                    "duplicate_in_file",
                    {"value": result.external_ref, "first_row": first_row_of[result.external_ref]},
                )
            ]
        if isinstance(result, HistoricalTicket):
            first_row_of[result.external_ref] = number
            parsed.tickets.append(result)
        else:
            parsed.errors.extend(result)
    if not parsed.tickets and not parsed.errors:
        raise ImportFileError("empty")
    if not parsed.tickets and all(e.code in ("bad_json", "not_object") for e in parsed.errors):
        # Not one line of it is a JSON object: another kind of file, not bad rows.
        raise ImportFileError("not_jsonl")
    return parsed


# --- Checking one row ---------------------------------------------------------


def _text(value) -> str | None:
    """A cell as text; None for what is not text (a list, an object)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 2555 as 2555.0
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, str):
        return value.strip()
    return None


def parse_time(value, tz=SHANGHAI) -> dt.datetime | None:
    """An export's date and time, aware; a naive one is in `tz`."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        match = _DATE_TIME.match(unicodedata.normalize("NFKC", value).strip())
        if match is None:
            return None
        year, month, day, hour, minute, second, offset = match.groups()
        tzinfo = None
        if offset:
            digits = offset.replace(":", "")
            if offset == "Z":
                tzinfo = dt.UTC
            else:
                sign = -1 if digits[0] == "-" else 1
                delta = dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
                tzinfo = dt.timezone(sign * delta)
        try:
            moment = dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                tzinfo=tzinfo,
            )
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def check_row(number: int, record: dict, *, now: dt.datetime) -> HistoricalTicket | list[RowError]:
    """One row as a ticket, or every reason it cannot be one."""
    errors = []
    values = {}
    for name, limit in MAX_LENGTH.items():
        raw = record.get(name)
        text = _text(raw)
        if text is None:
            errors.append(RowError(number, name, "not_text"))
            continue
        control = _CONTROL.search(text)
        if control:
            code = f"U+{ord(control.group()):04X}"
            errors.append(RowError(number, name, "control_character", {"character": code}))
            continue
        if len(text) > limit:
            errors.append(RowError(number, name, "too_long", {"length": len(text), "limit": limit}))
            continue
        if name in REQUIRED and not text:
            errors.append(RowError(number, name, "missing"))
            continue
        values[name] = text
    times = {}
    for name in TIMES:
        raw = record.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors.append(RowError(number, name, "missing"))
            continue
        moment = parse_time(raw)
        if moment is None:
            errors.append(RowError(number, name, "bad_time", {"value": str(raw)[:40]}))
        elif moment > now:
            errors.append(RowError(number, name, "in_future", {"value": str(raw)[:40]}))
        else:
            times[name] = moment
    if len(times) == 2 and times["resolved_at"] < times["created_at"]:
        errors.append(
            RowError(
                number,
                "resolved_at",
                "resolved_before_created",
                {"created": str(record["created_at"]), "resolved": str(record["resolved_at"])},
            )
        )
    if errors:
        return errors
    return HistoricalTicket(
        row=number,
        external_ref=values["external_ref"],
        title=values["title"],
        description=values["text"],
        created_at=times["created_at"],
        resolution=values["resolution"],
        resolved_at=times["resolved_at"],
        department=values.get("department", ""),
        region=values.get("region", ""),
        subsystem=values.get("subsystem", ""),
        category=values.get("category", ""),
    )
