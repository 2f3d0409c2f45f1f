"""The reporter's ticket page has one conversation: the public thread and
the chat lines in time order, each once, times in the desk's zone; internal
notes stay with the staff, on the page and on the socket."""

import datetime as dt
import json
import re
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp
from helpdesk.update_ticket import update_ticket

from helpdesk_site.chat import layer, selectors, services
from helpdesk_site.chat.models import ChatMessage

pytestmark = pytest.mark.django_db


def page_of(user, ticket) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def thread(page: str) -> str:
    return page.split('id="chat-messages"', 1)[1].split("</ol>", 1)[0]


@pytest.fixture
def published(monkeypatch):
    """Frames sent to a ticket's room."""
    sent = []

    def publish_many(sends):
        sent.extend(json.loads(event["frame"]) for _group, event in sends if "frame" in event)
        return True

    monkeypatch.setattr(layer, "publish_many", publish_many)
    return sent


def test_replies_and_chat_lines_are_one_thread_in_time_order_each_once(room):
    services.post_message(room.filer, room.ticket, "证照打印是空白的")
    update_ticket(room.operator, room.ticket, comment="请更新证照模板后再打印", public=True)
    services.post_message(room.filer, room.ticket, "更新后可以了")

    html = thread(page_of(room.filer, room.ticket))
    texts = ["证照打印是空白的", "请更新证照模板后再打印", "更新后可以了"]
    assert [html.count(t) for t in texts] == [1, 1, 1]
    positions = [html.index(t) for t in texts]
    assert positions == sorted(positions)
    # No second list of the same lines elsewhere on the page.
    assert page_of(room.filer, room.ticket).count("证照打印是空白的") == 1


def test_times_are_shown_in_asia_shanghai_in_one_format(room):
    posted = services.post_message(room.filer, room.ticket, "几点了").message
    ChatMessage.objects.filter(pk=posted.pk).update(
        created=dt.datetime(2026, 11, 20, 2, 5, tzinfo=dt.UTC)
    )
    FollowUp.objects.filter(ticket=room.ticket).update(
        date=dt.datetime(2026, 11, 19, 23, 30, tzinfo=dt.UTC)
    )
    html = thread(page_of(room.filer, room.ticket))
    assert "2026-11-20 10:05" in html  # 02:05 UTC
    assert "2026-11-20 07:30" in html
    times = re.findall(r"<time [^>]*>\s*([^<]*)</time>", html)
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in times)


def test_internal_notes_stay_off_the_reporters_page_and_the_socket(
    room, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(room.operator, room.ticket, comment="内部排查：模板缺字段", public=False)
    assert published == []
    assert "内部排查" not in page_of(room.filer, room.ticket)
    assert "内部排查" in thread(page_of(room.operator, room.ticket))

    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(room.operator, room.ticket, comment="已修复，请重试", public=True)
    assert [(f["type"], "已修复" in f["entry"]["html"]) for f in published] == [("reply", True)]


def test_a_chat_line_goes_out_once_not_again_as_a_reply(
    room, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(room.operator, room.ticket, "收到")
    assert [f["type"] for f in published] == ["message"]


def test_the_message_box_speaks_plainly(room):
    page = page_of(room.filer, room.ticket)
    placeholder = re.search(r'id="chat-input"[^>]*placeholder="([^"]*)"', page).group(1)
    assert placeholder and "Markdown" not in placeholder


# --- without a socket: the panel polls for lines and replies over HTTP --------


def polled(user, ticket, **params) -> dict:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("chat:messages", args=[ticket.pk]), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_panel_without_a_socket_gets_the_replies_it_has_not_shown(room):
    page = page_of(room.filer, room.ticket)
    shown = int(re.search(r'data-replies-up-to="(\d+)"', page).group(1))
    services.post_message(room.filer, room.ticket, "证照打印是空白的")
    update_ticket(room.operator, room.ticket, comment="内部排查：模板缺字段", public=False)
    update_ticket(room.operator, room.ticket, comment="请更新证照模板后再打印", public=True)
    services.post_message(room.operator, room.ticket, "更新好了告诉我")

    on_page = {int(i) for i in re.findall(r'data-reply="(\d+)"', page)}
    data = polled(room.filer, room.ticket, after=0, replies_after=shown)
    # The reply once, as the socket would have pushed it; the note never; the
    # chat lines among the messages, not again as replies. (What the page
    # shows may come again while it is recent: the panel drops it by id.)
    new = [r for r in data["replies"] if r["id"] not in on_page]
    assert [r["html"] for r in new] == ["请更新证照模板后再打印"]
    assert new[0]["author"]["staff"] and not data["replies_more"]
    assert [m["body"] for m in data["messages"]] == ["证照打印是空白的", "更新好了告诉我"]
    # Asked again from where the answer says, nothing is new (a reply this
    # recent is sent again until it has settled; the panel drops it by id).
    again = polled(room.filer, room.ticket, after=0, replies_after=data["replies_cursor"])
    assert {r["id"] for r in again["replies"]} <= {r["id"] for r in data["replies"]}
    # Staff polling the same way get no internal note pushed either.
    staff = polled(room.operator, room.ticket, after=0, replies_after=shown)
    assert [r["html"] for r in staff["replies"] if r["id"] not in on_page] == [
        "请更新证照模板后再打印"
    ]


def test_replies_come_in_pages_that_say_more_follow(room, settings):
    settings.CHAT_HISTORY_PAGE = 2
    for n in range(3):
        update_ticket(room.operator, room.ticket, comment=f"第{n + 1}条回复", public=True)
    seen, cursor, more = {}, 0, True
    while more:
        page = polled(room.filer, room.ticket, after=0, replies_after=cursor)
        assert len(page["replies"]) <= 2
        seen.update((r["id"], r["html"]) for r in page["replies"])
        assert page["replies_cursor"] > cursor or not page["replies_more"]
        cursor, more = page["replies_cursor"], page["replies_more"]
    texts = [seen[i] for i in sorted(seen)]
    assert [t for t in texts if "回复" in t] == ["第1条回复", "第2条回复", "第3条回复"]


def test_the_chat_only_panel_is_not_sent_replies(room):
    update_ticket(room.operator, room.ticket, comment="请更新证照模板后再打印", public=True)
    assert "replies" not in polled(room.operator, room.ticket, after=0)


@pytest.mark.parametrize("value", ["-1", "abc", str(2**63), ""])
def test_a_bad_replies_cursor_is_a_json_400(room, value):
    client = Client()
    client.force_login(room.filer)
    response = client.get(
        reverse("chat:messages", args=[room.ticket.pk]), {"after": 0, "replies_after": value}
    )
    assert response.status_code == 400 and "replies_after" in response.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_polling_finds_a_reply_that_commits_after_a_later_one(room):
    """Two transactions on PostgreSQL: the first takes the lower id and
    commits last. A cursor at the highest id seen would skip it for good."""

    def reply(text):
        return FollowUp(
            ticket_id=room.ticket.pk,
            title="回复",
            comment=text,
            public=True,
            user=room.operator,
            date=timezone.now(),
        )

    written, commit = threading.Event(), threading.Event()

    def slow_reply():
        try:
            with transaction.atomic():
                FollowUp.objects.bulk_create([reply("先写后提交的回复")])
                written.set()
                commit.wait(30)
        finally:
            connection.close()

    def texts(replies):
        return [r["html"] for r in replies if r["id"] not in before]

    shown, _more, start = selectors.replies_after(room.filer, room.ticket.pk, 0)
    before = {r["id"] for r in shown}
    slow = threading.Thread(target=slow_reply)
    slow.start()
    try:
        assert written.wait(30)
        (fast,) = FollowUp.objects.bulk_create([reply("后写先提交的回复")])
        replies, _more, cursor = selectors.replies_after(room.filer, room.ticket.pk, start)
        assert texts(replies) == ["后写先提交的回复"]
    finally:
        commit.set()
        slow.join(30)
    late = FollowUp.objects.get(comment="先写后提交的回复")
    assert late.pk < fast.pk  # committed out of id order
    assert cursor < late.pk

    replies, _more, cursor = selectors.replies_after(room.filer, room.ticket.pk, cursor)
    assert "先写后提交的回复" in texts(replies)
    # Once both have settled the cursor moves past them and they stop coming.
    later = timezone.now() + dt.timedelta(seconds=settings.CHAT_REPLY_SETTLE_SECONDS + 1)
    replies, _more, cursor = selectors.replies_after(room.filer, room.ticket.pk, cursor, now=later)
    assert cursor == fast.pk
    assert selectors.replies_after(room.filer, room.ticket.pk, cursor)[0] == []
