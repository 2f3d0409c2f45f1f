"""Links and saved searches of helpdesk's old ticket list land where the
same tickets are shown now: a filter of the work queue, or the ticket search."""

import base64
import json

import pytest
from helpdesk.models import SavedSearch

from helpdesk_site.tickets.legacy_queries import Landing, filtering_from_params, landing

WORKED = (1, 2)


def land(params, user_id=7):
    filtering, null = filtering_from_params(params)
    return landing(
        filtering, null, params.get("q", [""])[0], user_id=user_id, worked_statuses=WORKED
    )


def test_helpdesk_list_links_read_as_the_queue_filter():
    assert land({"status": ["1", "2"]}) == Landing(show="all")
    assert land({"status": ["1"], "assigned_to": ["7"]}) == Landing(show="mine")
    assert land({"assigned_to": ["-1"], "queue": ["3"]}) == Landing(show="unassigned", queue_id=3)
    assert land({"assigned_to": ["8"]}) == Landing(show="all")
    assert land({"queue": ["3", "4"], "sort": ["created"]}) == Landing(show="all")


def test_finished_tickets_and_words_go_to_the_ticket_search():
    assert land({"status": ["4"]}) == Landing(search={"status": "4"})
    assert land({"status": ["3", "4"], "priority": ["1"]}) == Landing(search={"priority": "1"})
    assert land({"q": ["证照"], "status": ["1"]}) == Landing(search={"q": "证照"})


def test_junk_in_a_link_is_left_out():
    assert land({"status": ["x", ""], "assigned_to": ["7; drop"]}) == Landing(show="all")


QUEUE = "/helpdesk/tickets/"


@pytest.mark.django_db
def test_old_links_and_saved_searches_land_on_the_same_filter(client, operator, reporter):
    client.force_login(operator)
    response = client.get(QUEUE, {"status": [1, 2], "assigned_to": operator.pk})
    assert response.status_code == 302 and response.url == f"{QUEUE}?show=mine"
    assert client.get(QUEUE, {"status": 4}).url == "/tickets/?status=4"

    def saved(query, **fields):
        encoded = base64.b64encode(json.dumps(query).encode()).decode()
        return SavedSearch.objects.create(title="旧查询", query=f"b'{encoded}'", **fields)

    unassigned = saved(
        {
            "filtering": {"status__in": [1, 2]},
            "filtering_null": {"assigned_to__id__isnull": True},
            "search_string": "",
        },
        user=operator,
    )
    assert client.get(QUEUE, {"saved_query": unassigned.pk}).url == f"{QUEUE}?show=unassigned"
    someone_elses = saved({"filtering": {"assigned_to__id__in": [operator.pk]}}, user=reporter)
    assert client.get(QUEUE, {"saved_query": someone_elses.pk}).url == f"{QUEUE}?show=all"
    assert client.get(QUEUE, {"saved_query": "x"}).url == f"{QUEUE}?show=all"
    assert client.get(QUEUE, {"show": "mine"}).status_code == 200
