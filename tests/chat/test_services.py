import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from helpdesk.models import FollowUp

from helpdesk_site.chat import layer, selectors, services
from helpdesk_site.chat.errors import ChatRefused
from helpdesk_site.chat.models import ChatMessage, ReadMark
from helpdesk_site.tickets.signals import ticket_updated
from tests.factories import PNG

pytestmark = pytest.mark.django_db


def test_a_message_is_stored_with_its_place_in_the_ticket_history(room):
    posted = services.post_message(room.operator, room.ticket, "您好，请把**报错截图**发给我。")
    message = ChatMessage.objects.get(pk=posted.message.pk)
    assert message.author == room.operator
    assert "<strong>报错截图</strong>" in message.body_html
    followup = message.followup
    assert followup.ticket_id == room.ticket.pk
    assert followup.user == room.operator
    assert followup.public
    assert "报错截图" in followup.comment


def test_the_operators_chat_message_is_a_followup_by_the_operator(room):
    """What the SLA clock reads as the first response."""
    before = set(FollowUp.objects.values_list("pk", flat=True))
    services.post_message(room.operator, room.ticket.pk, "收到，正在处理。")
    new = FollowUp.objects.exclude(pk__in=before).get()
    assert new.user == room.operator
    assert new.public


def test_a_chat_message_is_announced_as_a_ticket_update(room, django_capture_on_commit_callbacks):
    seen = []

    def listener(sender, ticket, followup, user, **kwargs):
        seen.append((ticket.pk, followup.pk, user.pk))

    ticket_updated.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            posted = services.post_message(room.filer, room.ticket, "还是不行")
    finally:
        ticket_updated.disconnect(listener)
    assert seen == [(room.ticket.pk, posted.message.followup_id, room.filer.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_message_is_committed_before_it_is_broadcast(room, monkeypatch):
    """Another database connection must already see the message when the
    broadcast goes out, so a client that fetches on notice finds it."""
    seen_from_elsewhere = []
    real_publish = layer.publish_many

    def exists_elsewhere(message_id) -> bool:
        result = {}

        def look():
            try:
                result["found"] = ChatMessage.objects.filter(pk=message_id).exists()
            finally:
                connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
        return result["found"]

    def publish_many(sends):
        for _group, event in sends:
            if event["type"] == "chat.message":
                message_id = json.loads(event["frame"])["message"]["id"]
                seen_from_elsewhere.append(exists_elsewhere(message_id))
        return real_publish(sends)

    monkeypatch.setattr(layer, "publish_many", publish_many)
    posted = services.post_message(room.filer, room.ticket, "截图已上传")
    assert seen_from_elsewhere == [True]
    assert posted.broadcast


@pytest.mark.parametrize(
    "who",
    [
        "reporter of another county",
        "reporter of another department",
        "operator of other queues",
        "supervisor of another county",
    ],
)
def test_outsiders_cannot_post_or_read(room, who):
    outsider = room.outsiders[who]
    with pytest.raises(ChatRefused) as refused:
        services.post_message(outsider, room.ticket, "我也想说一句")
    assert refused.value.status == 403
    with pytest.raises(ChatRefused):
        selectors.messages_after(outsider, room.ticket.pk, 0)
    with pytest.raises(ChatRefused):
        services.mark_read(outsider, room.ticket.pk, 0)
    assert not ChatMessage.objects.exists()


def test_supervisors_read_but_do_not_post(room):
    services.post_message(room.filer, room.ticket, "请协助")
    messages, more = selectors.messages_after(room.supervisor, room.ticket.pk, 0)
    assert [m["body"] for m in messages] == ["请协助"]
    assert not more
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.supervisor, room.ticket, "督办")
    assert refused.value.code == "forbidden"


def test_too_long_and_empty_messages_are_refused(room, settings):
    settings.CHAT_MAX_BODY_CHARS = 10
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.filer, room.ticket, "长" * 11)
    assert refused.value.code == "too_long"
    assert "10" in refused.value.message
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.filer, room.ticket, "  \n ")
    assert refused.value.code == "empty"
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.filer, room.ticket, {"body": "x"})
    assert refused.value.code == "invalid"
    assert not ChatMessage.objects.exists()


def test_the_rate_limit_says_when_to_try_again(room, settings):
    settings.CHAT_RATE_LIMIT = 3
    settings.CHAT_RATE_WINDOW = 60
    for n in range(3):
        services.post_message(room.filer, room.ticket, f"第{n}条")
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.filer, room.ticket, "第4条")
    assert refused.value.code == "rate_limited"
    assert refused.value.status == 429
    assert 1 <= refused.value.extra["retry_after"] <= 60
    assert ChatMessage.objects.count() == 3
    # The budget is per person: a colleague still gets through.
    services.post_message(room.colleague, room.ticket, "我来补充")


def test_an_image_is_stored_as_a_ticket_attachment(room):
    image = SimpleUploadedFile("shot.png", PNG, "image/png")
    posted = services.post_message(room.filer, room.ticket, "", image=image)
    attachment = posted.message.image
    assert attachment.followup == posted.message.followup
    assert attachment.mime_type == "image/png"
    assert posted.payload["image"]["url"].startswith("/media/")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", "纯文本".encode()),
        ("fake.png", b"%PDF-1.4 not an image"),
        ("empty.png", b""),
    ],
)
def test_only_real_images_are_accepted(room, name, content):
    with pytest.raises(ChatRefused) as refused:
        services.post_message(
            room.filer, room.ticket, "看图", image=SimpleUploadedFile(name, content)
        )
    assert refused.value.code == "bad_image"
    assert not ChatMessage.objects.exists()


def test_read_marks_only_move_forward(room):
    first = services.post_message(room.filer, room.ticket, "一").message
    second = services.post_message(room.filer, room.ticket, "二").message
    assert services.mark_read(room.operator, room.ticket.pk, second.pk) == second.pk
    assert services.mark_read(room.operator, room.ticket.pk, first.pk) == second.pk
    assert ReadMark.objects.get(user=room.operator).last_read_id == second.pk
    # A number beyond the newest message counts as the newest.
    assert services.mark_read(room.colleague, room.ticket.pk, second.pk + 1000) == second.pk
    with pytest.raises(ChatRefused):
        services.mark_read(room.operator, room.ticket.pk, "3")


def test_resume_returns_exactly_what_came_after(room, settings):
    settings.CHAT_HISTORY_PAGE = 2
    ids = [services.post_message(room.filer, room.ticket, f"{n}").message.pk for n in range(5)]
    page, more = selectors.messages_after(room.operator, room.ticket.pk, ids[0])
    assert [m["id"] for m in page] == ids[1:3]
    assert more
    page, more = selectors.messages_after(room.operator, room.ticket.pk, ids[2])
    assert [m["id"] for m in page] == ids[3:5]
    assert not more


def test_the_console_counts_unread_messages_from_others(room):
    services.post_message(room.filer, room.ticket, "在吗")
    services.post_message(room.filer, room.ticket, "急")
    services.post_message(room.operator, room.ticket, "在")
    [row] = selectors.conversations(room.operator)
    assert row["ticket"]["id"] == room.ticket.pk
    assert row["unread"] == 2
    assert row["last_message"]["body"] == "在"
    services.mark_read(room.operator, room.ticket.pk, row["last_message"]["id"])
    assert selectors.conversations(room.operator)[0]["unread"] == 0
    assert selectors.conversations(room.outsiders["operator of other queues"]) == []


def test_a_chat_line_marks_the_ticket_updated_and_changes_nothing_else(room):
    from datetime import timedelta

    from django.utils import timezone
    from helpdesk.models import Ticket

    earlier = timezone.now() - timedelta(days=1)
    Ticket.objects.filter(pk=room.ticket.pk).update(modified=earlier)
    before = Ticket.objects.values().get(pk=room.ticket.pk)
    services.post_message(room.filer, room.ticket.pk, "补充一下情况")
    after = Ticket.objects.values().get(pk=room.ticket.pk)
    assert after.pop("modified") > before.pop("modified")
    assert after == before
