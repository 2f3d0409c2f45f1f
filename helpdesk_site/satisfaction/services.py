"""Every change to ratings and 差评 follow-ups goes through a function here."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from helpdesk_site.notices import reporter as notices_for_reporter
from helpdesk_site.notices import services as notices
from helpdesk_site.notices.models import Kind
from helpdesk_site.satisfaction import selectors
from helpdesk_site.satisfaction.models import BadRatingFollowUp, FollowUpState, Rating
from helpdesk_site.satisfaction.workdays import add_working_days
from helpdesk_site.tickets.models import TicketDetails
from sla.models import HandlingLogEntry, LogKind
from sla.selectors import Calendars

RATEABLE_STATUSES = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
CHANGE_WINDOW = dt.timedelta(days=7)
FOLLOW_UP_WORKING_DAYS = 15
# The ladder of a follow-up clock, as shares of its 15 working days: a reminder
# to the county supervisor at 80 %, the prefecture's supervisors at 100 %.
REMINDER_PERCENT = 80
OVERDUE_PERCENT = 100


def can_rate(user, ticket) -> bool:
    """Only the reporter who filed the ticket rates it, once it is resolved."""
    details = TicketDetails.objects.filter(ticket=ticket).only("reporter_id").first()
    return (
        details is not None
        and details.reporter_id == user.pk
        and ticket.status in RATEABLE_STATUSES
    )


@transaction.atomic
def rate_ticket(ticket, user, *, score: int, comment: str = "", now=None) -> Rating:
    """Record or change (within 7 days of the first rating) a reporter's
    rating; a 差评 opens the county supervisor's follow-up."""
    now = now or timezone.now()
    if not can_rate(user, ticket):
        raise PermissionDenied(_("Only the reporter can rate a resolved ticket."))
    rating = Rating.objects.select_for_update().filter(ticket=ticket).first()
    if rating is None:
        rating = Rating(ticket=ticket, rated_by=user, rated_at=now)
    elif now - rating.rated_at > CHANGE_WINDOW:
        raise ValidationError(_("A rating can only be changed within 7 days."))
    rating.score, rating.comment, rating.changed_at = score, comment.strip(), now
    rating.full_clean(exclude=["ticket", "rated_by"])
    rating.save()
    if rating.is_bad and not BadRatingFollowUp.objects.filter(rating=rating).exists():
        open_follow_up(rating, now=now)
    return rating


def open_follow_up(rating: Rating, *, now) -> BadRatingFollowUp:
    """A 差评's task, due at the end of the 15th working day on the default
    SLA calendar; a changed rating leaves the task open, since the bad
    experience happened and must still be answered."""
    calendar = Calendars().get(None)
    due = add_working_days(now, FOLLOW_UP_WORKING_DAYS, calendar)
    region = rating.ticket.details.region_id
    task = BadRatingFollowUp.objects.create(
        rating=rating,
        ticket=rating.ticket,
        county_code=region[:6],
        opened_at=now,
        due_at=due,
        next_escalation_at=_share_instant(now, due, REMINDER_PERCENT),
    )
    _notify(
        selectors.county_supervisors(task.county_code),
        task,
        _("Ticket #%(id)s was rated %(score)s: follow up with the reporter by %(due)s.")
        % {
            "id": task.ticket_id,
            "score": rating.get_score_display(),
            "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
        },
        now,
    )
    notices_for_reporter.bad_rating_progress(task, "opened")
    return task


def _share_instant(opened, due, percent) -> dt.datetime:
    # Working days are whole days, so a share of the wall-clock span lands on
    # the right day closely enough for a reminder; the deadline itself is exact.
    return opened + (due - opened) * percent / 100


# step: (time field, text field, state after, the step's log kind, the step before)
STEPS = {
    "verify": (
        "verified_at",
        "verification",
        FollowUpState.VERIFIED,
        LogKind.RATING_VERIFIED,
        None,
    ),
    "call_back": (
        "called_back_at",
        "call_notes",
        FollowUpState.CALLED_BACK,
        LogKind.RATING_CALLED_BACK,
        "verified_at",
    ),
    "rectify": (
        "rectified_at",
        "rectification",
        FollowUpState.RECTIFIED,
        LogKind.RATING_RECTIFIED,
        "called_back_at",
    ),
}


@transaction.atomic
def record_follow_up(task: BadRatingFollowUp, user, *, step: str, text: str, now=None):
    """Record one step of 回访整改: verify, call back, rectify, in that order."""
    if not selectors.can_handle(user, task):
        raise PermissionDenied(_("Only a supervisor of the ticket's region handles this."))
    if step not in STEPS:
        raise ValidationError(_("Unknown step."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Say what was found or done."))
    at_field, text_field, state, kind, needs = STEPS[step]
    task = BadRatingFollowUp.objects.select_for_update().get(pk=task.pk)
    if getattr(task, at_field) is not None:
        raise ValidationError(_("This step is already recorded."))
    if needs and getattr(task, needs) is None:
        raise ValidationError(_("Record the earlier steps first."))
    now = now or timezone.now()
    setattr(task, at_field, now)
    setattr(task, text_field, text)
    task.state, task.handled_by = state, user
    if state == FollowUpState.RECTIFIED:
        task.next_escalation_at = None
    task.save()
    HandlingLogEntry.objects.create(
        ticket_id=task.ticket_id,
        kind=kind,
        actor=user,
        at=now,
        text=text,
        data={"bad_rating_follow_up": task.pk, "step": step},
    )
    notices_for_reporter.bad_rating_progress(task, step, text)
    return task


def sweep(now=None) -> int:
    """Fire due reminders and overdue escalations of 差评 follow-ups; each
    fires once, since the task's next instant moves past it in the same
    transaction that fires it."""
    now = now or timezone.now()
    fired = 0
    with transaction.atomic():
        tasks = list(
            BadRatingFollowUp.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_escalation_at__lte=now, rectified_at__isnull=True)
            .select_related("rating")
        )
        for task in tasks:
            if task.level_percent < REMINDER_PERCENT:
                task.level_percent = REMINDER_PERCENT
                task.next_escalation_at = task.due_at
                recipients = selectors.county_supervisors(task.county_code)
                kind = LogKind.RATING_REMINDED
                message = _("The 差评 follow-up of ticket #%(id)s is due on %(due)s.")
            else:
                task.level_percent = OVERDUE_PERCENT
                task.breached_at = task.due_at
                task.next_escalation_at = None
                recipients = selectors.prefecture_supervisors()
                kind = LogKind.RATING_OVERDUE
                message = _("The 差评 follow-up of ticket #%(id)s is overdue since %(due)s.")
            message %= {
                "id": task.ticket_id,
                "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M"),
            }
            task.save(update_fields=["level_percent", "next_escalation_at", "breached_at"])
            HandlingLogEntry.objects.create(
                ticket_id=task.ticket_id,
                kind=kind,
                at=now,
                text=message,
                data={"bad_rating_follow_up": task.pk, "percent": task.level_percent},
            )
            _notify(recipients, task, message, now)
            fired += 1
    return fired


def _notify(recipients, task, message, now) -> None:
    """In-app notices to the supervisors, with their e-mails through the outbox."""
    notices.notify(recipients, ticket=task.ticket_id, kind=Kind.BAD_RATING, message=message, at=now)
