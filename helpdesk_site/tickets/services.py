"""Every change to a ticket made by the site goes through one function here.

Views, the API and commands call these; each checks the scope rules itself,
so a caller cannot forget.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, FollowUpAttachment, Queue, Ticket
from helpdesk.update_ticket import update_ticket

from helpdesk_site.people.models import Department
from helpdesk_site.tickets import notifications, scope
from helpdesk_site.tickets.models import Category, Subsystem, TicketDetails
from helpdesk_site.tickets.signals import ticket_filed, ticket_updated
from helpdesk_site.tickets.subsystems import DEFAULT_SUBSYSTEMS
from helpdesk_site.tickets.uploads import CheckedUpload

CLOSABLE_STATUSES = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS, Ticket.RESOLVED_STATUS)
REOPENABLE_STATUSES = (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)


def ensure_subsystems() -> int:
    """Create the shipped subsystems, each with its helpdesk queue, if missing."""
    created = 0
    for position, default in enumerate(DEFAULT_SUBSYSTEMS):
        if Subsystem.objects.filter(code=default.code).exists():
            continue
        queue, _unused = Queue.objects.get_or_create(
            slug=default.code.replace("_", "-"),
            defaults={"title": default.name, "allow_public_submission": False},
        )
        Subsystem.objects.create(
            code=default.code,
            name=default.name,
            name_en=default.name_en,
            description=default.description,
            queue=queue,
            position=position,
        )
        created += 1
    return created


def ensure_subsystems_after_migrate(**kwargs):
    ensure_subsystems()


def grant_subsystems(operator, subsystems) -> None:
    """Let an operator work the queues of these subsystems (helpdesk's
    per-queue permission, which the scope module reads too)."""
    codenames = [s.queue.permission_name.split(".", 1)[1] for s in subsystems]
    operator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="helpdesk", codename__in=codenames)
    )


def _attach(followup: FollowUp, uploads: list[CheckedUpload]) -> None:
    for upload in uploads:
        FollowUpAttachment.objects.create(
            followup=followup,
            file=upload.file,
            filename=upload.file.name,
            mime_type=upload.content_type,
            size=upload.file.size,
        )


@transaction.atomic
def file_ticket(
    *,
    reporter,
    subsystem: Subsystem,
    category: str,
    priority: int,
    title: str,
    description: str,
    contact_phone: str = "",
    attachments: list[CheckedUpload] = (),
    follows: Ticket | None = None,
    department: Department | None = None,
) -> Ticket:
    """File a ticket for the reporter's department (提交工单). An after-sales
    ticket (售后服务) follows an earlier ticket the reporter may see. An
    operator, who belongs to no department, files for the `department` whose
    platform they found a fault of (an inspection's finding)."""
    if department is not None and not scope.works_tickets(reporter):
        raise PermissionDenied(_("Only operators file tickets for another department."))
    if department is None and reporter.department_id is None:
        raise PermissionDenied(_("Only members of a department can file tickets."))
    if category != Category.AFTER_SALES:
        follows = None
    elif follows is None or not scope.can_view_ticket(reporter, follows.pk):
        raise ValidationError(_("Choose the ticket this after-sales request follows."))
    department = department or reporter.department
    ticket = Ticket.objects.create(
        title=title,
        queue=subsystem.queue,
        submitter_email=reporter.email or "",
        status=Ticket.OPEN_STATUS,
        priority=priority,
        description=description,
        created=timezone.now(),
    )
    TicketDetails.objects.create(
        ticket=ticket,
        reporter=reporter,
        department=department,
        region_id=department.region_id,
        subsystem=subsystem,
        category=category,
        contact_phone=contact_phone,
        follows=follows,
    )
    followup = FollowUp.objects.create(
        ticket=ticket,
        title=_("Ticket opened"),
        comment=description,
        public=True,
        user=reporter,
    )
    _attach(followup, list(attachments))
    # In the filing's transaction: the SLA clocks and the "filed" log line are
    # made by receivers, and e-mail waits in the outbox, so a failure anywhere
    # files nothing, and nothing depends on a hook after the commit.
    notifications.queue_ticket_filed(ticket)
    ticket_filed.send(sender=Ticket, ticket=ticket, user=reporter)
    return ticket


def _record(ticket: Ticket, user, title: str, comment: str, new_status=None) -> FollowUp:
    old_status = ticket.status
    followup = FollowUp.objects.create(
        ticket=ticket,
        title=title,
        comment=comment,
        public=True,
        user=user,
        new_status=new_status,
    )
    if new_status is not None and new_status != old_status:
        old_label = ticket.get_status_display()
        ticket.status = new_status
        ticket.save(update_fields=["status", "modified"])
        followup.ticketchange_set.create(
            field=_("Status"), old_value=old_label, new_value=ticket.get_status_display()
        )
    ticket_updated.send(
        sender=Ticket, ticket=ticket, followup=followup, user=user, old_status=old_status
    )
    return followup


@transaction.atomic
def add_comment(
    *, user, ticket: Ticket, comment: str, attachments: list[CheckedUpload] = ()
) -> FollowUp:
    """Add a public comment, with files, to a ticket (回复)."""
    if not scope.can_comment(user, ticket):
        raise PermissionDenied(_("You cannot comment on this ticket."))
    followup = _record(ticket, user, _("Comment"), comment)
    _attach(followup, list(attachments))
    return followup


@transaction.atomic
def close_ticket(*, user, ticket: Ticket, comment: str = "") -> FollowUp:
    """Close a ticket (关闭工单): the reporter confirms it is done."""
    if not scope.can_close_or_reopen(user, ticket):
        raise PermissionDenied(_("You cannot close this ticket."))
    if ticket.status not in CLOSABLE_STATUSES:
        raise PermissionDenied(_("This ticket is already closed."))
    return _record(ticket, user, _("Closed"), comment, new_status=Ticket.CLOSED_STATUS)


@transaction.atomic
def reopen_ticket(*, user, ticket: Ticket, comment: str = "") -> FollowUp:
    """Reopen a resolved or closed ticket (重新打开)."""
    if not scope.can_close_or_reopen(user, ticket):
        raise PermissionDenied(_("You cannot reopen this ticket."))
    if ticket.status not in REOPENABLE_STATUSES:
        raise PermissionDenied(_("Only resolved or closed tickets can be reopened."))
    return _record(ticket, user, _("Reopened"), comment, new_status=Ticket.REOPENED_STATUS)


@transaction.atomic
def reclassify(*, user, ticket: Ticket, category: str, priority: int) -> bool:
    """Change a ticket's category and priority (改类别/优先级); the SLA clocks
    re-target from the saves. Returns whether anything changed."""
    if not (scope.works_tickets(user) and scope.can_view_ticket(user, ticket.pk)):
        raise PermissionDenied(_("Only operators change a ticket's category or priority."))
    details = TicketDetails.objects.select_for_update().get(ticket=ticket)
    comment = ""
    if details.category != category:
        old = details.get_category_display()
        details.category = category
        details.save(update_fields=["category"])
        comment = _("Category changed from %(old)s to %(new)s.") % {
            "old": old,
            "new": details.get_category_display(),
        }
    if not comment and priority == ticket.priority:
        return False
    update_ticket(user, ticket, comment=comment, public=False, priority=priority)
    return True


@transaction.atomic
def assign_tickets(*, user, tickets, assignee) -> list[Ticket]:
    """Take (assignee is the user) or assign several tickets at once; each
    must be one the user works and the assignee may be given. Returns the
    tickets whose assignee changed."""
    if not scope.works_tickets(user):
        raise PermissionDenied(_("Only operators assign tickets."))
    tickets = list(tickets)
    visible = set(
        scope.visible_tickets(user)
        .filter(pk__in=[t.pk for t in tickets])
        .values_list("pk", flat=True)
    )
    if len(visible) != len(tickets):
        raise PermissionDenied(_("Some of these tickets are not yours to assign."))
    refused = [t.pk for t in tickets if not scope.may_be_assigned(assignee, t)]
    if refused:
        raise PermissionDenied(
            _("%(name)s cannot work ticket(s) %(ids)s.")
            % {"name": assignee.display_name(), "ids": "、".join(f"#{pk}" for pk in refused)}
        )
    changed = [t for t in tickets if t.assigned_to_id != assignee.pk]
    for ticket in changed:
        update_ticket(user, ticket, owner=assignee.pk)
    return changed
