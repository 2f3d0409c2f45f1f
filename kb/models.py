"""The knowledge base: django-helpdesk's KB items, with what they lack.

helpdesk's `KBItem` holds the question and answer (and its `enabled` flag is
kept equal to "published and public", so helpdesk's own KB pages never show a
draft). `Faq` adds the lifecycle, the source tickets, the subsystem and
category, the review trail and the segmented text every search backend reads.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from helpdesk.models import KBItem, Ticket

from helpdesk_site.tickets.models import Category, Subsystem


class FaqState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Faq(models.Model):
    kbitem = models.OneToOneField(
        KBItem, verbose_name=_("knowledge base item"), on_delete=models.CASCADE, related_name="faq"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=FaqState.choices, default=FaqState.DRAFT
    )
    subsystem = models.ForeignKey(
        Subsystem,
        verbose_name=_("subsystem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faqs",
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, blank=True, default=""
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Public FAQs can be read without logging in.")
    )
    source_tickets = models.ManyToManyField(
        Ticket, verbose_name=_("source tickets"), blank=True, related_name="faqs"
    )
    source = models.CharField(_("imported from"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_faqs",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_faqs",
    )
    review_note = models.TextField(_("review note"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_checked = models.DateTimeField(_("last checked"), null=True, blank=True)
    # jieba's words, space-separated (kb.segment): what every backend indexes.
    question_segmented = models.TextField(editable=False, default="")
    answer_segmented = models.TextField(editable=False, default="")
    # to_tsvector('simple', question || answer) on PostgreSQL (GIN-indexed there);
    # left empty on SQLite, which searches the segmented columns instead.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["-updated", "-id"]
        permissions = [("review_faq", _("Can review and publish FAQs"))]
        indexes = [models.Index(fields=["state", "is_public"], name="kb_faq_state_public")]

    def __str__(self):
        return self.kbitem.title

    @property
    def question(self) -> str:
        return self.kbitem.question

    @property
    def answer(self) -> str:
        return self.kbitem.answer

    @property
    def title(self) -> str:
        return self.kbitem.title


class TicketText(models.Model):
    """A ticket's text segmented for search, kept beside helpdesk's ticket."""

    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.CASCADE, related_name="search_text"
    )
    title_segmented = models.TextField(default="")
    body_segmented = models.TextField(default="")
    search_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("ticket search text")
        verbose_name_plural = _("ticket search texts")

    def __str__(self):
        return f"#{self.ticket_id}"


class Corpus(models.TextChoices):
    FAQ = "faq", _("published FAQs")
    TICKET = "ticket", _("tickets")


class TermStatistics(models.Model):
    """What BM25 needs about a whole collection besides its words' document
    frequencies: computed off the request path (kb.services), read by searches."""

    corpus = models.CharField(max_length=10, choices=Corpus.choices, primary_key=True)
    documents = models.PositiveIntegerField()
    # Average words per document in the first field (question, title) and the
    # second (answer, body), as kb.ranking computes them.
    average_first = models.FloatField()
    average_second = models.FloatField()
    refreshed_at = models.DateTimeField()
    # How long the refresh took, for operators judging the beat's period.
    seconds = models.FloatField()

    class Meta:
        verbose_name = _("term statistics")
        verbose_name_plural = _("term statistics")

    def __str__(self):
        return f"{self.corpus}: {self.documents}"


class TermFrequency(models.Model):
    """In how many documents of a collection a word occurs: one row per word,
    so that a search reads only its own few words."""

    # Longer words are not kept (a btree entry has a size limit); no query
    # word is that long.
    MAX_LENGTH = 200

    corpus = models.CharField(max_length=10, choices=Corpus.choices)
    term = models.CharField(max_length=MAX_LENGTH)
    documents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["corpus", "term"], name="kb_termfrequency_unique")
        ]

    def __str__(self):
        return f"{self.corpus} {self.term}: {self.documents}"


class IndexPending(models.Model):
    """A change that has not reached Elasticsearch yet (it was down, or the
    task has not run); the catch-up task sends these and deletes them."""

    kind = models.CharField(max_length=10)  # "faq" or "ticket"
    object_id = models.BigIntegerField()
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="kb_indexpending_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class Feedback(models.Model):
    """ "Helpful / not helpful" on an FAQ page, for the reports."""

    faq = models.ForeignKey(Faq, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    session_key = models.CharField(max_length=40, blank=True)
    helpful = models.BooleanField(_("helpful"))
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("FAQ vote")
        verbose_name_plural = _("FAQ votes")

    def __str__(self):
        return f"{self.faq_id} {self.helpful}"


class Deflection(models.Model):
    """A ticket not filed because a suggested FAQ solved it."""

    faq = models.ForeignKey(Faq, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    subsystem = models.ForeignKey(Subsystem, null=True, blank=True, on_delete=models.SET_NULL)
    query = models.CharField(_("what was typed"), max_length=300, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("deflected ticket")
        verbose_name_plural = _("deflected tickets")

    def __str__(self):
        return f"{self.faq_id} {self.query}"


class SearchMiss(models.Model):
    """A search that found nothing: a gap in the knowledge base. Misses with
    the same normalised text (kb.gap_text) are one gap on the 知识缺口 list
    until an operator dismisses it or starts an FAQ draft from it."""

    class Where(models.TextChoices):
        SEARCH_PAGE = "page", _("Search page")
        FILING_FORM = "filing", _("Filing form")
        COMMAND = "command", _("Command")

    query = models.CharField(_("query"), max_length=300)
    normalised = models.CharField(_("normalised query"), max_length=300, default="", blank=True)
    where = models.CharField(_("where"), max_length=10, choices=Where.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(_("time"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_search_misses",
    )
    # The draft started from this gap (none when it was dismissed).
    faq = models.ForeignKey(
        Faq, null=True, blank=True, on_delete=models.SET_NULL, related_name="search_misses"
    )

    class Meta:
        verbose_name = _("search without result")
        verbose_name_plural = _("searches without result")
        indexes = [
            models.Index(
                fields=["normalised"],
                condition=models.Q(handled_at__isnull=True),
                name="kb_searchmiss_open_gaps",
            )
        ]

    def __str__(self):
        return self.query


class CandidateState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class FaqCandidate(models.Model):
    """A group of similar resolved tickets without an FAQ: a proposed FAQ."""

    title = models.CharField(_("title"), max_length=200)
    tickets = models.ManyToManyField(Ticket, related_name="faq_candidates")
    size = models.PositiveIntegerField(_("tickets solved"))
    first_resolved = models.DateTimeField(null=True)
    last_resolved = models.DateTimeField(null=True)
    subsystem = models.ForeignKey(Subsystem, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(
        max_length=10, choices=CandidateState.choices, default=CandidateState.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    faq = models.ForeignKey(Faq, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "-last_resolved"]
        verbose_name = _("FAQ candidate")
        verbose_name_plural = _("FAQ candidates")

    def __str__(self):
        return self.title


class DraftOrigin(models.Model):
    """What a draft from tickets was made of, for its reviewer: the ticket
    its question and its answer came from, the group's other resolutions
    and every piece of personal data taken out (kind, what, where). Kept
    beside the FAQ rather than on it, so that the FAQ's history copies do
    not hold the removed personal data again."""

    faq = models.OneToOneField(
        Faq, primary_key=True, on_delete=models.CASCADE, related_name="origin"
    )
    question_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"ticket": id, "text": cleaned and scrubbed resolution}], most central first.
    alternatives = models.JSONField(default=list)
    # [{"place": "question"|"answer"|"alternative", "ticket": id, "kind": …,
    #   "removed": original text, "context": the clean text around its marker}]
    removals = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft origin")
        verbose_name_plural = _("draft origins")

    def __str__(self):
        return f"{self.faq_id}"
