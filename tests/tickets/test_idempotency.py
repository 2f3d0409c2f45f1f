"""A form posted twice or an API call repeated makes one ticket, comment or
status change; the repeat answers what the first one answered."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, Ticket

from helpdesk_site.people.models import Role
from helpdesk_site.tickets.models import SubmitKey, Subsystem
from tests.factories import PNG, UserFactory, file_ticket, get_subsystem, region

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="submit_token" value="([^"]+)"')


def tokens_in(response) -> list[str]:
    return TOKEN.findall(response.content.decode())


@pytest.fixture
def clerk(client):
    user = UserFactory(department__region=region("513301001"))
    client.force_login(user)
    return user


def filing(**overrides):
    data = {
        "subsystem": get_subsystem("e_license").pk,
        "category": "fault",
        "priority": "3",
        "title": "电子证照无法制作",
        "description": "制作营业执照电子证照时页面一直转圈。",
        "contact_phone": "0836-2812345",
    }
    data.update(overrides)
    return data


API_TICKET = {
    "subsystem": "case_handling",
    "category": "consultation",
    "priority": 3,
    "title": "办件怎么退回",
    "description": "请问已受理的办件如何退回申请人？",
}


def test_the_filing_form_sent_twice_files_one_ticket(client, clerk):
    [token] = tokens_in(client.get(reverse("tickets:new")))
    data = filing(submit_token=token, attachments=[SimpleUploadedFile("截图.png", PNG)])
    first = client.post(reverse("tickets:new"), data)
    data["attachments"] = [SimpleUploadedFile("截图.png", PNG)]
    second = client.post(reverse("tickets:new"), data, follow=True)
    ticket = Ticket.objects.get()
    assert first.status_code == 302
    assert second.redirect_chain == [(first["Location"], 302)]
    assert f"工单 #{ticket.pk} 已提交" in second.content.decode()
    assert FollowUp.objects.get().followupattachment_set.count() == 1


def test_each_rendering_of_the_filing_form_gets_its_own_token(client, clerk):
    for _unused in range(2):
        [token] = tokens_in(client.get(reverse("tickets:new")))
        client.post(reverse("tickets:new"), filing(submit_token=token))
    assert Ticket.objects.count() == 2


def test_a_token_sent_again_with_other_content_is_refused_clearly(client, clerk):
    [token] = tokens_in(client.get(reverse("tickets:new")))
    client.post(reverse("tickets:new"), filing(submit_token=token))
    response = client.post(reverse("tickets:new"), filing(submit_token=token, title="另一个问题"))
    assert response.status_code == 400
    assert "此表单已用其他内容提交过" in response.content.decode()
    assert list(Ticket.objects.values_list("title", flat=True)) == ["电子证照无法制作"]


@pytest.mark.parametrize("token", ["a b", "\x00", "键", "x" * 101])
def test_a_malformed_token_is_a_form_error(client, clerk, token):
    response = client.post(reverse("tickets:new"), filing(submit_token=token))
    assert response.status_code == 400
    assert "提交令牌无效" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_api_call_repeated_with_its_key_answers_the_first_result(client, clerk):
    first = client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="9b1d-retry")
    second = client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="9b1d-retry")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_an_api_call_without_a_key_is_not_deduplicated(client, clerk):
    client.post("/api/tickets/", API_TICKET)
    client.post("/api/tickets/", API_TICKET)
    assert Ticket.objects.count() == 2


def test_an_api_key_reused_with_another_payload_is_a_422(client, clerk):
    client.post(
        "/api/tickets/",
        json.dumps(API_TICKET),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    response = client.post(
        "/api/tickets/",
        json.dumps({**API_TICKET, "title": "另一个"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 422
    assert "detail" in response.json()
    assert Ticket.objects.count() == 1


def test_keys_are_per_user(client, clerk):
    client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="same")
    client.force_login(UserFactory(department=clerk.department))
    assert client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("key", ["", "a b", "x" * 101, "键"])
def test_a_malformed_api_key_is_a_json_400(client, clerk, key):
    response = client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Ticket.objects.exists()


def test_a_comment_sent_twice_is_stored_once(client, clerk):
    ticket = file_ticket(clerk)
    page = client.get(reverse("tickets:detail", args=[ticket.pk]))
    token = tokens_in(page)[0]
    url = reverse("tickets:comment", args=[ticket.pk])
    responses = [client.post(url, {"comment": "补充截图", "submit_token": token}) for _ in "12"]
    assert [r.status_code for r in responses] == [302, 302]
    assert FollowUp.objects.filter(ticket=ticket, comment="补充截图").count() == 1


def test_close_sent_twice_answers_as_the_first_did(client, clerk):
    ticket = file_ticket(clerk)
    page = client.get(reverse("tickets:detail", args=[ticket.pk]))
    close_form = page.content.decode().split(reverse("tickets:close", args=[ticket.pk]))[1]
    token = TOKEN.search(close_form).group(1)
    url = reverse("tickets:close", args=[ticket.pk])
    first = client.post(url, {"submit_token": token})
    second = client.post(url, {"submit_token": token}, follow=True)
    assert second.redirect_chain == [(first["Location"], 302)]
    assert "工单已关闭" in second.content.decode()
    assert FollowUp.objects.filter(ticket=ticket, new_status=Ticket.CLOSED_STATUS).count() == 1


def test_every_form_on_a_ticket_page_carries_its_own_token(client, clerk):
    ticket = file_ticket(clerk)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.RESOLVED_STATUS)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    posts = re.findall(
        r'<form[^>]*method="post"[^>]*action="/(?:tickets|satisfaction)/.*?</form>', page, re.S
    )
    # Comment, close, reopen and the 好差评 rating.
    assert len(posts) == 4
    tokens = [TOKEN.search(form) for form in posts]
    assert all(tokens) and len({t.group(1) for t in tokens}) == 4


def test_a_rating_sent_twice_is_one_rating(client, clerk):
    from helpdesk_site.satisfaction.models import Rating

    ticket = file_ticket(clerk)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.RESOLVED_STATUS)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    rate_url = reverse("satisfaction:rate", args=[ticket.pk])
    token = TOKEN.search(page.split(rate_url)[1]).group(1)
    for _unused in "12":
        client.post(rate_url, {"score": "5", "submit_token": token})
    assert SubmitKey.objects.filter(key=token).count() == 1
    assert Rating.objects.get().changed_at == Rating.objects.get().rated_at


def test_a_follow_up_step_sent_twice_is_recorded_once_without_an_error(client, clerk):
    from helpdesk_site.satisfaction import services as ratings
    from helpdesk_site.satisfaction.models import BadRatingFollowUp

    ticket = file_ticket(clerk)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.RESOLVED_STATUS)
    ratings.rate_ticket(Ticket.objects.get(pk=ticket.pk), clerk, score=1)
    task = BadRatingFollowUp.objects.get()
    client.force_login(
        UserFactory(role=Role.SUPERVISOR, department=None, supervised_region=region("513301"))
    )
    url = reverse("satisfaction:follow_up", args=[task.pk])
    [token] = tokens_in(client.get(url))
    responses = [
        client.post(url, {"step": "verify", "text": "属实", "submit_token": token}) for _ in "12"
    ]
    assert [r.status_code for r in responses] == [302, 302]
    task.refresh_from_db()
    assert task.verification == "属实"


def test_a_token_older_than_the_window_is_free_again_and_expired_keys_are_purged(
    client, clerk, settings
):
    settings.IDEMPOTENCY_WINDOW_SECONDS = 600
    client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="old")
    client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="stale")
    SubmitKey.objects.update(created_at=timezone.now() - dt.timedelta(seconds=601))
    again = client.post("/api/tickets/", API_TICKET, HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Ticket.objects.count() == 3
    assert list(SubmitKey.objects.values_list("key", flat=True)) == ["old"]


def test_subsystem_codes_in_the_api_are_checked_before_filing(client, clerk):
    # A key never makes an invalid request valid: nothing is stored for it.
    response = client.post(
        "/api/tickets/", {**API_TICKET, "subsystem": "nope"}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 400
    assert not SubmitKey.objects.exists()
    assert Subsystem.objects.filter(code="case_handling").exists()
