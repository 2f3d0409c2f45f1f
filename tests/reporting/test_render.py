"""The Word report renders in LibreOffice: A4 pages, a sane page count,
Chinese drawn from embedded fonts and every heading's text in the PDF."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from PIL import Image

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.documents import GROUP_HEADERS, GROUP_SHARES
from reporting.docx_layout import Signature, WordReport
from reporting.periods import containing
from tests.reporting.render import render_pages
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("soffice", "pdftoppm", "pdfinfo", "pdffonts")),
        reason="make office installs LibreOffice and poppler-utils",
    ),
]
LATIN_ONLY_FONTS = re.compile(r"Liberation|DejaVu|OpenSymbol|Times|Arial|Helvetica|Courier")


def poppler(tool: str, pdf) -> str:
    return subprocess.run(
        [shutil.which(tool), str(pdf), *(["-"] if tool == "pdftotext" else [])],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def page_number_x(pdf, page: int, number: str) -> float:
    """Where the page's number stands: the left edge of the lowest word that
    is the number."""
    boxes = subprocess.run(
        [shutil.which("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    lowest = max((float(y), float(x)) for x, y, text in words if text.strip("— ") == number)
    return lowest[1]


def test_the_report_renders_to_a4_pages_with_its_chinese_text(week, tmp_path):
    content = services.render_report(
        containing("week", dt.date(2025, 11, 12)),
        Region.objects.get(code="513300"),
        "docx",
        now=at("2025-11-20 12:00"),
    )
    docx = tmp_path / "report.docx"
    docx.write_bytes(content)
    pages = render_pages(docx, tmp_path / "pages")
    pdf = tmp_path / "pages" / "report.pdf"

    info = poppler("pdfinfo", pdf)
    assert "(A4)" in re.search(r"Page size:.*", info).group(0)
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert len(pages) == count and 4 <= count <= 20  # title page, then the sections

    # Every font is embedded (nothing left to the reader's machine), and a
    # font with Chinese glyphs is among them.
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any(not LATIN_ONLY_FONTS.search(line.split()[0]) for line in fonts), fonts

    # The Chinese comes back out of the PDF unchanged: no character was
    # replaced or dropped on the way.
    rendered = re.sub(r"\s", "", poppler("pdftotext", pdf))
    assert "\ufffd" not in rendered
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for text in [document.core_properties.title, *headings]:
        assert re.sub(r"\s", "", text) in rendered, text

    # Page numbers at the outer edge (GB/T 9704): the body's first page (odd)
    # at the right, its second (even) at the left.
    width = float(re.search(r"Page size:\s+([\d.]+)", info).group(1))
    for page, number, right in ((2, "1", True), (3, "2", False)):
        assert (page_number_x(pdf, page, number) > width / 2) is right, page

    # A page with charts has far more ink than the title page.
    ink = [sum(Image.open(page).convert("L").histogram()[:128]) for page in pages]
    assert max(ink[1:]) > ink[0] > 0


def test_counts_of_a_whole_year_are_never_broken_over_two_lines(tmp_path):
    """At a province's scale a department's year holds thousands of tickets:
    in the weak-spot table (the narrowest counts) each count and rate is
    one word on the page, not 641 above 1."""
    report = WordReport(
        "年报",
        Signature(organisation="运维服务商", client="甘孜藏族自治州政务服务和公共资源交易服务中心"),
        now=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    rows = [
        [
            "理塘县·理塘县不动产登记中心",
            64117,
            59036,
            28375,
            "48.1%",
            "46.8%",
            "48.3%",
            "下降 0.2 个百分点",
            "—",
        ],
        [
            "稻城县·稻城县人力资源和社会保障局",
            6639,
            6027,
            2920,
            "48.4%",
            "47.2%",
            "46.8%",
            "上升 1.7 个百分点",
            "—",
        ],
    ]
    report.table(GROUP_HEADERS, rows, GROUP_SHARES)
    docx = tmp_path / "big.docx"
    docx.write_bytes(report.save())
    render_pages(docx, tmp_path / "pages")
    words = poppler("pdftotext", tmp_path / "pages" / "big.pdf").split()
    for row in rows:
        for value in row[1:7]:
            assert str(value) in words, (value, words)
