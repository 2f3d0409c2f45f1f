"""The Word report renders in LibreOffice, Chinese and all."""

import datetime as dt
import shutil

import pytest
from PIL import Image

from helpdesk_site.regions.models import Region
from reporting import services
from reporting.periods import containing
from tests.reporting.render import render_pages
from tests.sla.conftest import at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("soffice") and shutil.which("pdftoppm")),
        reason="make office installs LibreOffice and poppler-utils",
    ),
]


def test_the_report_renders_to_pages_with_content(week, tmp_path):
    content = services.render_report(
        containing("week", dt.date(2025, 11, 12)),
        Region.objects.get(code="513300"),
        "docx",
        now=at("2025-11-20 12:00"),
    )
    docx = tmp_path / "report.docx"
    docx.write_bytes(content)
    pages = render_pages(docx, tmp_path / "pages")
    assert len(pages) >= 4  # title page, then the sections
    # A page with charts has far more ink than the title page.
    ink = [Image.open(page).convert("L").histogram()[:128] for page in pages]
    ink = [sum(dark) for dark in ink]
    assert ink[1] > ink[0] > 0
