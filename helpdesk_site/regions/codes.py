"""Statistical codes and the division list; pure Python, no Django."""

import csv
from dataclasses import dataclass
from pathlib import Path

SIGNIFICANT_DIGITS = {"prefecture": 4, "county": 6, "township": 9, "village": 12}
LEVELS = tuple(SIGNIFICANT_DIGITS)

# Shipped with the product; ../shared/data/ holds the same file on dev machines.
SHIPPED_DIVISIONS = Path(__file__).parent / "data" / "ganzi_divisions.csv"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str


def subtree_prefix(code: str, level: str) -> str:
    """The prefix every code in this region's subtree starts with.

    The prefecture is written 513300 but its counties are 5133xx, so only its
    first four digits are significant.
    """
    return code[: SIGNIFICANT_DIGITS[level]]


def ancestor_codes(code: str, level: str) -> list[str]:
    """Codes of the regions above this one, prefecture first."""
    depth = LEVELS.index(level)
    codes = []
    if depth >= 1:
        codes.append(code[:4] + "00")
    if depth >= 2:
        codes.append(code[:6])
    if depth >= 3:
        codes.append(code[:9])
    return codes


class DivisionFileError(ValueError):
    """The division file is not in the expected shape."""


def read_divisions(path: Path, max_level: str = "village") -> list[Division]:
    """Rows of a division CSV (code,name,level,parent_code) down to max_level,
    parents before children."""
    keep = LEVELS[: LEVELS.index(max_level) + 1]
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "name", "level", "parent_code"} - set(reader.fieldnames or [])
        if missing:
            raise DivisionFileError(f"missing columns: {', '.join(sorted(missing))}")
        for line_number, row in enumerate(reader, start=2):
            level = row["level"].strip()
            code = row["code"].strip()
            if level not in LEVELS or not code.isdigit():
                raise DivisionFileError(f"line {line_number}: bad row {row!r}")
            if level in keep:
                rows.append(Division(code, row["name"].strip(), level, row["parent_code"].strip()))
    rows.sort(key=lambda d: (LEVELS.index(d.level), d.code))
    return rows


def level_of(code: str) -> str:
    """The level a code belongs to, from its length (and the prefecture's 00)."""
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if len(code) == 6:
        return "prefecture" if code.endswith("00") else "county"
    raise ValueError(f"not a region code: {code!r}")
