import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk_site.people.models import Role
from helpdesk_site.tickets import services as ticket_services
from indicators import demo, periods, selectors, sheet
from tests.factories import OperatorFactory, UserFactory
from tests.rectification.conftest import (  # noqa: F401  supervisors of 康定, 泸定 and the prefecture
    kangding_centre,
    kangding_supervisor,
    luding_supervisor,
    prefecture_supervisor,
)

OCTOBER = periods.parse("month-2026-10")
SEPTEMBER = periods.parse("month-2026-09")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def tree(db):
    """The demo's tree for 2026: five level-one indicators, twelve leaves."""
    ticket_services.ensure_subsystems()
    demo.ensure_tree(2026)
    return selectors.tree(2026)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, department=None, username="sysadmin")


@pytest.fixture
def operator(db):
    return OperatorFactory(username="op")


@pytest.fixture
def reporter(db):
    return UserFactory(username="clerk")


def figures_for(tree, value=80.0, **overrides):
    """Every county at `value` on every leaf; overrides: county code → {leaf: value}."""
    figures = {code: {leaf.key: value for leaf in tree.leaves} for code in selectors.counties()}
    for code, scores in overrides.items():
        figures[code].update(scores)
    return figures


def upload(content: bytes, name="甘孜州指标得分.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def workbook(tree, figures=None, period=OCTOBER) -> bytes:
    return sheet.build(tree, selectors.counties(), period.title, figures or figures_for(tree))


def edit(content: bytes, change) -> bytes:
    """The workbook with `change(sheet)` applied, as a person would in Excel."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    change(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
