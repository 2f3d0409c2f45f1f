"""What a reporter reads in the knowledge base: every FAQ, page by page,
in their own words (no workflow badges, no empty vote count); the writers'
form styled like the rest of the site."""

import re

import pytest
from django.urls import reverse

from kb.models import Faq
from tests.factories import UserFactory
from tests.kb.factories import operator

pytestmark = pytest.mark.django_db


def test_the_home_pages_through_every_published_faq(client, demo_faqs):
    client.force_login(UserFactory())
    titles = set()
    page, pages = 1, None
    while pages is None or page <= pages:
        body = client.get(reverse("kb:search"), {"page": page}).content.decode()
        shown = re.findall(r'<a href="/kb/(\d+)/">', body)
        assert 0 < len(shown) <= 20
        titles |= set(shown)
        pages = int(re.search(r"共 (\d+) 页", body).group(1))
        page += 1
    assert len(titles) == Faq.objects.filter(state="published").count() > 20


def test_a_reporter_sees_no_workflow_badge_and_no_empty_vote_count(client, demo_faqs):
    faq = next(iter(demo_faqs.values()))
    client.force_login(UserFactory())
    body = client.get(reverse("kb:detail", args=[faq.pk])).content.decode()
    assert "已发布" not in body
    assert "认为有帮助" not in body
    client.post(reverse("kb:vote", args=[faq.pk]), {"helpful": "1"})
    body = client.get(reverse("kb:detail", args=[faq.pk])).content.decode()
    assert "1 人中有 1 人认为有帮助" in body


def test_the_faq_form_is_styled(client):
    client.force_login(operator())
    body = client.get(reverse("kb:new")).content.decode()
    question = re.search(r'<textarea[^>]*name="question"[^>]*>', body).group(0)
    subsystem = re.search(r'<select[^>]*name="subsystem"[^>]*>', body).group(0)
    assert 'class="form-control"' in question and 'class="form-select"' in subsystem
