"""Reads of the knowledge base: who may see which FAQ and candidate, and
the term statistics searches rank with. Nothing here writes."""

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from helpdesk_site.tickets import scope
from kb import drafts, ranking
from kb.models import (
    CandidateState,
    Corpus,
    DraftOrigin,
    Faq,
    FaqCandidate,
    FaqState,
    SearchMiss,
    TermFrequency,
    TermStatistics,
    TicketText,
)
from kb.permissions import can_review, can_write


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


def membership_version() -> str:
    """Changes whenever a ticket joins or leaves a group of similar tickets
    (or a group goes): membership rows are only created and deleted, never
    updated, so their count and highest id say which rows there are. What
    is computed from the groups' tickets can be cached under it."""
    found = FaqCandidate.tickets.through.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return f"{found['n']}.{found['last'] or 0}"


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


def corpus_documents(corpus: str):
    """The rows of a collection, its two fields as kb.search.database reads
    them, and the same rows as an SQL condition."""
    if corpus == Corpus.FAQ:
        rows = Faq.objects.filter(state=FaqState.PUBLISHED)
        return (
            rows,
            ("question_segmented", "answer_segmented"),
            ("state = %s", [FaqState.PUBLISHED]),
        )
    # Withdrawn tickets are no part of the collection a search ranks in.
    withdrawn, params = scope.withdrawn_ticket_ids().query.sql_with_params()
    return (
        TicketText.objects.filter(scope.not_withdrawn_q("ticket__")),
        ("title_segmented", "body_segmented"),
        (f"ticket_id NOT IN ({withdrawn})", list(params)),
    )


def faq_texts() -> list[tuple[str, str]]:
    """(question, answer) of every published FAQ: the raw text the
    re-ranker's character statistics are counted over."""
    return list(
        Faq.objects.filter(state=FaqState.PUBLISHED).values_list(
            "kbitem__question", "kbitem__answer"
        )
    )


def counted_statistics(corpus: str) -> ranking.CorpusStats:
    """A collection's statistics counted now and kept nowhere: what a search
    ranks with before the collection's first count was stored."""
    rows, fields, _condition = corpus_documents(corpus)
    return ranking.corpus_stats(
        [(first.split(), second.split()) for first, second in rows.values_list(*fields)]
    )


def knowledge_gaps(limit: int = 100, misses: QuerySet[SearchMiss] | None = None) -> QuerySet:
    """知识缺口: searches without an answer, one row per normalised text,
    most asked first: `key`, `asked`, `latest` (time), `query` (its latest
    wording) and how often from each place (`page`, `filing`, `command`).
    By default those not handled yet; the reports pass a period's misses."""
    if misses is None:
        misses = SearchMiss.objects.filter(handled_at__isnull=True)
    open_misses = misses.exclude(normalised="")
    latest_wording = (
        open_misses.filter(normalised=OuterRef("key")).order_by("-created", "-pk").values("query")
    )
    places = {where.value: Count("pk", filter=Q(where=where.value)) for where in SearchMiss.Where}
    return (
        open_misses.values(key=F("normalised"))
        .annotate(asked=Count("pk"), latest=Max("created"), **places)
        .annotate(query=Subquery(latest_wording[:1]))
        .order_by("-asked", "-latest")[:limit]
    )


def open_gap(key: str) -> QuerySet[SearchMiss]:
    """The unhandled misses of one knowledge gap (empty when there are none)."""
    return SearchMiss.objects.filter(handled_at__isnull=True, normalised=key).exclude(normalised="")
