"""Resuming cannot skip a line. Pub/sub delivers at most once, so a peer's
line can be lost while the client's own later line is acknowledged; the
client must not take its own line's id as "everything up to here". Every
line says which line of the ticket came before it (`prev`), the panel's
cursor only moves over lines it has without a gap, and it asks the server
for what lies in between."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from helpdesk_site.chat import services
from tests.chat.test_consumers import join, next_frame

CHAT_JS = Path(__file__).resolve().parents[2] / "helpdesk_site/chat/static/chat/chat.js"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_a_line_lost_in_pubsub_is_fetched_not_skipped(room):
    clerk, _ = await join(room.filer, room.ticket)
    await clerk.send_json_to({"type": "post", "body": "第一条"})
    first = (await next_frame(clerk, "ack"))["message"]
    assert first["prev"] == 0

    # The operator's line is stored, but its broadcast never arrives.
    lost = await database_sync_to_async(services.post_message)(
        room.operator, room.ticket, "请提供证照编号", publish=False
    )
    await clerk.send_json_to({"type": "post", "body": "在吗"})
    mine = (await next_frame(clerk, "ack"))["message"]
    # The acknowledgement says which line precedes it: one the client lacks.
    assert mine["prev"] == lost.message.pk != first["id"]

    # So the client resumes from the last line it has without a gap.
    await clerk.send_json_to({"type": "resume", "after_id": first["id"]})
    history = await next_frame(clerk, "history")
    assert history["after_id"] == first["id"]
    assert [m["id"] for m in history["messages"]] == [lost.message.pk, mine["id"]]
    assert [m["prev"] for m in history["messages"]] == [first["id"], lost.message.pk]
    await clerk.disconnect()


@pytest.mark.django_db
def test_each_line_names_the_line_before_it_in_its_ticket(room):
    from tests.factories import file_ticket

    other = file_ticket(room.colleague, title="另一件事")
    a = services.post_message(room.filer, room.ticket, "甲").message
    b = services.post_message(room.colleague, other, "乙").message
    c = services.post_message(room.operator, room.ticket, "丙").message
    assert (a.prev_id, b.prev_id, c.prev_id) == (0, 0, a.pk)
    client = Client()
    client.force_login(room.filer)
    data = client.get(reverse("chat:messages", args=[room.ticket.pk]), {"after": 0}).json()
    assert [(m["id"], m["prev"]) for m in data["messages"]] == [(a.pk, 0), (c.pk, a.pk)]
    assert data["after"] == 0


# --- the panel's cursor (chat.js), run by Node --------------------------------


def cursor_steps(steps) -> list[dict]:
    """Feed chat.js's ChatCursor a list of ("page", after, messages) and
    ("live", message) steps; its state after each."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = """
const {ChatCursor} = require(process.argv[1]);
const cursor = new ChatCursor();
const out = JSON.parse(process.argv[2]).map(([kind, ...args]) => {
  if (kind === "page") { cursor.page(args[0], args[1]); } else { cursor.live(args[0]); }
  return {upTo: cursor.upTo, gap: cursor.hasGap()};
});
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(
        [node, "-e", script, str(CHAT_JS), json.dumps(steps)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout)


def m(id_, prev):
    return {"id": id_, "prev": prev}


def test_the_cursor_stops_before_a_line_it_has_not_got():
    states = cursor_steps(
        [
            ["page", 0, [m(1, 0), m(2, 1)]],
            # Line 3 (the operator's) is lost; the client's own line 4 is acknowledged.
            ["live", m(4, 3)],
            # The client asks for what follows 2 and gets 3 and 4.
            ["page", 2, [m(3, 2), m(4, 3)]],
        ]
    )
    assert states == [
        {"upTo": 2, "gap": False},
        # Read receipts go up to the cursor: 2, not 4.
        {"upTo": 2, "gap": True},
        {"upTo": 4, "gap": False},
    ]


def test_lines_arriving_out_of_order_close_the_gap_themselves():
    states = cursor_steps(
        [
            ["page", 0, [m(10, 0)]],
            ["live", m(12, 11)],
            ["live", m(11, 10)],
            ["live", m(12, 11)],
        ]
    )
    assert [s["upTo"] for s in states] == [10, 10, 12, 12]
    assert [s["gap"] for s in states] == [False, True, False, False]


def test_a_page_from_beyond_the_cursor_does_not_move_it():
    states = cursor_steps([["page", 0, [m(1, 0)]], ["page", 5, [m(6, 5)]]])
    assert [s["upTo"] for s in states] == [1, 1]


def test_a_page_is_contiguous_whatever_its_lines_say():
    """A line removed by an administrator leaves a `prev` nobody can have:
    a page of history still counts as complete."""
    states = cursor_steps([["page", 0, [m(1, 0), m(3, 2)]], ["live", m(4, 3)]])
    assert [s["upTo"] for s in states] == [3, 4]


# --- how often a panel without a socket asks (chat.js's PollPace, under Node) --


def pace_delays(outcomes, hidden=False) -> list[int]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = """
const {PollPace} = require(process.argv[1]);
const pace = new PollPace();
const hidden = process.argv[3] === "1";
const out = JSON.parse(process.argv[2]).map(
  (o) => (o === "reset" ? (pace.reset(), 0) : pace.next(o, hidden)),
);
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(
        [node, "-e", script, str(CHAT_JS), json.dumps(outcomes), "1" if hidden else "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout)


def test_polling_slows_while_nothing_comes_and_is_quick_again_when_something_does():
    delays = pace_delays(["quiet"] * 12 + ["news"])
    quiet = delays[:-1]
    assert quiet == sorted(quiet) and quiet[0] > 3000
    assert max(quiet) == 30000  # a reply waits at most half a minute
    assert delays[-1] == 3000


def test_polling_backs_off_further_while_the_server_fails():
    delays = pace_delays(["failed"] * 8 + ["quiet", "reset", "quiet"])
    failing = delays[:8]
    assert failing == sorted(failing) and failing[0] == 6000 and max(failing) == 60000
    # Back to normal: no slower than a quiet conversation, and quick after a reset.
    assert delays[8] == 30000 and delays[10] == 4500


def test_a_page_out_of_sight_polls_at_the_slowest_pace():
    assert set(pace_delays(["news", "quiet", "failed"], hidden=True)) == {60000}
