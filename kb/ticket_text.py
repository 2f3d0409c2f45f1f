"""Tickets' search text: segmented beside the ticket, kept current when the
ticket changes, and rebuilt for everything after the dictionary changed."""

from helpdesk.models import Ticket

from kb import indexing, term_statistics
from kb.models import Corpus, Faq, TicketText
from kb.segment import segment


def _ticket_text(ticket: Ticket) -> TicketText:
    body = "\n".join(p for p in (ticket.description, ticket.resolution or "") if p)
    return TicketText(
        ticket_id=ticket.pk, title_segmented=segment(ticket.title), body_segmented=segment(body)
    )


def refresh_ticket_text(ticket: Ticket) -> None:
    """Re-segment a ticket after it changed (title, description, resolution)."""
    text = _ticket_text(ticket)
    TicketText.objects.update_or_create(
        ticket=ticket,
        defaults={"title_segmented": text.title_segmented, "body_segmented": text.body_segmented},
    )
    indexing.refresh_vector(TicketText, ticket.pk)
    indexing.index_on_commit("ticket", ticket.pk)
    term_statistics.ensure_on_commit(Corpus.TICKET)


def add_ticket_texts(tickets: list[Ticket]) -> None:
    """The search text of many tickets stored in bulk (an import of history),
    written in one statement rather than one per ticket."""
    _save_texts([_ticket_text(ticket) for ticket in tickets])
    if indexing.uses_postgres():
        TicketText.objects.filter(pk__in=[t.pk for t in tickets]).update(
            search_vector=indexing.vector_expression(TicketText)
        )
    for ticket in tickets:
        indexing.index_on_commit("ticket", ticket.pk)
    term_statistics.ensure_on_commit(Corpus.TICKET)


def resegment_all(progress=None) -> dict[str, int]:
    """Segment every FAQ and ticket again (after the dictionary changed) and
    rebuild their search vectors."""
    counts = {"faq": 0, "ticket": 0}
    batch = []
    for faq in Faq.objects.select_related("kbitem").iterator(chunk_size=1000):
        faq.question_segmented = segment(faq.kbitem.question)
        faq.answer_segmented = segment(faq.kbitem.answer)
        batch.append(faq)
        counts["faq"] += 1
    Faq.objects.bulk_update(batch, ["question_segmented", "answer_segmented"], batch_size=1000)
    indexing.refresh_vector(Faq)
    batch = []
    tickets = Ticket.objects.values_list("pk", "title", "description", "resolution")
    for pk, title, description, resolution in tickets.iterator(chunk_size=2000):
        body = "\n".join(p for p in (description, resolution or "") if p)
        batch.append(
            TicketText(ticket_id=pk, title_segmented=segment(title), body_segmented=segment(body))
        )
        if len(batch) >= 2000:
            counts["ticket"] += _save_texts(batch)
            batch = []
            if progress:
                progress(f"tickets: {counts['ticket']}")
    counts["ticket"] += _save_texts(batch)
    indexing.refresh_vector(TicketText)
    for corpus in Corpus.values:
        term_statistics.refresh_term_statistics(corpus)
    return counts


def _save_texts(texts: list[TicketText]) -> int:
    TicketText.objects.bulk_create(
        texts,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["title_segmented", "body_segmented"],
        batch_size=1000,
    )
    return len(texts)
