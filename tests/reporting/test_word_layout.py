"""The Word report as an office files it: GB/T 9704 page, fonts with
fallbacks, header, page numbers, tables that survive a page break, document
properties, the signature block and the client from settings."""

import datetime as dt
import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.periods import containing
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")


def render(fmt="docx"):
    return services.render_report(WEEK, Region.objects.get(code="513300"), fmt, now=NOW)


def docx():
    return Document(io.BytesIO(render()))


def text(document):
    return "\n".join(p.text for p in document.paragraphs)


def test_the_pages_are_a4_with_the_official_document_margins(week):
    def mm(*lengths):
        return [round(length.mm, 1) for length in lengths]

    for section in docx().sections:
        assert mm(section.page_width, section.page_height) == [210, 297]
        assert mm(section.top_margin, section.bottom_margin) == [37, 35]
        assert mm(section.left_margin, section.right_margin) == [28, 26]


def test_fonts_are_named_as_on_government_pcs_with_fallbacks(week):
    content = render()
    document = Document(io.BytesIO(content))

    def east_asia(style):
        return document.styles[style].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia("Normal") == "仿宋_GB2312"
    assert east_asia("Title") == "方正小标宋简体"
    assert east_asia("Heading 1") == "黑体"
    assert document.styles["Normal"].font.size.pt == 16  # 三号
    fonts = zipfile.ZipFile(io.BytesIO(content)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_body_pages_have_the_organisation_in_the_header_and_page_numbers(week, settings):
    settings.REPORT_OPERATING_ORGANISATION = "某某科技有限公司甘孜项目部"
    document = docx()
    cover, body = document.sections
    assert not "".join(p.text for p in cover.header.paragraphs)  # none on the title page
    assert "某某科技有限公司甘孜项目部" in body.header.paragraphs[0].text
    assert "某某科技有限公司甘孜项目部" in body.even_page_header.paragraphs[0].text
    assert document.settings.odd_and_even_pages_header_footer
    # GB/T 9704: odd pages numbered at the right, even pages at the left.
    for part, alignment in (
        (body.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (body.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer = part.paragraphs[0]
        assert footer.text == "— 1 —"
        assert " PAGE " in footer._p.xml
        assert footer.alignment == alignment
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_tables_repeat_their_header_and_keep_rows_whole(week):
    document = docx()
    assert len(document.tables) >= 10
    for table in document.tables:
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert document.styles["Heading 1"].paragraph_format.keep_with_next
    assert document.styles["Heading 2"].paragraph_format.keep_with_next


def test_the_properties_name_the_report_and_its_author(week, settings):
    settings.REPORT_OPERATING_ORGANISATION = "某某科技有限公司甘孜项目部"
    properties = docx().core_properties
    assert properties.title == "甘孜藏族自治州政务服务平台运维周报"
    assert properties.author == "某某科技有限公司甘孜项目部"
    assert properties.language == "zh-CN"
    assert properties.created == NOW.replace(microsecond=0)
    assert "python-docx" not in (properties.comments + properties.author)


def test_the_report_goes_to_the_client_with_signatures_and_copies(week, settings):
    settings.REPORT_COPY_TO = ["康定市政务服务中心", "泸定县政务服务中心"]
    body = text(docx())
    assert "报送：甘孜藏族自治州政务服务和公共资源交易服务中心" in body
    assert "抄送：康定市政务服务中心、泸定县政务服务中心" in body
    assert "编制人：" in body and "审核人：" in body and "签发人：" in body
    assert "日期：2025年11月20日" in body


def test_a_long_list_shows_its_first_rows_and_the_workbook_has_them_all(week, settings):
    settings.REPORT_WORD_LIST_ROWS = 1
    document = docx()
    assert "共2件，列出前1件；另有1件，见附表（Excel报表“超期”工作表）。" in text(document)
    appendix = document.tables[-1]
    assert len(appendix.rows) == 2  # its header and one ticket
    book = load_workbook(io.BytesIO(render("xlsx")))
    assert [r[0] for r in book["超期"].iter_rows(min_row=3, values_only=True)] == [
        week["E"].pk,  # due first
        week["B"].pk,
    ]
