"""Every notice (站内通知) goes out through `notify`: stored for the
recipient's notices page, its e-mail and live push queued in the outbox in
the same transaction, each pointing to the ticket's page in the portal."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk_site.notices import links, selectors
from helpdesk_site.notices.models import Kind, Notice
from helpdesk_site.notices.signals import notices_read
from helpdesk_site.outbox import services as outbox


@transaction.atomic
def notify(
    recipients, *, message: str, kind: str = Kind.OTHER, ticket=None, link: str = "", at=None
):
    """Tell each of these people: one notice each, mailed and pushed. A notice
    about something other than a ticket names its page by `link` (a site path)."""
    at = at or timezone.now()
    ticket_id = getattr(ticket, "pk", ticket)
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    return notify_many(
        [
            Notice(
                recipient=user,
                ticket_id=ticket_id,
                kind=kind,
                message=message,
                link=link,
                created_at=at,
            )
            for user in unique.values()
        ]
    )


@transaction.atomic
def notify_many(notices: list[Notice]) -> list[Notice]:
    """Store notices made by the caller (the SLA sweep makes one per
    escalation), then queue an e-mail each and one live push for all."""
    if not notices:
        return []
    notices = Notice.objects.bulk_create(notices)
    mails = [
        outbox.mail(
            f"notices.mail:{n.pk}",
            subject=_("[Service desk] %(message)s") % {"message": n.message[:80]},
            body=links.mail_body(
                n.message,
                links.absolute(settings.SITE_URL, n.path) if n.path else "",
                open_label=_("Open the ticket: ") if n.ticket_id else _("Open: "),
                footer=_("Sent by the Ganzi government-service platform service desk."),
            ),
            to=[n.recipient.email],
        )
        for n in notices
        if n.recipient.email
    ]
    outbox.enqueue(*mails)
    outbox.enqueue_live(
        outbox.call(
            f"notices.push:{notices[0].pk}",
            push_notices,
            summary=_("Live notices: %(count)d") % {"count": len(notices)},
            notice_ids=[n.pk for n in notices],
        )
    )
    return notices


@outbox.handler
def push_notices(notice_ids: list[int]) -> None:
    """Each recipient's open pages hear of their newest notice and the unread
    count: one event per person however many notices a sweep made them (the
    page shows the newest). Best effort: a page that missed it shows the
    count on its next load."""
    from helpdesk_site.chat import layer

    newest = {}
    for notice in Notice.objects.filter(pk__in=notice_ids).order_by("id"):
        newest[notice.recipient_id] = notice
    unread = selectors.unread_counts(newest)
    layer.publish_many(
        [
            (
                selectors.user_group(recipient_id),
                {
                    "type": "notice.new",
                    "notice": {
                        "id": notice.pk,
                        "message": notice.message,
                        "url": notice.path,
                    },
                    "unread": unread.get(recipient_id, 0),
                },
            )
            for recipient_id, notice in newest.items()
        ]
    )


@transaction.atomic
def mark_read(user, *, notice_id=None, ticket_id=None, at=None) -> int:
    """Mark one notice, one ticket's notices, or (neither given) all of the
    user's notices read; return how many were unread."""
    at = at or timezone.now()
    unread = (
        selectors.notices_for(user).filter(read_at__isnull=True).select_for_update(of=("self",))
    )
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    if ticket_id is not None:
        unread = unread.filter(ticket_id=ticket_id)
    found = list(unread.order_by("id"))
    if not found:
        return 0
    Notice.objects.filter(pk__in=[n.pk for n in found]).update(read_at=at)
    for notice in found:
        notice.read_at = at
    notices_read.send(sender=Notice, notices=found, user=user, at=at)
    return len(found)


def ensure_site(**kwargs) -> None:
    """The Site's domain is the configured public host, so links helpdesk
    builds itself point there too, not to example.com."""
    from django.contrib.sites.models import Site

    domain = links.host_of(settings.SITE_URL)
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SERVICE_DESK_EMAIL_NAME}
    )
