"""Bad input to the filing API and the portal's forms gets a clear 4xx (JSON
from the API), never a server error, and nothing is stored half-way."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from helpdesk.models import FollowUpAttachment, Ticket

from helpdesk_site.tickets.forms import CommentForm, TicketFilingForm
from tests.factories import PNG, UserFactory, file_ticket, get_subsystem, region

pytestmark = pytest.mark.django_db

FIELDS = {
    "subsystem": "e_license",
    "category": "fault",
    "priority": "3",
    "title": "电子证照无法制作",
    "description": "页面一直转圈。",
}


@pytest.fixture
def clerk(client):
    user = UserFactory(department__region=region("513301001"))
    client.force_login(user)
    return user


def multipart(files, boundary="----ganzi"):
    """A multipart body built by hand, so a file name can be any bytes."""
    body = b""
    for name, value in FIELDS.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for filename, content in files:
        body += (
            f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="attachments"; filename="'
            + filename
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_attachment_over_five_megabytes_is_filed(client, clerk):
    # Larger than FILE_UPLOAD_MAX_MEMORY_SIZE, so Django keeps it in a temporary file.
    body, content_type = multipart([("大截图.png".encode(), PNG + b"\0" * (6 * 1024 * 1024))])
    response = client.generic("POST", "/api/tickets/", body, content_type=content_type)
    assert response.status_code == 201, response.content[:300]
    attachment = FollowUpAttachment.objects.get()
    assert attachment.size > 6 * 1024 * 1024
    assert attachment.filename.endswith(".png")


@pytest.mark.parametrize("filename", ["截图.png".encode("gbk"), b"\xff\xfe.png"])
def test_an_attachment_name_not_in_utf8_is_refused_not_dropped(client, clerk, filename):
    body, content_type = multipart([("好的.png".encode(), PNG), (filename, PNG)])
    response = client.generic("POST", "/api/tickets/", body, content_type=content_type)
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_file_contents_that_look_like_headers_are_not_mistaken_for_them(client, clerk):
    # A saved mail in GBK: header-like lines that are not UTF-8, inside a file.
    text = 'Content-Disposition: attachment; filename="中文.txt"\r\n\r\n正文\n'.encode("gbk")
    body, content_type = multipart([(b"mail.txt", text)])
    response = client.generic("POST", "/api/tickets/", body, content_type=content_type)
    assert response.status_code == 201, response.content[:300]
    assert FollowUpAttachment.objects.get().filename.endswith("mail.txt")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("[]", "non_field_errors"),
        ('"电子证照"', "non_field_errors"),
        ("null", "non_field_errors"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "detail"),
        (json.dumps({**FIELDS, "title": "\ud800"}), "non_field_errors"),
        (json.dumps({**FIELDS, "category": "a\udfffb"}), "non_field_errors"),
        (json.dumps({**FIELDS, "title": ["a", "b"]}), "title"),
        (json.dumps({**FIELDS, "description": {"text": "x"}}), "description"),
        (json.dumps({**FIELDS, "title": "标题\x00"}), "title"),
        (json.dumps({**FIELDS, "priority": 10**400}), "priority"),
        (json.dumps({**FIELDS, "subsystem": "\x00"}), "subsystem"),
        (json.dumps({k: v for k, v in FIELDS.items() if k != "title"}), "title"),
        ('{"title": 1e999}', "subsystem"),
    ],
)
def test_junk_json_is_a_json_400(clerk, body, field):
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.post("/api/tickets/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
    assert not Ticket.objects.exists()


def test_a_lone_surrogate_is_a_form_error_not_a_database_error():
    get_subsystem("e_license")
    data = {**FIELDS, "subsystem": get_subsystem("e_license").pk, "title": "标题\udc80"}
    form = TicketFilingForm(data)
    assert not form.is_valid() and "title" in form.errors
    form = CommentForm({"comment": "\ud83d"})
    assert not form.is_valid() and "comment" in form.errors


@pytest.mark.parametrize("value", ["\x00", "回复\x00内容"])
def test_a_nul_byte_in_a_portal_form_is_a_form_error(client, clerk, value):
    ticket = file_ticket(clerk)
    response = client.post(reverse("tickets:comment", args=[ticket.pk]), {"comment": value})
    assert response.status_code == 400
    response = client.post(reverse("tickets:new"), {**FIELDS, "title": value})
    assert response.status_code == 400
    assert Ticket.objects.count() == 1
