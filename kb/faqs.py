"""The FAQ lifecycle: every change to an FAQ goes through one function here.

Lifecycle: draft → in review → published → retired. Operators write drafts
(from a resolved ticket, from a group of similar tickets, or by hand);
supervisors, administrators and anyone granted `kb.review_faq` (editors)
publish, send back and retire them. Imports publish directly (the
administrator's command) but never bring back a retired FAQ.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import KBCategory, KBItem, Ticket

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import ANSWERED_STATUSES, Subsystem
from kb import indexing, term_statistics, ticket_drafts
from kb.models import Corpus, Faq, FaqState
from kb.permissions import can_review, can_write, require
from kb.segment import segment

TITLE_LENGTH = 100  # helpdesk's KBItem.title


class LifecycleError(Exception):
    """A change the FAQ's state does not allow (e.g. publishing a draft
    that was never reviewed)."""


class RetiredFaqError(LifecycleError):
    """An import names a retired FAQ: it stays retired (only a reviewer's
    decision brings an answer back)."""

    def __init__(self, faq: Faq):
        super().__init__(_("FAQ #%(id)s is retired and stays retired.") % {"id": faq.pk})
        self.faq = faq


def _require_state(faq: Faq, *states: str) -> None:
    if faq.state not in states:
        raise LifecycleError(
            _("This FAQ is %(state)s; that is not possible now.")
            % {"state": faq.get_state_display()}
        )


def _title_of(question: str) -> str:
    first_line = question.strip().splitlines()[0] if question.strip() else ""
    return first_line[:TITLE_LENGTH]


def kb_category_for(subsystem: Subsystem | None) -> KBCategory:
    """helpdesk's KB category for a subsystem (one each, plus a general one)."""
    if subsystem is None:
        return KBCategory.objects.get_or_create(
            slug="general",
            defaults={"name": "通用", "title": "通用问题", "description": "通用问题"},
        )[0]
    return KBCategory.objects.get_or_create(
        slug=subsystem.code.replace("_", "-"),
        defaults={
            "name": subsystem.name,
            "title": subsystem.name,
            "description": subsystem.description or subsystem.name,
            "queue": subsystem.queue,
        },
    )[0]


def _store(faq: Faq) -> Faq:
    """Save an FAQ with its KB item, segmented text and search vector, and
    queue it for the external index once the transaction commits."""
    item = faq.kbitem
    item.category = kb_category_for(faq.subsystem)
    item.title = _title_of(item.question)
    item.enabled = faq.state == FaqState.PUBLISHED and faq.is_public
    item.last_updated = timezone.now()
    item.save()
    faq.kbitem = item
    faq.question_segmented = segment(item.question)
    faq.answer_segmented = segment(item.answer)
    faq.save()
    indexing.refresh_vector(Faq, faq.pk)
    indexing.index_on_commit("faq", faq.pk)
    # Only published FAQs count in the statistics: a draft that never was
    # published changes nothing.
    if faq.state == FaqState.PUBLISHED or faq.published_at:
        term_statistics.refresh_on_commit(Corpus.FAQ)
    return faq


@transaction.atomic
def create_draft(
    *,
    user,
    question: str,
    answer: str,
    subsystem: Subsystem | None = None,
    category: str = "",
    is_public: bool = True,
    tickets=(),
) -> Faq:
    """Write a new FAQ draft (by hand, or prefilled from tickets)."""
    require(can_write(user), _("Only operators and reviewers write FAQs."))
    item = KBItem(question=question.strip(), answer=answer.strip())
    item.category = kb_category_for(subsystem)
    item.title = _title_of(item.question)
    item.enabled = False
    item.save()
    faq = Faq(
        kbitem=item,
        subsystem=subsystem,
        category=category,
        is_public=is_public,
        author=user,
        state=FaqState.DRAFT,
    )
    _store(faq)
    if tickets:
        faq.source_tickets.add(*tickets)
    return faq


def create_draft_from_ticket(*, user, ticket: Ticket) -> Faq:
    """Turn a resolved ticket into an FAQ draft, written the way a group's
    is (kb.ticket_drafts): internal until a reviewer publishes it as public."""
    require(
        scope.works_tickets(user) and scope.can_view_ticket(user, ticket.pk),
        _("Only operators who work this ticket can turn it into an FAQ."),
    )
    if ticket.status not in ANSWERED_STATUSES:
        raise LifecycleError(_("Only resolved or closed tickets can become an FAQ."))
    draft = ticket_drafts.draft_for([ticket])
    details = getattr(ticket, "details", None)
    with transaction.atomic():
        faq = create_draft(
            user=user,
            question=draft.question,
            answer=draft.answer,
            subsystem=details.subsystem if details else None,
            category=details.category if details else "",
            is_public=False,
            tickets=[ticket],
        )
        ticket_drafts.keep_origin(faq, draft)
    return faq


@transaction.atomic
def edit_faq(
    *, user, faq: Faq, question: str, answer: str, subsystem=None, category="", is_public=True
) -> Faq:
    """Change a draft's (or a published FAQ's, by a reviewer) text and labels."""
    if faq.state == FaqState.PUBLISHED:
        require(can_review(user), _("Only reviewers change a published FAQ."))
    else:
        require(can_write(user), _("Only operators and reviewers write FAQs."))
        _require_state(faq, FaqState.DRAFT, FaqState.IN_REVIEW)
    faq.kbitem.question = question.strip()
    faq.kbitem.answer = answer.strip()
    faq.subsystem = subsystem
    faq.category = category
    faq.is_public = is_public
    if faq.state == FaqState.PUBLISHED:
        faq.last_checked = timezone.now()
    return _store(faq)


@transaction.atomic
def submit_for_review(*, user, faq: Faq) -> Faq:
    require(can_write(user), _("Only operators and reviewers write FAQs."))
    _require_state(faq, FaqState.DRAFT)
    faq.state = FaqState.IN_REVIEW
    return _store(faq)


@transaction.atomic
def publish(*, user, faq: Faq, note: str = "", is_public: bool | None = None) -> Faq:
    """A reviewer approves an FAQ in review: it can be found now, by
    everyone if the reviewer makes it public (`is_public`; None keeps it as
    it is)."""
    require(can_review(user), _("Only supervisors and editors publish FAQs."))
    _require_state(faq, FaqState.IN_REVIEW)
    if is_public is not None:
        faq.is_public = is_public
    now = timezone.now()
    faq.state = FaqState.PUBLISHED
    faq.reviewer = user
    faq.review_note = note
    faq.published_at = now
    faq.last_checked = now
    return _store(faq)


@transaction.atomic
def send_back(*, user, faq: Faq, note: str) -> Faq:
    """A reviewer returns an FAQ in review to its author, saying why."""
    require(can_review(user), _("Only supervisors and editors review FAQs."))
    _require_state(faq, FaqState.IN_REVIEW)
    faq.state = FaqState.DRAFT
    faq.reviewer = user
    faq.review_note = note
    return _store(faq)


@transaction.atomic
def retire(*, user, faq: Faq, note: str = "") -> Faq:
    """Take a published FAQ out of search (the platform changed, say)."""
    require(can_review(user), _("Only supervisors and editors retire FAQs."))
    _require_state(faq, FaqState.PUBLISHED)
    faq.state = FaqState.RETIRED
    faq.reviewer = user
    faq.review_note = note
    return _store(faq)


@transaction.atomic
def mark_checked(*, user, faq: Faq) -> Faq:
    """Someone confirmed the answer still holds for the platform as it is."""
    require(can_write(user), _("Only operators and reviewers check FAQs."))
    _require_state(faq, FaqState.PUBLISHED)
    faq.last_checked = timezone.now()
    faq.save(update_fields=["last_checked", "updated"])
    return faq


@transaction.atomic
def import_faq(
    *,
    question: str,
    answer: str,
    subsystem: Subsystem | None = None,
    category: str = "",
    source: str = "",
) -> tuple[Faq, bool]:
    """Publish an FAQ from an import file; the same question again updates it,
    unless that FAQ was retired (RetiredFaqError: it is left as it is).

    (Imports are the administrator's command, so no user and no review.)
    """
    question, answer = question.strip(), answer.strip()
    faq = (
        Faq.objects.select_related("kbitem")
        .select_for_update()
        .filter(kbitem__question=question)
        .first()
    )
    if faq is not None and faq.state == FaqState.RETIRED:
        raise RetiredFaqError(faq)
    created = faq is None
    now = timezone.now()
    if created:
        item = KBItem(question=question, answer=answer)
        item.category = kb_category_for(subsystem)
        item.title = _title_of(question)
        item.save()
        faq = Faq(kbitem=item)
    faq.kbitem.answer = answer
    faq.subsystem = subsystem
    faq.category = category or faq.category
    faq.source = source[:200]
    faq.state = FaqState.PUBLISHED
    faq.published_at = faq.published_at or now
    faq.last_checked = now
    _store(faq)
    return faq, created
