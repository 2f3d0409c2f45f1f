"""Two identical submissions at the same moment, on PostgreSQL, make one change:
the second waits on the key's unique index while the first is inside its
transaction, then answers what the first answered."""

import re
import threading
import time

import pytest
from django.db import connection, connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from helpdesk.models import FollowUp, Ticket

from tests.factories import UserFactory, file_ticket, get_subsystem, region

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and a second connection need PostgreSQL")


def lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def race(submit):
    """Run submit() in two threads: the first holds its transaction open (in
    a FollowUp's post_save) until the second waits on a lock, or until it is
    clear that it will not. Returns both responses and whether the second
    was seen waiting."""
    inside, release = threading.Event(), threading.Event()
    responses = {}
    first = None

    def hold(sender, **kwargs):
        if threading.current_thread() is first:
            inside.set()
            release.wait(WAIT)

    def run(name):
        try:
            responses[name] = submit()
        finally:
            connections.close_all()

    post_save.connect(hold, sender=FollowUp, weak=False)
    try:
        first = threading.Thread(target=run, args=("first",))
        second = threading.Thread(target=run, args=("second",))
        first.start()
        assert inside.wait(WAIT), "the first submission never reached its transaction"
        second.start()
        deadline = time.monotonic() + 20
        while not (waited := lock_waiters() > 0) and second.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        release.set()
        first.join(WAIT)
        second.join(WAIT)
    finally:
        release.set()
        post_save.disconnect(hold, sender=FollowUp)
    return responses["first"], responses["second"], waited


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk():
    get_subsystem("e_license")
    return UserFactory(department__region=region("513301001"))


def test_the_filing_form_sent_twice_at_once_files_one_ticket(clerk):
    client = logged_in(clerk)
    token = re.search(
        r'name="submit_token" value="([^"]+)"', client.get(reverse("tickets:new")).content.decode()
    )
    data = {
        "subsystem": get_subsystem("e_license").pk,
        "category": "fault",
        "priority": "3",
        "title": "电子证照无法制作",
        "description": "页面一直转圈。",
        "submit_token": token.group(1) if token else "",
    }
    first, second, waited = race(lambda: logged_in(clerk).post(reverse("tickets:new"), data))
    ticket = Ticket.objects.get()
    assert waited
    assert first["Location"] == second["Location"] == f"/tickets/{ticket.pk}/"


def test_an_api_call_sent_twice_at_once_files_one_ticket(clerk):
    data = {
        "subsystem": "e_license",
        "category": "fault",
        "priority": 3,
        "title": "电子证照无法制作",
        "description": "页面一直转圈。",
    }
    first, second, waited = race(
        lambda: logged_in(clerk).post("/api/tickets/", data, HTTP_IDEMPOTENCY_KEY="retry-1")
    )
    assert waited
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Ticket.objects.count() == 1


def test_a_comment_sent_twice_at_once_is_stored_once(clerk):
    ticket = file_ticket(clerk)
    client = logged_in(clerk)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    token = re.search(r'name="submit_token" value="([^"]+)"', page)
    data = {"comment": "补充说明", "submit_token": token.group(1) if token else ""}
    url = reverse("tickets:comment", args=[ticket.pk])
    first, second, waited = race(lambda: logged_in(clerk).post(url, data))
    assert waited
    assert (first.status_code, second.status_code) == (302, 302)
    assert FollowUp.objects.filter(comment="补充说明").count() == 1
