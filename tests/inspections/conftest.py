import datetime as dt
from decimal import Decimal

import pytest

from helpdesk_site.regions.models import Region
from inspections import services
from inspections.models import AnswerKind, Item, Plan
from tests.factories import (
    DepartmentFactory,
    OperatorFactory,
    UserFactory,
    get_subsystem,
    region,
    supervisor,
)
from tests.sla.conftest import Clock


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def prefecture_supervisor(db):
    return supervisor("513300", username="gz_sup", email="gz@example.cn")


@pytest.fixture
def kangding_supervisor(db):
    return supervisor("513301", username="kd_sup", email="kd@example.cn")


@pytest.fixture
def luding_supervisor(db):
    return supervisor("513322", username="ld_sup", email="ld@example.cn")


@pytest.fixture
def centre(db):
    """The prefecture's service centre, for which inspection tickets are filed."""
    return DepartmentFactory(name="甘孜州政务服务中心", region=region("513300"))


@pytest.fixture
def kangding_centre(db):
    return DepartmentFactory(name="康定市政务服务中心", region=region("513301"))


@pytest.fixture
def operator(db):
    return OperatorFactory(username="op_wang", first_name="运维", last_name="王")


@pytest.fixture
def other_operator(db):
    return OperatorFactory(username="op_li", first_name="运维", last_name="李")


@pytest.fixture
def reporter(db):
    return UserFactory(username="clerk")


def make_plan(
    creator, department, operator, *, items, frequency="daily", starts="2026-10-08", **more
):
    plan = Plan(
        name=more.pop("name", "电子证照日常巡检"),
        subsystem=get_subsystem(more.pop("subsystem", "e_license")),
        department=department,
        operator=operator,
        frequency=frequency,
        starts_on=dt.date.fromisoformat(starts),
        **more,
    )
    return services.save_plan(creator, plan, items)


@pytest.fixture
def licence_plan(prefecture_supervisor, centre, operator):
    """Daily: a status, a count (abnormal below 1), a screenshot."""
    return make_plan(
        prefecture_supervisor,
        centre,
        operator,
        items=[
            Item(name="今日制证是否正常", kind=AnswerKind.STATUS),
            Item(name="今日制证数量", kind=AnswerKind.NUMBER, below=Decimal(1)),
            Item(name="制证页面截图", kind=AnswerKind.SCREENSHOT),
        ],
    )


@pytest.fixture
def overdue_plan(prefecture_supervisor, centre, operator):
    """Weekly on Monday: 超期件 per county, abnormal above 8."""
    return make_plan(
        prefecture_supervisor,
        centre,
        operator,
        name="综合受办超期件抽检",
        subsystem="case_handling",
        frequency="weekly",
        items=[Item(name="各县超期件数", kind=AnswerKind.COUNTY_NUMBERS, above=Decimal(8))],
    )


def counties():
    return list(Region.objects.filter(level="county").order_by("code"))
