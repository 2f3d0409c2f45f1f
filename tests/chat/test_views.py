import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from helpdesk_site.chat import services
from helpdesk_site.chat.models import ChatMessage
from tests.factories import PNG

pytestmark = pytest.mark.django_db


def client_for(user, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def url(room, name="chat:messages"):
    return reverse(name, args=[room.ticket.pk])


def test_posting_and_fetching_over_http(room):
    reporter, operator = client_for(room.filer), client_for(room.operator)
    response = reporter.post(url(room), {"body": "系统报错 *500*"})
    assert response.status_code == 201
    first = response.json()["message"]
    assert first["html"] == "<p>系统报错 <em>500</em></p>"
    response = operator.post(url(room), {"body": "收到"}, content_type="application/json")
    second = response.json()["message"]
    data = operator.get(url(room), {"after": first["id"]}).json()
    assert [m["id"] for m in data["messages"]] == [second["id"]]
    data = operator.get(url(room)).json()
    assert [m["body"] for m in data["messages"]] == ["系统报错 *500*", "收到"]


def test_the_chat_is_in_the_ticket_timeline(room):
    services.post_message(room.operator, room.ticket, "请清除浏览器缓存后重试")
    page = client_for(room.filer).get(reverse("tickets:detail", args=[room.ticket.pk]))
    assert "请清除浏览器缓存后重试" in page.content.decode()
    assert 'id="chat-panel"' in page.content.decode()


def test_the_panel_is_on_the_operator_desk_ticket_page(room):
    page = client_for(room.operator).get(reverse("helpdesk:view", args=[room.ticket.pk]))
    assert page.status_code == 200
    assert 'id="chat-panel"' in page.content.decode()


def test_posting_needs_the_csrf_token(room):
    client = client_for(room.filer, csrf=True)
    assert client.post(url(room), {"body": "hi"}).status_code == 403
    client.get(reverse("tickets:detail", args=[room.ticket.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(url(room), {"body": "hi"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("request_args", "code"),
    [
        ({"path_suffix": "?after=abc"}, "invalid"),
        ({"path_suffix": "?after=-1"}, "invalid"),
        ({"data": {"body": ""}}, "empty"),
        ({"data": "{not json", "content_type": "application/json"}, "invalid"),
        ({"data": "[1, 2]", "content_type": "application/json"}, "invalid"),
        ({"data": {"body": "x", "image": "not a file"}}, None),
    ],
)
def test_bad_input_gets_a_json_4xx(room, request_args, code):
    client = client_for(room.filer)
    if "path_suffix" in request_args:
        response = client.get(url(room) + request_args["path_suffix"])
    else:
        kwargs = {k: v for k, v in request_args.items() if k != "path_suffix"}
        response = client.post(url(room), **kwargs)
    if code is None:
        # A text field called "image" is just ignored.
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert response.json()["error"] == code


def test_a_rate_limited_post_is_a_429_with_the_reason(room, settings):
    settings.CHAT_RATE_LIMIT = 1
    client = client_for(room.filer)
    assert client.post(url(room), {"body": "一"}).status_code == 201
    response = client.post(url(room), {"body": "二"})
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert response.json()["message"]


def test_images_are_posted_and_served_only_to_those_in_scope(room):
    image = SimpleUploadedFile("err.png", PNG, "image/png")
    response = client_for(room.filer).post(url(room), {"body": "", "image": image})
    assert response.status_code == 201
    image_url = response.json()["message"]["image"]["url"]
    assert client_for(room.operator).get(image_url).status_code == 200
    outsider = client_for(room.outsiders["reporter of another department"])
    assert outsider.get(image_url).status_code == 404


def test_a_non_image_attachment_is_refused(room):
    doc = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
    response = client_for(room.filer).post(url(room), {"body": "x", "image": doc})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_image"
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "reporter of another county",
        "reporter of another department",
        "operator of other queues",
        "supervisor of another county",
    ],
)
def test_outsiders_get_404_on_every_endpoint(room, who):
    services.post_message(room.filer, room.ticket, "内部讨论")
    client = client_for(room.outsiders[who])
    assert client.get(url(room)).status_code == 404
    assert client.post(url(room), {"body": "x"}).status_code == 404
    assert client.post(url(room, "chat:read"), {"up_to": 1}).status_code == 404
    assert ChatMessage.objects.count() == 1


def test_marking_read_over_http(room):
    message = services.post_message(room.filer, room.ticket, "一").message
    client = client_for(room.operator)
    response = client.post(url(room, "chat:read"), {"up_to": message.pk})
    assert response.json() == {"up_to": message.pk}
    assert client.post(url(room, "chat:read"), {"up_to": "x"}).status_code == 400
    reads = client_for(room.filer).get(url(room)).json()["reads"]
    assert [(r["user"]["id"], r["up_to"]) for r in reads] == [(room.operator.pk, message.pk)]


def test_the_console_is_for_operators(room):
    services.post_message(room.filer, room.ticket, "请回电话")
    page = client_for(room.operator).get(reverse("chat:console"))
    assert page.status_code == 200
    assert "请回电话" in page.content.decode()
    assert client_for(room.filer).get(reverse("chat:console")).status_code == 403
    feed = client_for(room.operator).get(reverse("chat:console_feed")).json()
    assert feed["conversations"][0]["unread"] == 1
    assert client_for(room.filer).get(reverse("chat:console_feed")).status_code == 403


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[" * 30000 + "]" * 30000, "invalid"),
        ('{"body": "\\ud800 lone surrogate"}', "invalid"),
        ('{"body": "x", "client_id": "\\udfff"}', "invalid"),
        ('"just a string"', "invalid"),
        ("null", "invalid"),
        (b"\xff\xfe not utf-8", "invalid"),
    ],
    ids=["deep array", "lone surrogate", "surrogate client_id", "string", "null", "not utf-8"],
)
def test_junk_json_gets_a_json_400_and_stores_nothing(room, body, code):
    for name in ("chat:messages", "chat:read"):
        response = client_for(room.filer).post(
            url(room, name), body, content_type="application/json"
        )
        assert response.status_code == 400, name
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"] == code
    assert not ChatMessage.objects.exists()


def test_numbers_beyond_any_message_id_are_a_400(room):
    client = client_for(room.filer)
    huge = "9" * 30
    assert client.get(url(room), {"after": huge}).json()["error"] == "invalid"
    response = client.post(url(room, "chat:read"), {"up_to": huge})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_an_oversized_json_request_is_a_json_413(room, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(room.filer).post(
        url(room), '{"body": "' + "x" * 2000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too_long"
    assert not ChatMessage.objects.exists()
