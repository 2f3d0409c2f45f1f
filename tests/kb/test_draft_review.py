"""An operator accepts a group of tickets; the reviewer sees a clean draft,
what was removed and the other resolutions; visitors see none of it."""

import pytest
from django.urls import reverse

from kb import search
from kb.models import Faq, FaqCandidate, FaqState
from tests.factories import UserFactory
from tests.kb.factories import file_ticket, operator, resolve, supervisor

pytestmark = pytest.mark.django_db

GROUP = [
    (
        "电子证照制作失败",
        "制作营业执照电子证照时提示模板未发布。",
        "您好！您反映的问题已收悉。请在证照目录中发布模板后重新制作电子证照。感谢您的支持！",
        "模板未发布",
    ),
    (
        "尊敬的领导：我想问一下电子证照无法制作",
        "我是张建国，电话13812345678，我们窗口一直做不了电子证照。",
        "经与张建国同志电话核实，请拨打13812345678的同事确认：先在证照目录中发布模板，再重新制作。",
        "模板未发布",
    ),
    (
        "电子证照制作提示模板未发布",
        "提示模板未发布，电子证照无法制作。",
        "请联系证照管理员在证照目录里发布该证照模板，发布后刷新页面即可重新制作电子证照。",
        "模板未发布",
    ),
]


@pytest.fixture
def engineer():
    return operator("e_license")


@pytest.fixture
def candidate(engineer):
    tickets = []
    for title, description, reply, resolution in GROUP:
        ticket = file_ticket(UserFactory(), title=title, description=description)
        tickets.append(resolve(ticket, engineer, reply=reply, resolution=resolution))
    group = FaqCandidate.objects.create(
        title=GROUP[0][0], size=3, subsystem=tickets[0].details.subsystem
    )
    group.tickets.add(*tickets)
    return group


def test_the_reviewer_sees_a_clean_draft_what_was_removed_and_the_other_resolutions(
    client, engineer, candidate
):
    client.force_login(engineer)
    response = client.post(reverse("kb:candidate_decide", args=[candidate.pk, "accept"]))
    faq = Faq.objects.get()
    assert response["Location"] == reverse("kb:edit", args=[faq.pk])
    assert faq.source_tickets.count() == 3 and faq.is_public is False

    # The draft: a question from the titles, no salutation, no personal data.
    assert faq.question.startswith("电子证照") and faq.question.endswith("？")
    assert "尊敬" not in faq.question and "我想" not in faq.question
    assert "发布模板" in faq.answer or "发布该证照模板" in faq.answer
    for private in ("13812345678", "张建国"):
        assert private not in faq.question and private not in faq.answer
    assert "感谢您的支持" not in faq.answer and not faq.answer.startswith("您好")

    client.force_login(supervisor())
    page = client.get(reverse("kb:detail", args=[faq.pk])).content.decode()
    removals = page.split('id="draft-removals"')[1].split("</table>")[0]
    assert "13812345678" in removals and "张建国" in removals
    assert "电话号码" in removals and "姓名" in removals
    resolutions = page.split('id="draft-resolutions"')[1]
    # The answer and both other tickets' resolutions, side by side and scrubbed.
    assert resolutions.count('class="card h-100') == 3
    assert "刷新页面即可重新制作" in resolutions and "请拨打【电话】" in resolutions
    assert "13812345678" not in resolutions

    # The operator sees the same on the edit page it was sent to.
    client.force_login(engineer)
    page = client.get(reverse("kb:edit", args=[faq.pk])).content.decode()
    assert 'id="draft-removals"' in page and 'id="draft-resolutions"' in page


def test_visitors_read_neither_the_draft_nor_an_faq_published_internal(client, engineer, candidate):
    client.force_login(engineer)
    client.post(reverse("kb:candidate_decide", args=[candidate.pk, "accept"]))
    faq = Faq.objects.get()
    client.post(reverse("kb:transition", args=[faq.pk, "submit"]))
    client.logout()
    assert client.get(reverse("kb:detail", args=[faq.pk])).status_code == 404

    reviewer = supervisor()
    client.force_login(reviewer)
    page = client.get(reverse("kb:detail", args=[faq.pk])).content.decode()
    assert 'name="is_public"' in page and 'id="id_publish_public" checked' not in page
    client.post(reverse("kb:transition", args=[faq.pk, "publish"]), {"note": "可以"})
    faq.refresh_from_db()
    assert faq.state == FaqState.PUBLISHED and faq.is_public is False
    client.logout()
    assert client.get(reverse("kb:detail", args=[faq.pk])).status_code == 404
    assert search.search_faqs("电子证照", user=None) == []
    assert "draft-removals" not in client.get(reverse("kb:search")).content.decode()


def test_the_reviewer_may_choose_to_publish_as_public(client, engineer, candidate):
    client.force_login(engineer)
    client.post(reverse("kb:candidate_decide", args=[candidate.pk, "accept"]))
    faq = Faq.objects.get()
    client.post(reverse("kb:transition", args=[faq.pk, "submit"]))
    client.force_login(supervisor())
    client.post(reverse("kb:transition", args=[faq.pk, "publish"]), {"is_public": "on"})
    client.logout()
    page = client.get(reverse("kb:detail", args=[faq.pk])).content.decode()
    assert faq.question in page or Faq.objects.get().question in page
    # What was removed is for writers and reviewers only.
    assert "draft-removals" not in page and "13812345678" not in page


def test_the_reporters_best_rated_resolution_becomes_the_answer(engineer, candidate):
    from helpdesk_site.satisfaction.services import rate_ticket
    from kb import services

    tickets = list(candidate.tickets.order_by("pk"))
    for ticket, score in zip(tickets, (2, 5, 3), strict=True):
        rate_ticket(ticket, ticket.details.reporter, score=score)
    faq = services.accept_candidate(user=engineer, candidate=candidate)
    assert faq.origin.answer_ticket == tickets[1]
    assert "同事确认" in faq.answer and "13812345678" not in faq.answer


def test_a_single_ticket_is_drafted_the_same_way(client, engineer):
    ticket = file_ticket(UserFactory(), title="您好，请问电子证照无法制作", description="急")
    reply = "网友您好！经核实，请在证照目录中发布模板后重新制作；仍有问题请致电0836-2812345。"
    resolve(ticket, engineer, reply=reply, resolution="模板未发布")
    client.force_login(engineer)
    client.post(reverse("kb:from_ticket"), {"ticket": ticket.pk})
    faq = Faq.objects.get()
    assert faq.question == "电子证照无法制作怎么办？" and faq.is_public is False
    assert "【电话】" in faq.answer and "网友您好" not in faq.answer
    page = client.get(reverse("kb:edit", args=[faq.pk])).content.decode()
    assert "0836-2812345" in page.split('id="draft-removals"')[1]
