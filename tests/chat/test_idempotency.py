"""A chat line sent twice with the same client_id (a retry after a dropped
socket, a double click, the HTTP fallback retrying what the socket may have
stored) is stored once: the repeat gets the first line back."""

import threading
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp

from helpdesk_site.chat import services
from helpdesk_site.chat.errors import ChatRefused
from helpdesk_site.chat.models import ChatMessage
from tests.chat.test_consumers import join, next_frame

KEY = "3f1c9e0a-7b2d-4c55-9a61-0e8f2d7b4c10"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(room):
    return reverse("chat:messages", args=[room.ticket.pk])


@pytest.mark.django_db
def test_a_repeated_http_post_returns_the_first_line(room):
    client = client_for(room.filer)
    first = client.post(url(room), {"body": "打印机卡纸", "client_id": KEY})
    assert first.status_code == 201
    again = client.post(url(room), {"body": "打印机卡纸", "client_id": KEY})
    assert again.status_code == 200
    assert again.json()["message"] == first.json()["message"]
    assert again.json()["replayed"] is True
    assert ChatMessage.objects.count() == 1
    # One line in the ticket's history too.
    assert FollowUp.objects.filter(chat_message__isnull=False).count() == 1


@pytest.mark.django_db
def test_the_key_belongs_to_one_author_on_one_ticket(room):
    from tests.factories import file_ticket

    services.post_message(room.filer, room.ticket, "一", client_id=KEY)
    services.post_message(room.colleague, room.ticket, "一", client_id=KEY)
    other = file_ticket(room.filer, title="另一件事")
    services.post_message(room.filer, other, "一", client_id=KEY)
    assert ChatMessage.objects.count() == 3


@pytest.mark.django_db
def test_a_key_reused_for_another_message_is_refused(room):
    services.post_message(room.filer, room.ticket, "第一句", client_id=KEY)
    with pytest.raises(ChatRefused) as refused:
        services.post_message(room.filer, room.ticket, "完全不同的一句", client_id=KEY)
    assert refused.value.code == "client_id_reused"
    assert refused.value.status == 409
    assert ChatMessage.objects.count() == 1


@pytest.mark.django_db
def test_after_the_window_the_key_stores_a_new_line(room, settings):
    settings.CHAT_IDEMPOTENCY_WINDOW = 600
    first = services.post_message(room.filer, room.ticket, "还在吗", client_id=KEY).message
    ChatMessage.objects.filter(pk=first.pk).update(created=timezone.now() - timedelta(seconds=601))
    second = services.post_message(room.filer, room.ticket, "还在吗", client_id=KEY)
    assert not second.replayed
    assert second.message.pk != first.pk
    assert ChatMessage.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("client_id", ["", "x" * 65, "a\x00b", "\ud800"])
def test_a_malformed_key_is_refused_over_http(room, client_id):
    import json

    response = client_for(room.filer).post(
        url(room),
        json.dumps({"body": "hi", "client_id": client_id}),
        content_type="application/json",
    )
    if client_id == "":
        # An empty key is no key.
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_with_one_key_store_one_line(room):
    """Two requests racing (a double submit 50 ms apart, or a socket retry
    meeting the HTTP fallback): the database's unique constraint decides."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def post():
        try:
            barrier.wait()
            posted = services.post_message(room.filer, room.ticket.pk, "双击了", client_id=KEY)
            results.append((posted.message.pk, posted.replayed))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(replayed for _, replayed in results) == [False, True, True, True]
    assert ChatMessage.objects.count() == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_socket_connections")
async def test_a_repeated_post_over_the_socket_and_then_http_is_one_line(room):
    clerk, _ = await join(room.filer, room.ticket)
    operator, _ = await join(room.operator, room.ticket)
    frame = {"type": "post", "body": "系统登录不了", "client_id": KEY}
    await clerk.send_json_to(frame)
    first = await next_frame(clerk, "ack")
    assert first["client_id"] == KEY
    # The socket dropped before the ack arrived, say: the panel sends again.
    await clerk.send_json_to(frame)
    again = await next_frame(clerk, "ack")
    assert again["message"] == first["message"]
    assert again["replayed"] is True
    # ... and once more over HTTP.
    client = Client()
    await database_sync_to_async(client.force_login)(room.filer)
    response = await database_sync_to_async(client.post)(
        url(room), {"body": "系统登录不了", "client_id": KEY}
    )
    assert response.status_code == 200
    assert response.json()["message"]["id"] == first["message"]["id"]
    assert await database_sync_to_async(ChatMessage.objects.count)() == 1
    # The others saw the line once.
    delivered = await next_frame(operator, "message")
    assert delivered["message"]["id"] == first["message"]["id"]
    later = []
    while not await operator.receive_nothing(timeout=0.5):
        later.append((await operator.receive_json_from())["type"])
    assert "message" not in later
    await clerk.disconnect()
    await operator.disconnect()


@pytest.mark.django_db
def test_a_repeated_image_post_keeps_one_file(room, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from helpdesk.models import FollowUpAttachment

    from tests.factories import PNG

    client = client_for(room.filer)
    for status in (201, 200):
        image = SimpleUploadedFile("err.png", PNG, "image/png")
        response = client.post(url(room), {"body": "截图", "image": image, "client_id": KEY})
        assert response.status_code == status
    assert FollowUpAttachment.objects.count() == 1
    files = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(files) == 1
