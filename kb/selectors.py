"""Reads of the knowledge base: who may see which FAQ and candidate."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from helpdesk_site.tickets import scope
from kb import drafts
from kb.models import (
    CandidateState,
    DraftOrigin,
    Faq,
    FaqCandidate,
    FaqState,
    TermFrequency,
    TermStatistics,
)
from kb.services import can_review, can_write


def readable_faqs(user) -> QuerySet[Faq]:
    """Published FAQs (public ones for visitors); drafts too for their writers."""
    faqs = Faq.objects.select_related("kbitem", "subsystem", "author", "reviewer")
    if user.is_authenticated and (can_write(user) or can_review(user)):
        return faqs
    faqs = faqs.filter(state=FaqState.PUBLISHED)
    if not user.is_authenticated:
        faqs = faqs.filter(is_public=True)
    return faqs


def readable_faq_or_404(user, faq_id) -> Faq:
    try:
        return readable_faqs(user).get(pk=faq_id)
    except (Faq.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def source_tickets(user, faq: Faq):
    """The FAQ's source tickets this user may open (others are only counted)."""
    return scope.visible_tickets(user).filter(faqs=faq).order_by("-created")


KIND_LABELS = {
    "phone": _("phone number"),
    "id_card": _("ID card number"),
    "email": _("e-mail address"),
    "bank_card": _("bank card number"),
    "name": _("name"),
    "handle": _("web handle"),
    "address": _("address below village level"),
    "plate": _("licence plate"),
}
PLACE_LABELS = {
    drafts.QUESTION: _("question"),
    drafts.ANSWER: _("answer"),
    drafts.ALTERNATIVE: _("other resolution"),
}


def draft_origin(user, faq: Faq) -> dict | None:
    """How a draft from tickets was made, for its writers and reviewers only:
    the removals (labelled) and the other resolutions."""
    if not (can_write(user) or can_review(user)):
        return None
    origin = DraftOrigin.objects.filter(faq=faq).first()
    if origin is None:
        return None
    removals = [
        {
            **removal,
            "kind_label": KIND_LABELS.get(removal["kind"], removal["kind"]),
            "place_label": PLACE_LABELS.get(removal["place"], removal["place"]),
        }
        for removal in origin.removals
    ]
    return {
        "question_ticket": origin.question_ticket_id,
        "answer_ticket": origin.answer_ticket_id,
        "alternatives": origin.alternatives,
        "removals": removals,
    }


def review_queue(user) -> dict[str, QuerySet[Faq]]:
    faqs = readable_faqs(user)
    return {
        "in_review": faqs.filter(state=FaqState.IN_REVIEW).order_by("updated"),
        "drafts": faqs.filter(state=FaqState.DRAFT).order_by("-updated"),
        "stale": faqs.filter(state=FaqState.PUBLISHED).order_by("last_checked")[:20],
    }


def open_candidates(user) -> QuerySet[FaqCandidate]:
    """Open candidates with at least one ticket in the user's scope."""
    visible = scope.visible_tickets(user).values("pk")
    return (
        FaqCandidate.objects.filter(state=CandidateState.OPEN, tickets__in=visible)
        .select_related("subsystem")
        .distinct()
        .order_by("-size", "-last_resolved")
    )


def open_candidate_or_404(user, candidate_id) -> FaqCandidate:
    try:
        return open_candidates(user).get(pk=candidate_id)
    except (FaqCandidate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def term_statistics(corpus: str) -> TermStatistics | None:
    """A collection's stored statistics (None before the first refresh)."""
    return TermStatistics.objects.filter(corpus=corpus).first()


def document_frequencies(corpus: str, terms) -> dict[str, int]:
    """The stored document frequency of each of these words that the
    collection has: one indexed lookup of a search's few words."""
    rows = TermFrequency.objects.filter(corpus=corpus, term__in=list(terms))
    return dict(rows.values_list("term", "documents"))


def term_count(corpus: str) -> int:
    """How many distinct words a collection's stored statistics know."""
    return TermFrequency.objects.filter(corpus=corpus).count()
