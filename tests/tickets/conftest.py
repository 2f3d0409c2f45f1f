"""Fixtures of the operator's queue and workbench tests: a clock the test
moves, a reporter and an operator."""

import pytest

from tests.factories import OperatorFactory, UserFactory
from tests.sla.conftest import Clock


@pytest.fixture
def now(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def reporter(db):
    return UserFactory()


@pytest.fixture
def operator(db):
    return OperatorFactory(first_name="运维", last_name="王")
