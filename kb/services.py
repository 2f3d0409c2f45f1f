"""FAQ candidates decided: an operator accepts a proposed group of similar
tickets (a draft is written from it) or dismisses it.

The other changes to the knowledge base live by concern: kb.faqs (the FAQ
lifecycle and imports), kb.ticket_text (tickets' search text),
kb.term_statistics (what ranking counts), kb.feedback (votes, deflections,
searches without an answer).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.tickets import scope
from kb import ticket_drafts
from kb.faqs import LifecycleError, create_draft
from kb.models import CandidateState, Faq, FaqCandidate
from kb.permissions import require as _require


@transaction.atomic
def accept_candidate(*, user, candidate: FaqCandidate) -> Faq:
    """An operator accepts a proposed FAQ: a draft written from the whole
    group (kb.ticket_drafts), linked to every ticket of the group, internal
    until a reviewer publishes it as public."""
    _require(scope.works_tickets(user), _("Only operators accept FAQ candidates."))
    if candidate.state != CandidateState.OPEN:
        raise LifecycleError(_("This candidate was already decided."))
    tickets = list(scope.visible_tickets(user).filter(faq_candidates=candidate))
    _require(bool(tickets), _("None of these tickets is in your scope."))
    draft = ticket_drafts.draft_for(tickets)
    asked = next((t for t in tickets if t.pk == draft.question_from), tickets[0])
    faq = create_draft(
        user=user,
        question=draft.question,
        answer=draft.answer,
        subsystem=candidate.subsystem,
        category=getattr(getattr(asked, "details", None), "category", ""),
        is_public=False,
        tickets=tickets,
    )
    ticket_drafts.keep_origin(faq, draft)
    candidate.state = CandidateState.ACCEPTED
    candidate.faq = faq
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()
    return faq


@transaction.atomic
def dismiss_candidate(*, user, candidate: FaqCandidate) -> FaqCandidate:
    _require(scope.works_tickets(user), _("Only operators dismiss FAQ candidates."))
    if candidate.state != CandidateState.OPEN:
        raise LifecycleError(_("This candidate was already decided."))
    candidate.state = CandidateState.DISMISSED
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()
    return candidate
