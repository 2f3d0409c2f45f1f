"""好差评: the reporter rates a resolved ticket; a 差评 opens a follow-up for
the county supervisor with its 15-working-day clock."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from helpdesk.models import Ticket

from helpdesk_site.notices.models import Notice
from helpdesk_site.satisfaction import services
from helpdesk_site.satisfaction.models import BadRatingFollowUp, FollowUpState, Rating
from tests.factories import UserFactory, supervisor
from tests.sla.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(file_at, resolve_at, kangding_reporter):
    ticket = file_at(kangding_reporter, "2025-09-24 10:00")
    return resolve_at(ticket, "2025-09-25 11:00")


def test_the_reporter_rates_a_resolved_ticket_from_its_page(client, resolved, kangding_reporter):
    client.force_login(kangding_reporter)
    page = client.get(reverse("tickets:detail", args=[resolved.pk]))
    assert "非常满意" in page.content.decode() and "非常不满意" in page.content.decode()
    response = client.post(
        reverse("satisfaction:rate", args=[resolved.pk]), {"score": "4", "comment": "处理及时"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get(ticket=resolved)
    assert (rating.score, rating.comment, rating.rated_by) == (4, "处理及时", kangding_reporter)
    assert not BadRatingFollowUp.objects.exists()
    assert "满意" in client.get(reverse("tickets:detail", args=[resolved.pk])).content.decode()


def test_an_open_ticket_cannot_be_rated(client, file_at, kangding_reporter):
    ticket = file_at(kangding_reporter, "2025-09-24 10:00")
    client.force_login(kangding_reporter)
    response = client.post(reverse("satisfaction:rate", args=[ticket.pk]), {"score": "5"})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_only_the_reporter_rates_not_a_colleague(client, resolved, kangding_reporter):
    colleague = UserFactory(department=kangding_reporter.department)
    client.force_login(colleague)
    response = client.post(reverse("satisfaction:rate", args=[resolved.pk]), {"score": "5"})
    assert response.status_code == 403
    assert "satisfaction:rate" not in client.get(reverse("tickets:detail", args=[resolved.pk]))
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", ["9", "0", "abc", ""])
def test_a_malformed_rating_is_refused_without_an_error_page(
    client, resolved, kangding_reporter, score
):
    client.force_login(kangding_reporter)
    response = client.post(reverse("satisfaction:rate", args=[resolved.pk]), {"score": score})
    assert response.status_code == 302
    assert not Rating.objects.exists()


def test_a_rating_may_be_changed_within_seven_days_only(resolved, kangding_reporter, now):
    now.set("2025-09-25 12:00")
    services.rate_ticket(resolved, kangding_reporter, score=3)
    now.set("2025-10-02 11:59")
    services.rate_ticket(resolved, kangding_reporter, score=5, comment="后来解决了")
    now.set("2025-10-02 12:01")
    with pytest.raises(services.ValidationError):
        services.rate_ticket(resolved, kangding_reporter, score=1)
    rating = Rating.objects.get()
    assert (rating.score, rating.rated_at) == (5, at("2025-09-25 12:00"))
    assert not BadRatingFollowUp.objects.exists()


def test_a_bad_rating_opens_a_follow_up_due_in_fifteen_working_days(
    resolved, kangding_reporter, now
):
    county = supervisor("513301", email="kd@example.invalid")
    other_county = supervisor("513322")
    now.set("2025-09-26 10:00")  # a Friday before National Day
    services.rate_ticket(resolved, kangding_reporter, score=2, comment="没人回电话")
    task = BadRatingFollowUp.objects.get()
    # 09-28 (调休 Sunday), 09-29, 09-30, then 10-09 … after the holiday,
    # with Saturday 10-11 a working day: the 15th is Thursday 10-23.
    assert task.due_at == at("2025-10-23 18:00")
    assert (task.county_code, task.state) == ("513301", FollowUpState.OPEN)
    supervisors_told = Notice.objects.exclude(recipient=kangding_reporter)
    assert list(supervisors_told.values_list("recipient", flat=True)) == [county.pk]
    assert not Notice.objects.filter(recipient=other_county).exists()


def test_a_changed_rating_keeps_the_follow_up(resolved, kangding_reporter, now):
    now.set("2025-09-26 10:00")
    services.rate_ticket(resolved, kangding_reporter, score=1)
    services.rate_ticket(resolved, kangding_reporter, score=4)
    assert BadRatingFollowUp.objects.get().is_open


def test_the_follow_up_clock_reminds_then_escalates_once(
    resolved, kangding_reporter, now, django_capture_on_commit_callbacks
):
    county = supervisor("513301", email="kd@example.invalid")
    prefecture = supervisor("513300", email="gz@example.invalid")
    now.set("2025-09-26 10:00")
    mail.outbox.clear()  # the filing's own e-mails
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_ticket(resolved, kangding_reporter, score=1)
    assert [m.to for m in mail.outbox if m.to != [kangding_reporter.email]] == [
        ["kd@example.invalid"]
    ]
    task = BadRatingFollowUp.objects.get()
    assert services.sweep(now=task.opened_at + dt.timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep(now=at("2025-10-20 09:00")) == 1  # past 80 % of the span
    task.refresh_from_db()
    assert (task.level_percent, task.breached_at) == (80, None)
    assert Notice.objects.filter(recipient=county).count() == 2
    assert not Notice.objects.filter(recipient=prefecture).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep(now=at("2025-10-23 18:01")) == 1
        assert services.sweep(now=at("2025-10-24 09:00")) == 0
    task.refresh_from_db()
    assert (task.level_percent, task.breached_at) == (100, at("2025-10-23 18:00"))
    assert Notice.objects.filter(recipient=prefecture).count() == 1
    assert ["gz@example.invalid"] in [m.to for m in mail.outbox]


def test_a_rectified_follow_up_no_longer_escalates(resolved, kangding_reporter, now):
    county = supervisor("513301")
    now.set("2025-09-26 10:00")
    services.rate_ticket(resolved, kangding_reporter, score=1)
    task = BadRatingFollowUp.objects.get()
    for step in ("verify", "call_back", "rectify"):
        services.record_follow_up(task, county, step=step, text=f"{step} 已完成")
    assert services.sweep(now=at("2025-12-01 09:00")) == 0
    task.refresh_from_db()
    assert task.state == FollowUpState.RECTIFIED and task.breached_at is None


def test_the_county_supervisor_records_the_steps_in_order(client, resolved, kangding_reporter, now):
    county = supervisor("513301")
    now.set("2025-09-26 10:00")
    services.rate_ticket(resolved, kangding_reporter, score=2)
    task = BadRatingFollowUp.objects.get()
    url = reverse("satisfaction:follow_up", args=[task.pk])
    client.force_login(county)
    assert f"#{resolved.pk}" in client.get(reverse("satisfaction:follow_ups")).content.decode()
    skipped = client.post(url, {"step": "rectify", "text": "已整改"})
    assert skipped.status_code == 400
    assert BadRatingFollowUp.objects.get().rectified_at is None
    assert client.post(url, {"step": "verify", "text": ""}).status_code == 400
    assert client.post(url, {"step": "nonsense", "text": "x"}).status_code == 400
    for step, text in (("verify", "属实"), ("call_back", "已电话回访"), ("rectify", "<b>培训</b>")):
        assert client.post(url, {"step": step, "text": text}).status_code == 302
    task.refresh_from_db()
    assert task.state == FollowUpState.RECTIFIED and task.handled_by == county
    page = client.get(url).content.decode()
    assert "&lt;b&gt;培训&lt;/b&gt;" in page and "<b>培训</b>" not in page


def test_follow_ups_stay_within_the_supervisors_scope(client, resolved, kangding_reporter, now):
    now.set("2025-09-26 10:00")
    services.rate_ticket(resolved, kangding_reporter, score=1)
    task = BadRatingFollowUp.objects.get()
    url = reverse("satisfaction:follow_up", args=[task.pk])
    client.force_login(supervisor("513322"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"step": "verify", "text": "x"}).status_code == 404
    client.force_login(kangding_reporter)
    assert client.get(url).status_code == 403
    client.force_login(supervisor("513300"))
    assert client.get(url).status_code == 200


def test_an_unrated_resolved_ticket_is_not_followed_up(resolved):
    assert Ticket.objects.get(pk=resolved.pk).status == Ticket.RESOLVED_STATUS
    assert services.sweep() == 0


def test_the_rating_form_carries_a_working_csrf_token(resolved, kangding_reporter):
    import re

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(kangding_reporter)
    page = browser.get(reverse("tickets:detail", args=[resolved.pk])).content.decode()
    form = page[page.index(reverse("satisfaction:rate", args=[resolved.pk])) :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = browser.post(
        reverse("satisfaction:rate", args=[resolved.pk]),
        {"score": "5", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and Rating.objects.get().score == 5
