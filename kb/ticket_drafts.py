"""Drafts from resolved tickets: what the drafting reads of them, and what
the reviewer is shown of how the draft was made.

The text logic is kb.drafts (and kb.privacy); this module reads the
tickets (their resolution, the operators' last public reply, the 好差评
rating) and keeps the draft's origin. kb.services calls it for a group
(accept_candidate) and for a single ticket (create_draft_from_ticket), so
both make their drafts the same way.
"""

from helpdesk.models import Ticket

from helpdesk_site.satisfaction.models import Rating
from kb import drafts
from kb.models import DraftOrigin, Faq


def _operator_reply(ticket: Ticket) -> str:
    """The last public reply of the people who worked the ticket."""
    reporter_id = getattr(getattr(ticket, "details", None), "reporter_id", None)
    replies = (
        ticket.followup_set.filter(public=True)
        .exclude(comment="")
        .exclude(user_id=reporter_id)
        .exclude(user__isnull=True)
        .order_by("-date", "-id")
    )
    reply = replies.first()
    return reply.comment.strip() if reply else ""


def draft_for(tickets) -> drafts.Draft:
    """The draft text for these resolved tickets (one or a group)."""
    tickets = sorted(tickets, key=lambda t: (t.created, t.pk))
    ratings = dict(
        Rating.objects.filter(ticket__in=[t.pk for t in tickets]).values_list("ticket_id", "score")
    )
    sources = []
    for ticket in tickets:
        parts = [(ticket.resolution or "").strip(), _operator_reply(ticket)]
        sources.append(
            drafts.Source(
                ticket_id=ticket.pk,
                title=ticket.title,
                resolution="\n\n".join(dict.fromkeys(p for p in parts if p)),
                rating=ratings.get(ticket.pk),
            )
        )
    return drafts.draft_from(sources)


def keep_origin(faq: Faq, draft: drafts.Draft) -> DraftOrigin:
    """Record, for the reviewer, what the draft was made of and what was removed."""
    texts = {
        (drafts.QUESTION, draft.question_from): draft.question,
        (drafts.ANSWER, draft.answer_from): draft.answer,
    }
    texts.update({(drafts.ALTERNATIVE, a.ticket_id): a.text for a in draft.alternatives})
    return DraftOrigin.objects.create(
        faq=faq,
        question_ticket_id=draft.question_from,
        answer_ticket_id=draft.answer_from,
        alternatives=[
            {"ticket": a.ticket_id, "text": a.text, "same_in": list(a.same_in)}
            for a in draft.alternatives
        ],
        removals=[
            {
                "place": place,
                "ticket": ticket_id,
                "kind": removal.kind,
                "removed": removal.original,
                "context": drafts.context(texts.get((place, ticket_id), ""), removal),
            }
            for place, ticket_id, removal in draft.removed
        ],
    )
