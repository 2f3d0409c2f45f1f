"""The indicator section of the scope module, role by role."""

import pytest

from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import scope

pytestmark = pytest.mark.django_db


def regions(user) -> set[str]:
    return set(
        Region.objects.filter(
            scope.indicator_regions_q(user), level__in=["prefecture", "county"]
        ).values_list("code", flat=True)
    )


def test_each_role_reads_and_edits_its_own(
    prefecture_supervisor, kangding_supervisor, admin_user, operator, reporter
):
    kangding, luding = Region.objects.get(code="513301"), Region.objects.get(code="513322")
    assert len(regions(prefecture_supervisor)) == 19  # the prefecture and its 18 counties
    assert regions(admin_user) == regions(prefecture_supervisor)
    assert regions(kangding_supervisor) == {"513301"}
    assert regions(operator) == regions(reporter) == set()
    assert scope.may_edit_indicator_region(kangding_supervisor, kangding)
    assert not scope.may_edit_indicator_region(kangding_supervisor, luding)
    assert scope.may_configure_indicators(prefecture_supervisor)
    assert scope.may_configure_indicators(admin_user)
    assert not scope.may_configure_indicators(kangding_supervisor)
    assert scope.may_sign_findings(kangding_supervisor, kangding)
    assert not scope.may_sign_findings(admin_user, kangding)
    for user in (operator, reporter):
        assert not scope.sees_indicators(user)
        assert not scope.may_edit_indicator_region(user, kangding)
        assert not scope.may_configure_indicators(user)


def test_an_inactive_supervisor_sees_nothing(kangding_supervisor):
    kangding_supervisor.is_active = False
    assert not scope.sees_indicators(kangding_supervisor)
    assert regions(kangding_supervisor) == set()
