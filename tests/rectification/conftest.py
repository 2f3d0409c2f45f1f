import datetime as dt

import pytest

from helpdesk_site.regions.models import Region
from rectification import selectors, services
from reporting import weakspots
from reporting.periods import containing
from reporting.selectors import Filters
from tests.factories import DepartmentFactory, supervisor
from tests.reporting.conftest import week  # noqa: F401  a week with known answers
from tests.satisfaction.conftest import (  # noqa: F401  fixtures the week needs
    file_at,
    kangding_reporter,
    luding_reporter,
    resolve_at,
)
from tests.sla.conftest import Clock, at


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def kangding_supervisor(db):
    return supervisor("513301", email="kd@example.cn", first_name="主管", last_name="康")


@pytest.fixture
def luding_supervisor(db):
    return supervisor("513322", email="ld@example.cn")


@pytest.fixture
def prefecture_supervisor(db):
    return supervisor("513300", email="gz@example.cn")


@pytest.fixture
def kangding_centre(db):
    return DepartmentFactory(name="康定市政务服务中心", region=Region.objects.get(code="513301"))


@pytest.fixture
def luding_centre(db):
    return DepartmentFactory(name="泸定县政务服务中心", region=Region.objects.get(code="513322"))


def spot(code="513301", day=dt.date(2025, 11, 12), kind="week", met=7, resolved=12):
    """A weak spot of a county in the week holding `day`, as the weak-spot
    tables name it."""
    county = Region.objects.get(code=code)
    group = weakspots.Group("county", code, county.name, resolved, resolved, met, 10, 9)
    filters = Filters(period=containing(kind, day), region=county)
    return selectors.WeakSpot(filters, group, {"response": 1, "resolution": 4, "target": 240})


@pytest.fixture
def make_item(now):
    def make(user, department, *, created="2025-11-12 10:00", days=5, **spot_args):
        return services.create_from_weak_spot(
            spot(**spot_args),
            user,
            department=department,
            measures="加强值守，超时工单逐件复盘",
            working_days=days,
            now=at(created),
        )

    return make
