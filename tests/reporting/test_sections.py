"""Another part of the report is one registration: it appears, numbered, in
the Word report, its sheet in the workbook and its panel on the dashboard."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from helpdesk_site.regions.models import Region
from reporting import sections, services
from reporting.periods import containing
from reporting.sections import Section, chinese_number, numbered_titles
from reporting.xlsx_layout import Column
from tests.factories import supervisor
from tests.sla.conftest import at

WEEK = containing("week", dt.date(2025, 11, 12))
NOW = at("2025-11-20 12:00")


@pytest.fixture
def training(monkeypatch, tmp_path, settings):
    """A training part between the operators (1000) and the appendix."""
    monkeypatch.setattr(sections, "_registry", dict(sections._registry))
    template = tmp_path / "training_panel.html"
    template.write_text('<section data-section="training">培训：{{ f.headline.filed }}</section>')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], str(tmp_path)]},
        *settings.TEMPLATES[1:],
    ]

    def word(report, figures):
        report.paragraph("本期开展培训2场。")
        report.table(["培训", "人数"], [["事项认领", 30]])

    def workbook(book, figures):
        book.sheet("培训", [Column("培训"), Column("人数", "int")], [["事项认领", 30]])

    sections.register(Section("training", "培训情况", 1050, word, workbook, "training_panel.html"))


@pytest.mark.django_db
def test_a_registered_section_appears_in_word_workbook_and_dashboard(week, training, client, now):
    region = Region.objects.get(code="513300")
    document = Document(io.BytesIO(services.render_report(WEEK, region, "docx", now=NOW)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # Parts registered after it (the training assessment's) may follow it.
    at_training = headings.index("十二、培训情况")
    assert headings[at_training - 1] == "十一、运维人员工作情况"
    assert headings[-1] == "附录：超期工单清单"
    assert "本期开展培训2场。" in [p.text for p in document.paragraphs]
    book = load_workbook(io.BytesIO(services.render_report(WEEK, region, "xlsx", now=NOW)))
    assert book.sheetnames.index("培训") == book.sheetnames.index("运维人员") + 1
    assert book["培训"]["B3"].value == 30
    now.set("2025-11-20 12:00")
    client.force_login(supervisor("513300"))
    page = client.get(reverse("reporting:dashboard"), {"kind": "week", "date": "2025-11-12"})
    assert '<section data-section="training">培训：4</section>' in page.content.decode()


def test_parts_are_numbered_in_chinese_and_appendices_apart():
    parts = [
        Section("a", "甲", 1),
        Section("x", "附表", 1, appendix=True),
        Section("b", "乙", 2),
        Section("y", "附图", 2, appendix=True),
    ]
    assert numbered_titles(sorted(parts, key=lambda s: (s.appendix, s.order))) == [
        "一、甲",
        "二、乙",
        "附录一：附表",
        "附录二：附图",
    ]
    assert [chinese_number(n) for n in (1, 10, 11, 12, 20, 21)] == [
        "一", "十", "十一", "十二", "二十", "二十一",
    ]  # fmt: skip
