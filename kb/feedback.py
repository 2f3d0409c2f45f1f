"""What readers tell us: votes on FAQs, tickets an FAQ made unnecessary,
and searches that found no answer (the knowledge gaps)."""

from django.db import transaction
from django.utils.translation import gettext as _

from kb.gap_text import gap_key
from kb.models import Deflection, Faq, FaqState, Feedback, SearchMiss
from kb.permissions import require


@transaction.atomic
def record_feedback(*, faq: Faq, user, session_key: str, helpful: bool) -> Feedback:
    """ "Helpful / not helpful": one vote per person (or browser session), the
    latest counts; helpdesk's own counters on the KB item follow."""
    require(faq.state == FaqState.PUBLISHED, _("This FAQ is not published."))
    who = {"user": user} if user.is_authenticated else {"session_key": session_key, "user": None}
    Feedback.objects.filter(faq=faq, **who).delete()
    feedback = Feedback.objects.create(faq=faq, helpful=helpful, **who)
    item = faq.kbitem
    votes = Feedback.objects.filter(faq=faq)
    item.votes = votes.count()
    item.recommendations = votes.filter(helpful=True).count()
    item.save(update_fields=["votes", "recommendations"])
    if user.is_authenticated:
        item.voted_by.remove(user)
        item.downvoted_by.remove(user)
        (item.voted_by if helpful else item.downvoted_by).add(user)
    return feedback


def record_deflection(*, faq: Faq, user, query: str, subsystem=None) -> Deflection:
    """A reporter's ticket was not filed: the suggested FAQ solved it."""
    require(faq.state == FaqState.PUBLISHED, _("This FAQ is not published."))
    return Deflection.objects.create(
        faq=faq,
        user=user if user.is_authenticated else None,
        query=query[:300],
        subsystem=subsystem,
    )


def record_search_miss(*, query: str, where: str, user=None) -> None:
    """A search without an answer: one more ask of its knowledge gap."""
    query = query.strip()[:300]
    if query:
        SearchMiss.objects.create(
            query=query,
            normalised=gap_key(query),
            where=where,
            user=user if user is not None and user.is_authenticated else None,
        )
