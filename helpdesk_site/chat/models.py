from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket


class ChatMessage(models.Model):
    """One message in a ticket's chat (在线沟通).

    The id is the resume cursor: messages of one ticket are written while its
    row is locked, so within a ticket ids are handed out in commit order and
    "everything after id N" never skips one that commits later. `prev_id`
    names the message before it in the same ticket, so a client that is
    handed a message live can tell whether it has missed one.
    """

    # Both are looked up through the composite indexes below, which lead with
    # them: a line is written to every index of its table.
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="chat_messages",
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="chat_messages",
        db_index=False,
    )
    body = models.TextField(_("message"), blank=True)
    body_html = models.TextField(_("message as sanitized HTML"), blank=True)
    # The message's place in the ticket's history; its image hangs off it, so
    # downloads go through the same scope check as any ticket attachment.
    followup = models.OneToOneField(
        FollowUp,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_message",
    )
    image = models.OneToOneField(
        FollowUpAttachment,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_message",
    )
    created = models.DateTimeField(_("sent"), default=timezone.now)
    # Filled in by the INSERT itself (a subquery in services.post_message, run
    # under the ticket's row lock), and read back with RETURNING, which Django
    # does for fields with a database default: no extra round trip. 0: the
    # ticket's first message.
    prev_id = models.BigIntegerField(_("previous message in the ticket"), db_default=0)
    # The sender's token for this message: a repeat with the same token (a
    # retry, a double click) gets this message back instead of a second one.
    client_id = models.CharField(_("client token"), max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        indexes = [
            models.Index(fields=["ticket", "id"], name="chat_message_ticket_id"),
            # The budget of lines counts an author's recent ones (chat.storing).
            models.Index(fields=["author", "created"], name="chat_message_author_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "author", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="chat_message_client_id_unique",
            )
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.author_id}: {self.body[:40]}"


class ReadMark(models.Model):
    """How far one person has read one ticket's chat (已读回执)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="chat_read_marks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="chat_read_marks",
    )
    last_read_id = models.BigIntegerField(_("last message read"), default=0)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="chat_read_mark_unique")
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.user_id} ≤ {self.last_read_id}"
