"""The daily roll-up: reports that add up kept days show exactly the figures
counted live, also after an old ticket changes."""

import dataclasses
import datetime as dt
import io
import json

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from helpdesk.models import Ticket

from helpdesk_site.audit import services as audit
from helpdesk_site.errors import DATABASE_DOWN
from helpdesk_site.people.models import Role
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import services as tickets
from helpdesk_site.tickets.models import Category
from kb.models import FaqCandidate
from reporting import selectors, services
from reporting.models import CountedDay
from reporting.periods import containing
from reporting.selectors import Filters
from tests.factories import DepartmentFactory, OperatorFactory, UserFactory, get_subsystem
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db

PERIODS = {
    "week": containing("week", dt.date(2025, 11, 12)),
    "month": containing("month", dt.date(2025, 11, 12)),
    "year": containing("year", dt.date(2025, 11, 12)),
}


def every_figure(now):
    """Each report's figures for the prefecture and for a county (which the
    roll-up does not hold), as of `now`."""
    found = {}
    for name, period in PERIODS.items():
        for code in ("513300", "513301"):
            region = Region.objects.get(code=code)
            found[name, code] = selectors.figures(Filters(period=period, region=region), now=now)
    return found


def live(now):
    """The figures with no day kept: every day counted live."""
    CountedDay.objects.update(stale=True)
    return every_figure(now)


def assert_same(kept, counted_live):
    for report, figures in kept.items():
        for field in dataclasses.fields(figures):
            assert getattr(figures, field.name) == getattr(counted_live[report], field.name), (
                report,
                field.name,
            )


def test_kept_days_give_the_figures_counted_live(week, now):
    now.set("2025-11-20 12:00")
    before = every_figure(at("2025-11-20 12:00"))
    assert services.roll_up() == 15  # 5 to 19 November: the desk's first day to yesterday
    kept_days = set(CountedDay.objects.filter(stale=False).values_list("day", flat=True))
    assert dt.date(2025, 11, 10) in kept_days and dt.date(2025, 11, 20) not in kept_days
    kept = every_figure(at("2025-11-20 12:00"))
    assert kept["week", "513300"].volume["total"] == 4
    assert_same(kept, before)
    assert services.roll_up() == 0  # nothing changed: nothing counted again


def test_a_change_to_an_old_ticket_is_counted_again(week, now):
    now.set("2025-11-20 12:00")
    services.roll_up()
    operator, admin = week["operator"], UserFactory(role=Role.ADMIN, department=None)
    # A (resolved on time on 10 November) is reopened and resolved again late;
    # B (resolved late on 14 November) becomes an emergency; C is withdrawn.
    now.set("2025-11-21 09:00")
    tickets.reopen_ticket(user=operator, ticket=week["A"], comment="仍无法制作")
    now.set("2025-11-28 09:00")
    tickets.close_ticket(user=operator, ticket=Ticket.objects.get(pk=week["A"].pk))
    tickets.reclassify(user=operator, ticket=week["B"], category=Category.EMERGENCY, priority=1)
    audit.withdraw_ticket(user=admin, ticket=week["C"], reason="重复提交")
    stale = set(CountedDay.objects.filter(stale=True).values_list("day", flat=True))
    assert {dt.date(2025, 11, d) for d in (10, 11, 14, 16)} <= stale
    when = at("2025-11-28 12:00")
    partly_kept = every_figure(when)
    assert partly_kept["week", "513300"].volume["total"] == 3  # C withdrawn
    assert partly_kept["week", "513300"].resolution["n"] == 2  # B and F; A not any more
    services.roll_up()
    assert not CountedDay.objects.filter(stale=True, day__lt=dt.date(2025, 11, 28)).exists()
    kept = every_figure(when)
    counted_live = live(when)
    assert_same(partly_kept, counted_live)
    assert_same(kept, counted_live)


def test_history_imported_for_counted_days_is_counted_again(week, now, tmp_path):
    now.set("2025-11-20 12:00")
    services.roll_up()
    get_subsystem("case_handling")
    DepartmentFactory(name="康定市政务服务中心", region=Region.objects.get(code="513301"))
    rows = [
        {
            "id": ref,
            "title": "幼儿园学位申请咨询",
            "text": "想了解公办幼儿园学位怎么申请。",
            "created_at": "2025/11/11 15:40:04",
            "resolution": "请登录教育局网站报名。",
            "resolved_at": "2025/11/13 9:49:14",
        }
        for ref in ("h1", "h2")
    ]
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    call_command("import_tickets", str(path), department="康定市政务服务中心", stdout=io.StringIO())
    stale = set(CountedDay.objects.filter(stale=True).values_list("day", flat=True))
    assert {dt.date(2025, 11, 11), dt.date(2025, 11, 13)} <= stale
    when = at("2025-11-20 12:00")
    kept = every_figure(when)
    assert kept["week", "513300"].volume["total"] == 6  # the week's four and the two imported
    assert_same(kept, live(when))


def test_a_resolved_ticket_given_to_another_operator_moves_in_the_operator_table(week, now):
    now.set("2025-11-20 12:00")
    services.roll_up()
    when = at("2025-11-20 12:00")
    before = every_figure(when)["week", "513300"]
    assert [(row["name"], row["resolved"]) for row in before.operators] == [("王", 3)]
    colleague = OperatorFactory(username="op_li", first_name="李", last_name="")
    ticket = Ticket.objects.get(pk=week["B"].pk)
    ticket.assigned_to = colleague
    ticket.save()
    assert CountedDay.objects.get(day=dt.date(2025, 11, 14)).stale
    services.roll_up()
    kept = every_figure(when)
    operators = {row["name"]: row["resolved"] for row in kept["week", "513300"].operators}
    assert operators == {"王": 2, "李": 1}
    assert_same(kept, live(when))


def test_a_group_of_similar_tickets_that_changes_shows_on_the_next_report(week, now):
    """The week's groups of similar tickets are cached with its kept days:
    a ticket joining or leaving a group, a group renamed, a ticket withdrawn
    or a group gone shows on the next report."""
    now.set("2025-11-20 12:00")
    services.roll_up()
    when = at("2025-11-20 12:00")
    prefecture = Region.objects.get(code="513300")

    def problems():
        f = selectors.figures(Filters(period=PERIODS["week"], region=prefecture), now=when)
        return f.problem_source, [(p["label"], p["n"]) for p in f.problems]

    group = FaqCandidate.objects.create(title="证照制作失败", size=2)
    group.tickets.add(week["A"], week["B"])
    assert problems() == ("clusters", [("证照制作失败", 2)])
    group.tickets.add(week["C"])
    assert problems() == ("clusters", [("证照制作失败", 3)])
    group.tickets.remove(week["A"])
    assert problems() == ("clusters", [("证照制作失败", 2)])
    FaqCandidate.objects.filter(pk=group.pk).update(title="印章与证照制作失败")
    assert problems() == ("clusters", [("印章与证照制作失败", 2)])
    admin = UserFactory(role=Role.ADMIN, department=None)
    audit.withdraw_ticket(user=admin, ticket=week["C"], reason="重复提交")
    assert problems() == ("clusters", [("印章与证照制作失败", 1)])
    services.roll_up()
    assert problems() == ("clusters", [("印章与证照制作失败", 1)])
    group.delete()
    assert problems()[0] == "subsystems"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the binary read is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_lost_database_while_reading_kept_clocks_is_djangos_error_so_pages_answer_503(week, now):
    """The kept clocks are read past Django's cursor (in binary); a server
    that goes away must still raise what the 503 page answers for."""
    now.set("2025-11-20 12:00")
    services.roll_up()
    days = list(CountedDay.objects.filter(stale=False).values_list("day", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    try:
        with pytest.raises(DATABASE_DOWN):
            selectors._kept_columns(days)
    finally:
        connection.close()
