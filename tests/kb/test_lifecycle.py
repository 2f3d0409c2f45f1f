import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from helpdesk.models import KBItem

from kb import faqs, search
from kb.models import FaqState
from tests.factories import UserFactory
from tests.kb.factories import file_ticket, operator, resolve, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved_ticket():
    engineer = operator("e_license")
    ticket = resolve(file_ticket(UserFactory()), engineer)
    return ticket, engineer


def test_a_resolved_ticket_becomes_a_prefilled_draft(resolved_ticket):
    ticket, engineer = resolved_ticket
    faq = faqs.create_draft_from_ticket(user=engineer, ticket=ticket)
    assert faq.state == FaqState.DRAFT
    # The title as a question; the reporter's own description stays out.
    assert faq.question == "电子证照无法制作怎么办？"
    assert "模板未发布" in faq.answer
    assert "请在证照目录中发布模板后重新制作" in faq.answer
    assert list(faq.source_tickets.all()) == [ticket]
    assert faq.subsystem.code == "e_license"
    assert faq.category == "fault"
    # helpdesk's own KB pages never show a draft; a draft from a ticket is internal.
    assert KBItem.objects.get(pk=faq.kbitem_id).enabled is False
    assert faq.is_public is False


def test_open_tickets_and_people_out_of_scope_cannot_make_drafts(resolved_ticket):
    ticket, engineer = resolved_ticket
    with pytest.raises(PermissionDenied):
        faqs.create_draft_from_ticket(user=operator("e_seal"), ticket=ticket)
    with pytest.raises(PermissionDenied):
        faqs.create_draft_from_ticket(user=UserFactory(), ticket=ticket)
    open_ticket = file_ticket(UserFactory())
    with pytest.raises(faqs.LifecycleError):
        faqs.create_draft_from_ticket(user=engineer, ticket=open_ticket)


def test_draft_review_publish_retire(resolved_ticket):
    ticket, engineer = resolved_ticket
    faq = faqs.create_draft_from_ticket(user=engineer, ticket=ticket)
    assert search.search_faqs("电子证照", user=engineer) == []

    faqs.submit_for_review(user=engineer, faq=faq)
    assert faq.state == FaqState.IN_REVIEW
    with pytest.raises(PermissionDenied):
        faqs.publish(user=engineer, faq=faq)

    reviewer = supervisor()
    before = timezone.now()
    faqs.publish(user=reviewer, faq=faq, note="内容准确", is_public=True)
    faq.refresh_from_db()
    assert faq.state == FaqState.PUBLISHED
    assert faq.reviewer == reviewer
    assert faq.last_checked >= before
    assert KBItem.objects.get(pk=faq.kbitem_id).enabled is True
    assert [h.id for h in search.search_faqs("证照做不了", user=None)] == [faq.pk]

    faqs.retire(user=reviewer, faq=faq, note="平台已升级")
    assert faq.state == FaqState.RETIRED
    assert search.search_faqs("电子证照", user=None) == []
    assert KBItem.objects.get(pk=faq.kbitem_id).enabled is False


def test_a_draft_from_a_ticket_stays_internal_unless_the_reviewer_makes_it_public(
    resolved_ticket,
):
    ticket, engineer = resolved_ticket
    faq = faqs.create_draft_from_ticket(user=engineer, ticket=ticket)
    faqs.submit_for_review(user=engineer, faq=faq)
    faqs.publish(user=supervisor(), faq=faq)
    assert faq.state == FaqState.PUBLISHED and faq.is_public is False
    assert search.search_faqs("电子证照", user=None) == []
    assert [h.id for h in search.search_faqs("电子证照", user=engineer)] == [faq.pk]
    assert KBItem.objects.get(pk=faq.kbitem_id).enabled is False


def test_transitions_out_of_order_are_refused(resolved_ticket):
    ticket, engineer = resolved_ticket
    faq = faqs.create_draft_from_ticket(user=engineer, ticket=ticket)
    reviewer = supervisor()
    with pytest.raises(faqs.LifecycleError):
        faqs.publish(user=reviewer, faq=faq)
    with pytest.raises(faqs.LifecycleError):
        faqs.retire(user=reviewer, faq=faq)
    faqs.submit_for_review(user=engineer, faq=faq)
    with pytest.raises(faqs.LifecycleError):
        faqs.submit_for_review(user=engineer, faq=faq)


def test_a_reviewer_sends_back_with_a_note(resolved_ticket):
    ticket, engineer = resolved_ticket
    faq = faqs.create_draft_from_ticket(user=engineer, ticket=ticket)
    faqs.submit_for_review(user=engineer, faq=faq)
    faqs.send_back(user=supervisor(), faq=faq, note="请补充截图说明")
    faq.refresh_from_db()
    assert faq.state == FaqState.DRAFT
    assert faq.review_note == "请补充截图说明"


def test_an_editor_with_the_permission_may_publish(resolved_ticket):
    from django.contrib.auth.models import Permission

    ticket, engineer = resolved_ticket
    editor = operator()
    editor.user_permissions.add(Permission.objects.get(codename="review_faq"))
    editor = type(editor).objects.get(pk=editor.pk)
    faq = faqs.create_draft_from_ticket(user=engineer, ticket=ticket)
    faqs.submit_for_review(user=engineer, faq=faq)
    faqs.publish(user=editor, faq=faq)
    assert faq.state == FaqState.PUBLISHED


def test_reporters_cannot_write_faqs():
    with pytest.raises(PermissionDenied):
        faqs.create_draft(user=UserFactory(), question="问", answer="答")


def test_import_is_idempotent_by_question():
    faq, created = faqs.import_faq(question="如何认领印章", answer="旧答案")
    again, created_again = faqs.import_faq(question="如何认领印章", answer="新答案")
    assert created and not created_again
    assert again.pk == faq.pk
    again.kbitem.refresh_from_db()
    assert again.kbitem.answer == "新答案"
    assert again.state == FaqState.PUBLISHED
