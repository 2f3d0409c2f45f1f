from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from helpdesk.models import Queue, Ticket

from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region

# A finished ticket needs no more work: its SLA clocks stop, it leaves the
# operators' open lists. An answered one was solved (not a duplicate): the
# knowledge base learns from it.
FINISHED_STATUSES = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS, Ticket.DUPLICATE_STATUS)
ANSWERED_STATUSES = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)


class Category(models.TextChoices):
    """The contract's quality-assurance plan sorts every ticket into one of these."""

    FAULT = "fault", _("Fault handling")
    CONSULTATION = "consultation", _("Consultation")
    SUPPORT = "support", _("Technical support")
    EMERGENCY = "emergency", _("Emergency response")
    # Work after a delivery: a return visit, a problem back after its fix, a
    # complaint about the service; always about the ticket it follows.
    AFTER_SALES = "after_sales", _("After-sales service")
    # Not one of the plan's five parts, kept for improvement requests.
    SUGGESTION = "suggestion", _("Suggestion")


def subsystem_label(name: str, name_en: str = "") -> str:
    """A subsystem's name in the interface's language, for callers that have
    the two names without the model (search hits read them in their query)."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class Subsystem(models.Model):
    """A part of the government-service platform a ticket is about.

    Kept as data so an administrator can rename or add one; each has its own
    helpdesk queue, which is what operators are granted access to.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("what breaks there"), blank=True)
    queue = models.OneToOneField(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="subsystem"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("subsystem")
        verbose_name_plural = _("subsystems")

    def __str__(self):
        return subsystem_label(self.name, self.name_en)


class TicketDetails(models.Model):
    """What the service desk knows about a ticket beyond django-helpdesk's model.

    Department and region are copied from the filer when the ticket is filed,
    so a clerk who later moves department does not take their tickets along.
    """

    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.CASCADE, related_name="details"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        related_name="filed_tickets",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tickets"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="tickets"
    )
    subsystem = models.ForeignKey(
        Subsystem, verbose_name=_("subsystem"), on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # An after-sales ticket (售后服务) names the ticket whose delivery it follows.
    follows = models.ForeignKey(
        Ticket,
        verbose_name=_("follows ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followed_by",
    )
    # The ticket's id in the desk or hotline it was imported from.
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("ticket details")
        verbose_name_plural = _("ticket details")
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~models.Q(external_ref=""),
                name="ticketdetails_external_ref_unique",
            )
        ]
        indexes = [
            models.Index(fields=["department", "category"], name="ticketdetails_dept_cat"),
            models.Index(fields=["subsystem", "category"], name="ticketdetails_subsys_cat"),
            models.Index(fields=["category"], name="ticketdetails_category"),
        ]

    def __str__(self):
        return f"{self.ticket_id}"


class SubmitKey(models.Model):
    """A client's token for one submission and the answer it got.

    The row is inserted in the same transaction as the change it guards, so a
    repeat of the submission waits on the unique index until the first one
    commits and then answers what the first one answered. See idempotency.py.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # What was submitted (a hash), so a key reused for something else is refused.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(default=0)
    location = models.CharField(max_length=500, blank=True)
    body = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submitkey_once_per_user")
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
