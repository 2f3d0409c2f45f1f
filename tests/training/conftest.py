import datetime as dt

import pytest

from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, region, supervisor
from tests.sla.conftest import Clock, at
from training.models import TrainingPlan, TrainingSession


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def prefecture_supervisor(db):
    return supervisor("513300", username="gz_sup", email="gz@example.cn")


@pytest.fixture
def kangding_supervisor(db):
    return supervisor("513301", username="kd_sup")


@pytest.fixture
def kangding_department(db):
    return DepartmentFactory(name="康定市政务服务中心", region=region("513301"))


@pytest.fixture
def township_department(db):
    return DepartmentFactory(name="炉城街道便民服务中心", region=region("513301001"))


@pytest.fixture
def luding_department(db):
    return DepartmentFactory(name="泸定县政务服务中心", region=region("513322"))


@pytest.fixture
def clerk(kangding_department):
    return UserFactory(username="clerk", department=kangding_department, last_name="泽仁")


@pytest.fixture
def township_clerk(township_department):
    return UserFactory(username="township_clerk", department=township_department)


@pytest.fixture
def outsider(luding_department):
    return UserFactory(username="outsider", department=luding_department)


@pytest.fixture
def operator(db):
    return OperatorFactory(username="trainer")


@pytest.fixture
def plan(prefecture_supervisor):
    return TrainingPlan.objects.create(year=2026, region=region("513300"))


def make_session(plan, start: str, hours: int = 2, **fields) -> TrainingSession:
    starts = at(start)
    fields.setdefault("title", f"培训 {start}")
    fields.setdefault("form", "offline")
    fields.setdefault("venue", "康定市政务服务中心三楼会议室")
    return TrainingSession.objects.create(
        plan=plan, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours), **fields
    )
