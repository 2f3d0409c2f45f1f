"""The prefecture's 18 counties as a tile grid coloured by on-time rate; pure, no Django.

No map geometry ships with the project, so the dashboard draws one square
per county placed where the county lies relative to the others (north at
the top): 石渠 in the far north, 德格, 白玉, 巴塘 and 得荣 down the western
edge on the Jinsha river, 康定 and 泸定 in the east, 九龙 in the south-east.
The placement is a schematic made for this grid, not a survey.
"""

from dataclasses import dataclass

# county code: (row, column)
GANZI_TILES = {
    "513332": (0, 1),  # 石渠县
    "513330": (1, 0),  # 德格县
    "513333": (1, 2),  # 色达县
    "513331": (2, 0),  # 白玉县
    "513328": (2, 1),  # 甘孜县
    "513327": (2, 2),  # 炉霍县
    "513335": (3, 0),  # 巴塘县
    "513329": (3, 1),  # 新龙县
    "513326": (3, 2),  # 道孚县
    "513323": (3, 3),  # 丹巴县
    "513334": (4, 1),  # 理塘县
    "513325": (4, 2),  # 雅江县
    "513301": (4, 3),  # 康定市
    "513322": (4, 4),  # 泸定县
    "513338": (5, 0),  # 得荣县
    "513336": (5, 1),  # 乡城县
    "513337": (5, 2),  # 稻城县
    "513324": (5, 3),  # 九龙县
}

# (lowest on-time rate of the band, colour, legend text), best first
BANDS = (
    (0.95, "#2f855a", "≥95%"),
    (0.90, "#9ae6b4", "90%–95%"),
    (0.80, "#f6ad55", "80%–90%"),
    (0.0, "#e53e3e", "<80%"),
)
NO_DATA = ("#e2e8f0", "本期无解决工单")


def band(rate: float | None) -> int:
    """The band of an on-time rate: its index in `legend()`."""
    if rate is None:
        return len(BANDS)
    return next(index for index, (low, _c, _t) in enumerate(BANDS) if rate >= low)


def legend() -> list[tuple[str, str]]:
    """(colour, text) of each band, best first, then 无数据."""
    return [(colour, text) for _low, colour, text in BANDS] + [NO_DATA]


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    row: int
    column: int
    band: int
    band_text: str
    county: dict  # the county's figures as the report has them


def tiles(counties: list[dict]) -> list[Tile]:
    """The tiles of the counties that have a place on the grid, in reading order."""
    found = []
    for county in counties:
        place = GANZI_TILES.get(county["code"])
        if place is None:
            continue
        index = band(county["compliance"])
        text = legend()[index][1]
        found.append(Tile(county["code"], county["name"], *place, index, text, county))
    return sorted(found, key=lambda t: (t.row, t.column))
