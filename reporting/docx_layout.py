"""The layout of a Word report as an office files it; python-docx only, no Django.

GB/T 9704-2012 (党政机关公文格式) gives the page: A4, margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; title in 小标宋 二号, body in 仿宋_GB2312
三号, first-level headings in 黑体, second-level in 楷体_GB2312, page numbers as
"— 1 —" under the text. Tables use 五号 so that a ten-column table fits.

Government PCs have 仿宋_GB2312, 方正小标宋简体 and the like; other machines
do not. Each font is named in the eastAsia attribute (what Word uses for
Chinese) and listed in the font table with an alternative name (altName)
that Word falls back to, e.g. 仿宋_GB2312 → 仿宋; LibreOffice falls back to an
installed CJK font by language (zh-CN).
"""

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from lxml import etree

# (font as on government PCs, the alternative Word falls back to)
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING_FONT = ("黑体", "SimHei")
SUBHEADING_FONT = ("楷体_GB2312", "楷体")
LATIN_FONT = "Times New Roman"

SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_TABLE = Pt(10.5)  # 五号
SIZE_HEADER = Pt(10.5)
SIZE_PAGE_NUMBER = Pt(14)  # 四号
LINE_BODY = Pt(28)  # 22 lines on the page, as GB/T 9704 sets
NONE_TEXT = "无"


def _fonts(r_pr, font: str) -> None:
    """Latin text in Times New Roman, Chinese in `font` (eastAsia)."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _language(r_pr) -> None:
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(document, name: str, font: tuple[str, str], size, *, bold=False):
    style = document.styles[name]
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element.get_or_add_rPr(), font[0])
    _language(style.element.get_or_add_rPr())
    return style


def _font_table(document) -> None:
    """Each font with the name Word falls back to when it is missing."""
    table = next(
        part
        for part in document.part.package.iter_parts()
        if part.partname == "/word/fontTable.xml"
    )
    root = parse_xml(table.blob)
    for name, alternative in (TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT):
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alternative), ("w:charset", "86")):  # 86: GB2312
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            font.append(element)
        root.append(font)
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
    paragraph.add_run(shown)
    end = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)


def _bottom_border(paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)


def _restart_page_numbers(section) -> None:
    numbers = OxmlElement("w:pgNumType")
    numbers.set(qn("w:start"), "1")
    section._sectPr.append(numbers)


def _drop_thumbnail(document) -> None:
    """python-docx's template carries a picture of its own sample page."""
    rels = document.part.package.rels
    for key, rel in list(rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            rels.pop(key)


TEXT_WIDTH_MM = 210 - 28 - 26


def _column_widths(columns: int) -> list[float]:
    """Widths in millimetres: equal columns, except that a wide table gives its
    first column (the name of a county, a department, a ticket) a quarter of
    the width."""
    if columns < 5:
        return [TEXT_WIDTH_MM / columns] * columns
    first = TEXT_WIDTH_MM * 0.25
    return [first] + [(TEXT_WIDTH_MM - first) / (columns - 1)] * (columns - 1)


# A number's characters at 五号 (digits, point, percent sign) and a cell's
# own padding (LibreOffice's and Word's default 0.19 cm a side), generously.
NUMBER_CHARACTER_MM = 2.1
CELL_PADDING_MM = 4.0
NUMBER = re.compile(r"[-+]?[\d,.]+%?")
NO_VALUE = {"", "—", "-", "无"}


def fit_numbers(widths_mm: Sequence[float], rows: Sequence[Sequence]) -> list[float]:
    """Column widths in which no number is broken over two lines (a count of
    6411 read as 641 and 1): a column holding only numbers gets at least the
    width of its longest one, taken from the other columns in proportion to
    their width. Left as they are if the other columns cannot give it."""
    need = [0.0] * len(widths_mm)
    for column in range(len(widths_mm)):
        values = [str(row[column]) for row in rows if str(row[column]).strip() not in NO_VALUE]
        if values and all(NUMBER.fullmatch(value) for value in values):
            need[column] = max(map(len, values)) * NUMBER_CHARACTER_MM + CELL_PADDING_MM
    short = sum(max(0.0, wanted - width) for wanted, width in zip(need, widths_mm, strict=True))
    givers = [column for column, wanted in enumerate(need) if not wanted]
    spare = sum(widths_mm[column] for column in givers)
    if not short or spare - short < CELL_PADDING_MM * len(givers) * 2:
        return list(widths_mm)
    fitted = [max(wanted, width) for wanted, width in zip(need, widths_mm, strict=True)]
    for column in givers:
        fitted[column] -= short * widths_mm[column] / spare
    return fitted


def _run_content(text: str) -> str:
    """A run's text as python-docx writes it: a tab as <w:tab/>, a line
    break as <w:br/>, other text in <w:t>, its spaces kept at either end."""
    parts = []
    for piece in re.split(r"([\t\r\n])", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(parts)


def _table_row(values: Sequence, twips: Sequence[int], *, header=False, span=1) -> str:
    """A table row (`w:tr`): never split over a page; a header row repeated
    on every page, bold, centred and kept with the first data row; text in
    五号 on single lines."""
    repeat = "<w:tblHeader/>" if header else ""
    keep = "<w:keepNext/>" if header else '<w:keepNext w:val="0"/>'
    centre = '<w:jc w:val="center"/>' if header else ""
    bold = "<w:b/>" if header else ""
    size = int(SIZE_TABLE.pt * 2)
    spanned = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{spanned}</w:tcPr>'
        f'<w:p><w:pPr>{keep}<w:spacing w:line="240" w:lineRule="auto"/>{centre}</w:pPr>'
        f'<w:r><w:rPr>{bold}<w:sz w:val="{size}"/></w:rPr>'
        f"{_run_content('' if value is None else str(value))}</w:r></w:p></w:tc>"
        for value, width in zip(values, twips, strict=True)
    )
    return f"<w:tr><w:trPr>{repeat}<w:cantSplit/></w:trPr>{cells}</w:tr>"


@dataclass
class Signature:
    """Who files the report and to whom (the 报送/抄送 block and signatures)."""

    organisation: str
    client: str
    copy_to: Sequence[str] = field(default_factory=tuple)


class WordReport:
    """A Word report being written: sections add headings, text, tables and
    pictures through these methods and never deal with the layout."""

    def __init__(self, title: str, signature: Signature, now: dt.datetime, list_rows: int = 20):
        self.title, self.signature, self.now, self.list_rows = title, signature, now, list_rows
        self.document = Document()
        _drop_thumbnail(self.document)
        _font_table(self.document)
        self._styles()
        _page(self.document.sections[0])
        self._properties()

    def _styles(self) -> None:
        normal = _style(self.document, "Normal", BODY_FONT, SIZE_BODY)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE_BODY
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        _style(self.document, "Title", TITLE_FONT, SIZE_TITLE)
        title_format = self.document.styles["Title"].paragraph_format
        title_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title_format.line_spacing = Pt(36)
        # python-docx's Title has a blue rule under it; an official title has none.
        title_pr = self.document.styles["Title"].element.get_or_add_pPr()
        for border in title_pr.findall(qn("w:pBdr")):
            title_pr.remove(border)
        for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
            heading = _style(self.document, name, font, SIZE_BODY)
            heading.paragraph_format.keep_with_next = True
            heading.paragraph_format.space_before = Pt(6)
            heading.paragraph_format.space_after = Pt(0)
            heading.paragraph_format.line_spacing = LINE_BODY
        _style(self.document, "List Bullet", BODY_FONT, SIZE_BODY)

    def _properties(self) -> None:
        core = self.document.core_properties
        core.title = self.title
        core.author = core.last_modified_by = self.signature.organisation
        core.language = "zh-CN"
        now = self.now.astimezone(dt.UTC) if self.now.tzinfo else self.now
        core.created = core.modified = now.replace(tzinfo=None)
        for printed in core._element.findall(qn("cp:lastPrinted")):
            core._element.remove(printed)
        core.revision = 1
        core.comments = core.keywords = core.category = core.subject = ""

    # --- the cover, the header and footer, and the end ---------------------

    def cover(self, lines: Iterable[str]) -> None:
        """The title page, then the body in a section of its own whose pages
        carry the header, the footer and numbers from 1."""
        for _i in range(6):
            self.document.add_paragraph()
        self.document.add_paragraph(self.title, style="Title")
        self.document.add_paragraph()
        for line in lines:
            self.document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
        body = self.document.add_section(WD_SECTION.NEW_PAGE)
        _restart_page_numbers(body)
        self._header_footer(body)

    def _header_footer(self, section) -> None:
        """The same header on every page; the page number "— 1 —" at the
        outer edge, one character in (GB/T 9704): right on odd pages, left
        on even ones, so Word keeps a footer of each kind."""
        self.document.settings.odd_and_even_pages_header_footer = True
        for header_part in (section.header, section.even_page_header):
            header_part.is_linked_to_previous = False
            header = header_part.paragraphs[0]
            header.text = ""
            run = header.add_run(f"{self.signature.organisation}　{self.title}")
            run.font.size = SIZE_HEADER
            header.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _bottom_border(header)
        for footer_part, alignment in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer_part.is_linked_to_previous = False
            footer = footer_part.paragraphs[0]
            footer.alignment = alignment
            if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
                footer.paragraph_format.right_indent = SIZE_BODY
            else:
                footer.paragraph_format.left_indent = SIZE_BODY
            footer.add_run("— ")
            _field(footer, "PAGE", "1")
            footer.add_run(" —")
            for run in footer.runs:
                run.font.size = SIZE_PAGE_NUMBER

    def closing(self, date_text: str) -> None:
        """Signatures and date, then the 版记 with 报送 and 抄送."""
        self.document.add_paragraph()
        for line in (
            f"编制单位：{self.signature.organisation}（盖章）",
            "编制人：　　　　　　　审核人：　　　　　　　签发人：",
            f"日期：{date_text}",
        ):
            paragraph = self.document.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.keep_with_next = True
        self.document.add_paragraph().paragraph_format.keep_with_next = True
        copy_to = "、".join(self.signature.copy_to) or NONE_TEXT
        for line in (
            f"报送：{self.signature.client}",
            f"抄送：{copy_to}",
            f"{self.signature.organisation}　　{date_text}印发",
        ):
            paragraph = self.document.add_paragraph(line)
            paragraph.paragraph_format.keep_with_next = True
            _bottom_border(paragraph)
            for run in paragraph.runs:
                run.font.size = Pt(14)

    # --- the body ------------------------------------------------------------

    def heading(self, text: str, level: int = 1):
        return self.document.add_heading(text, level=level)

    def paragraph(self, text: str = "", *, keep_with_next: bool = False):
        paragraph = self.document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters
        paragraph.paragraph_format.keep_with_next = keep_with_next
        return paragraph

    def bullet(self, text: str):
        return self.document.add_paragraph(text, style="List Bullet")

    def picture(self, png: bytes) -> None:
        self.document.add_picture(io.BytesIO(png), width=Cm(15.5))
        paragraph = self.document.paragraphs[-1]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # The body's exact line height would clip the picture to one line.
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.first_line_indent = None

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence],
        shares: Sequence[float] | None = None,
    ):
        """A table under a header row repeated on every page, rows never split
        over a page; an empty one says 无 rather than leaving the header alone.
        `shares` divides the width among the columns (default: see
        _column_widths)."""
        widths_mm = (
            [TEXT_WIDTH_MM * share / sum(shares) for share in shares]
            if shares
            else _column_widths(len(header))
        )
        widths = [Mm(width) for width in fit_numbers(widths_mm, rows)]
        table = self.document.add_table(rows=0, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid, which LibreOffice follows
        # The rows as one piece of XML: python-docx's rows and cells cost a
        # walk over the whole table each, which a long table pays per row.
        twips = [Length(width).twips for width in widths]
        body = [_table_row(header, twips, header=True)]
        body += [_table_row(row, twips) for row in rows]
        if not rows:
            body.append(_table_row([NONE_TEXT], twips[-1:], span=len(header)))
        parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(body)}</w:tbl>")
        table._tbl.extend(list(parsed))
        self.document.add_paragraph()
        return table

    def listed(self, header: Sequence[str], rows: Sequence[Sequence], total: int, sheet: str):
        """The first rows of a list; the complete list is in the workbook's
        sheet, and the text says how many more there are."""
        shown = list(rows[: self.list_rows])
        if total > len(shown):
            self.paragraph(
                f"共{total}件，列出前{len(shown)}件；另有{total - len(shown)}件，"
                f"见附表（Excel报表“{sheet}”工作表）。",
                keep_with_next=True,
            )
        return self.table(header, shown)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def hyperlink(self, paragraph, url: str, text: str) -> None:
        """A clickable link in a paragraph (python-docx has no API for one)."""
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        for tag, value in (("w:rStyle", "Hyperlink"), ("w:color", "0563C1"), ("w:u", "single")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            props.append(element)
        run.append(props)
        content = OxmlElement("w:t")
        content.text = text
        run.append(content)
        link.append(run)
        paragraph._p.append(link)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
