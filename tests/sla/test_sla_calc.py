import datetime as dt
import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from helpdesk.models import Ticket

from helpdesk_site.tickets import services as ticket_services
from helpdesk_site.tickets.signals import ticket_filed
from sla import handlers
from sla.models import BusinessCalendar, CalendarDay, SlaClock
from tests.factories import OperatorFactory, file_ticket

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sla_calc", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_due_prints_iso_8601_with_offset():
    assert run("due", "--start", "2025-09-30T16:00", "--minutes", "120")[0] == (
        "2025-09-30T18:00:00+08:00"
    )
    assert run("due", "--start", "2025-09-30T16:00", "--minutes", "180")[0] == (
        "2025-10-09T10:00:00+08:00"
    )


def test_between_prints_working_minutes():
    assert run("between", "--start", "2026-02-14T00:00", "--end", "2026-03-01T00:00")[0] == "2520"


def test_a_named_calendar_with_its_local_days():
    calendar = BusinessCalendar.objects.create(name="康定", working_hours="08:30-12:00")
    CalendarDay.objects.create(calendar=calendar, date="2025-10-09", reason="本地调整")
    out, _err = run("due", "--start", "2025-09-30T16:00", "--minutes", "60", "--calendar", "康定")
    assert out == "2025-10-10T09:30:00+08:00"


def test_a_provisional_year_is_flagged():
    out, err = run("due", "--start", "2027-02-04T17:00", "--minutes", "120")
    assert out == "2027-02-09T10:00:00+08:00"
    assert "2027 is provisional" in err


@pytest.mark.parametrize(
    "args",
    [
        ["due", "--start", "yesterday", "--minutes", "5"],
        ["due", "--start", "2025-09-30T16:00", "--minutes", "-5"],
        ["due", "--start", "2025-09-30T16:00", "--minutes", "nan"],
        ["due", "--start", "2025-09-30T16:00", "--minutes", "5", "--calendar", "无此日历"],
        ["between", "--start", "2025-09-30T16:00", "--end", "2025-13-01"],
    ],
)
def test_bad_arguments_exit_with_status_2(args):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2


def test_from_the_shell_bad_arguments_are_a_message_not_a_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "sla_calc", "due", "--start", "2025-09-30T16:00"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--minutes" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def seeded_without_clocks():
    """Tickets made as bulk seeding makes them: the SLA engine does not hear of them."""
    ticket_filed.disconnect(dispatch_uid="sla_ticket_filed")
    yield
    handlers.connect()


def test_tickets_seeded_without_clocks_get_them(reporter, seeded_without_clocks):
    open_ticket = file_ticket(reporter)
    ticket_services.add_comment(user=OperatorFactory(), ticket=open_ticket, comment="已收到")
    closed = file_ticket(reporter)
    assert not SlaClock.objects.exists()
    closed_at = closed.created + dt.timedelta(hours=3)
    Ticket.objects.filter(pk=closed.pk).update(status=Ticket.CLOSED_STATUS, modified=closed_at)
    out = io.StringIO()
    call_command("sla_start_clocks", stdout=out)
    assert "clocks started for 2 tickets (1 of them already resolved or closed)" in out.getvalue()
    assert SlaClock.objects.filter(ticket=open_ticket).count() == 2
    response = SlaClock.objects.get(ticket=open_ticket, kind="response")
    assert response.stopped_at == open_ticket.followup_set.order_by("-date").first().date
    # A closed ticket is timed from filing to when it was closed.
    assert {c.stopped_at for c in SlaClock.objects.filter(ticket=closed)} == {closed_at}
    call_command("sla_start_clocks", stdout=io.StringIO())
    assert SlaClock.objects.count() == 4


def test_a_backfilled_clock_stops_when_the_ticket_was_resolved_not_when_closed(
    reporter, seeded_without_clocks
):
    from helpdesk.models import FollowUp

    def step(ticket, hours, status):
        FollowUp.objects.create(
            ticket=ticket,
            date=ticket.created + dt.timedelta(hours=hours),
            title="状态变更",
            new_status=status,
        )

    resolved_then_closed = file_ticket(reporter)
    step(resolved_then_closed, 2, Ticket.RESOLVED_STATUS)
    step(resolved_then_closed, 30, Ticket.CLOSED_STATUS)
    reopened = file_ticket(reporter)
    step(reopened, 2, Ticket.RESOLVED_STATUS)
    step(reopened, 5, Ticket.REOPENED_STATUS)
    step(reopened, 8, Ticket.RESOLVED_STATUS)
    step(reopened, 40, Ticket.CLOSED_STATUS)
    Ticket.objects.filter(pk__in=[resolved_then_closed.pk, reopened.pk]).update(
        status=Ticket.CLOSED_STATUS
    )
    call_command("sla_start_clocks", stdout=io.StringIO())
    for ticket, hours in ((resolved_then_closed, 2), (reopened, 8)):
        clock = SlaClock.objects.get(ticket=ticket, kind="resolution")
        assert clock.stopped_at == ticket.created + dt.timedelta(hours=hours)
