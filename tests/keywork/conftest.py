import datetime as dt

import pytest

from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from keywork import services
from keywork.models import Kind
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, supervisor
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


@pytest.fixture
def clerk(kangding_centre):
    """Staff of the owner department (康定市政务服务中心)."""
    return UserFactory(
        role=Role.REPORTER,
        department=kangding_centre,
        email="clerk@example.cn",
        first_name="卓玛",
        last_name="泽仁",
    )


@pytest.fixture
def luding_clerk(luding_centre):
    return UserFactory(role=Role.REPORTER, department=luding_centre, email="ldclerk@example.cn")


@pytest.fixture
def operator(db):
    return OperatorFactory(email="op@example.cn")


@pytest.fixture
def make_item(kangding_supervisor, kangding_centre):
    """An item of 康定市 owned by its 政务服务中心, entered by its supervisor."""

    def make(
        *,
        milestones=(),
        due="2026-12-31",
        created="2026-11-02 10:00",
        kind=Kind.ONE_THING,
        title="新生儿出生一件事",
        user=None,
        region="513301",
        department=None,
    ):
        return services.create_item(
            user or kangding_supervisor,
            year=2026,
            title=title,
            kind=kind,
            goal="一表申请、一次办结",
            source_title="甘孜州2026年政务服务重点工作任务清单",
            source_number="甘府办函〔2026〕15号",
            source_issuer="甘孜州人民政府办公室",
            region=Region.objects.get(code=region),
            department=kangding_centre if department is None else department or None,
            due_date=dt.date.fromisoformat(due),
            milestones=[(t, dt.date.fromisoformat(d)) for t, d in milestones],
            now=at(created),
        )

    return make
