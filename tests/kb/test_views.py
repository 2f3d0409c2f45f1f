import pytest
from django.urls import reverse

from kb import faqs
from kb.models import Deflection, Faq, FaqState, Feedback, SearchMiss
from tests.factories import UserFactory
from tests.kb.factories import file_ticket, operator, published_faq, resolve, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def faq():
    return published_faq(operator(), "事项认领后在实施清单中看不到", "等待十分钟后刷新。")


def test_visitors_search_and_read_public_faqs(client, faq):
    response = client.get(reverse("kb:search"), {"q": "认领了找不到清单"})
    assert response.status_code == 200
    assert "事项认领后在实施清单中看不到" in response.content.decode()
    assert client.get(reverse("kb:detail", args=[faq.pk])).status_code == 200


def test_a_search_without_result_is_recorded(client, faq):
    client.get(reverse("kb:search"), {"q": "好差评二维码"})
    assert SearchMiss.objects.get().query == "好差评二维码"


def test_bad_filters_are_a_400_not_a_500(client, faq):
    response = client.get(reverse("kb:search"), {"q": "认领", "category": "nonsense"})
    assert response.status_code == 400


def test_drafts_are_hidden_from_reporters_and_visitors(client):
    draft = faqs.create_draft(user=operator(), question="草稿问题", answer="草稿答案")
    assert client.get(reverse("kb:detail", args=[draft.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("kb:detail", args=[draft.pk])).status_code == 404


def test_votes_are_counted_once_per_person(client, faq):
    reporter = UserFactory()
    client.force_login(reporter)
    url = reverse("kb:vote", args=[faq.pk])
    client.post(url, {"helpful": "1"})
    client.post(url, {"helpful": "0"})
    assert Feedback.objects.filter(faq=faq).count() == 1
    faq.kbitem.refresh_from_db()
    assert (faq.kbitem.votes, faq.kbitem.recommendations) == (1, 0)
    assert list(faq.kbitem.downvoted_by.all()) == [reporter]


def test_anonymous_votes_count_per_session(client, faq):
    url = reverse("kb:vote", args=[faq.pk])
    assert client.post(url, {"helpful": "1"}).status_code == 302
    assert client.post(url, {"helpful": "maybe"}).status_code == 302
    assert Feedback.objects.get(faq=faq).helpful is True


def test_suggestions_while_filing_and_deflection(client, faq):
    reporter = UserFactory()
    client.force_login(reporter)
    page = client.get(reverse("tickets:new")).content.decode()
    assert 'id="kb-suggestions"' in page and "kb/suggest" in page
    data = client.get(reverse("kb:suggest"), {"q": "认领以后清单里没显示"}).json()
    assert data["results"][0]["id"] == faq.pk
    assert "<mark>" in data["results"][0]["snippet"]
    response = client.post(reverse("kb:deflect"), {"faq": faq.pk, "q": "认领以后清单里没显示"})
    assert response.status_code == 302
    deflection = Deflection.objects.get()
    assert (deflection.faq, deflection.user) == (faq, reporter)


def test_a_final_suggestion_lookup_without_result_is_recorded(client, faq):
    client.force_login(UserFactory())
    client.get(reverse("kb:suggest"), {"q": "天府通办闪退"})
    assert not SearchMiss.objects.exists()
    client.get(reverse("kb:suggest"), {"q": "天府通办闪退", "final": "1"})
    assert SearchMiss.objects.get().where == SearchMiss.Where.FILING_FORM


def test_bad_deflections_are_refused(client, faq):
    client.force_login(UserFactory())
    assert client.post(reverse("kb:deflect"), {"faq": "x"}).status_code == 302
    assert client.post(reverse("kb:deflect"), {"faq": 999999}).status_code == 404
    assert not Deflection.objects.exists()


def test_operator_turns_a_ticket_into_a_draft_and_a_supervisor_publishes(client):
    engineer = operator("e_license")
    ticket = resolve(file_ticket(UserFactory()), engineer)
    client.force_login(engineer)
    response = client.post(reverse("kb:from_ticket"), {"ticket": ticket.pk})
    faq = Faq.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("kb:edit", args=[faq.pk])
    client.post(reverse("kb:transition", args=[faq.pk, "submit"]))
    assert "在实施清单" not in client.get(reverse("kb:review")).content.decode()
    client.force_login(supervisor())
    assert faq.title in client.get(reverse("kb:review")).content.decode()
    client.post(reverse("kb:transition", args=[faq.pk, "publish"]), {"note": "好"})
    faq.refresh_from_db()
    assert faq.state == FaqState.PUBLISHED
    page = client.get(reverse("kb:detail", args=[faq.pk])).content.decode()
    assert f"#{ticket.pk}" in page


def test_an_operator_out_of_scope_cannot_use_the_ticket(client):
    ticket = resolve(file_ticket(UserFactory()), operator("e_license"))
    client.force_login(operator("e_seal"))
    assert client.post(reverse("kb:from_ticket"), {"ticket": ticket.pk}).status_code == 404
    assert not Faq.objects.exists()


def test_reporters_cannot_open_writer_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("kb:new")).status_code == 403
    assert client.get(reverse("kb:review")).status_code == 403
    assert client.get(reverse("kb:candidates")).status_code == 403


def test_the_ticket_page_offers_operators_an_faq_draft(client):
    engineer = operator("e_license")
    ticket = resolve(file_ticket(UserFactory()), engineer)
    client.force_login(engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert reverse("kb:from_ticket") in page
    client.force_login(ticket.details.reporter)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert reverse("kb:from_ticket") not in page
