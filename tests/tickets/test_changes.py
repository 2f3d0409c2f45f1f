"""A follow-up saves the whole ticket (django-helpdesk bumps `modified`); only
saves that change what search or the SLA clocks read make them work again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.tickets.changes import saved_changes
from kb.models import TicketText
from sla.models import SlaClock
from tests.factories import UserFactory, file_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(django_capture_on_commit_callbacks):
    """A ticket as a request leaves it: clocks started on commit, loaded afresh."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(UserFactory())
    assert SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).exists()
    return Ticket.objects.get(pk=ticket.pk)


def tables_touched(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def test_a_follow_up_leaves_the_search_text_and_the_clocks_alone(filed):
    ticket = filed
    with CaptureQueriesContext(connection) as queries:
        FollowUp.objects.create(ticket=ticket, title="评论", comment="还是不行", public=True)
    touched = tables_touched(queries.captured_queries)
    assert "helpdesk_followup" in touched
    assert TicketText._meta.db_table not in touched
    assert SlaClock._meta.db_table not in touched


def test_a_changed_title_is_searched_for_at_once(filed):
    ticket = filed
    ticket.title = "事项认领后看不到"
    ticket.save()
    assert saved_changes(ticket) == {"title"}
    assert "事项" in TicketText.objects.get(ticket=ticket).title_segmented


def test_a_status_change_on_a_loaded_ticket_moves_the_clocks(filed):
    ticket = filed
    ticket.status = Ticket.RESOLVED_STATUS
    ticket.save()
    assert saved_changes(ticket) == {"status"}
    assert not SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).exists()
    # The snapshot moves on: saving again changes nothing.
    ticket.save()
    assert saved_changes(ticket) == set()


def test_fields_a_save_did_not_load_are_not_counted_as_changed():
    # Django writes only the loaded fields of a ticket loaded with only():
    # the others keep what the database has.
    filed = file_ticket(UserFactory())
    ticket = Ticket.objects.only("id", "title", "queue").get(pk=filed.pk)
    ticket.title = "电子证照无法制作（已补充）"
    ticket.save()
    assert saved_changes(ticket) == {"title"}
    assert Ticket.objects.get(pk=filed.pk).description == filed.description
