"""Give SLA clocks to tickets that have none (e.g. demo data seeded in bulk).

    manage.py sla_start_clocks

Each ticket is timed from its creation; an operator's public reply already on
it stops its first-response clock at that reply, and a ticket already
resolved or closed has its clocks stopped when that happened (the follow-up
that resolved it, not a later one that closed it; else its last change), so
reports count it as resolved.
"""

from django.core.management.base import BaseCommand
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from sla import services


def _resolved_at(ticket):
    """When the ticket was resolved: the first resolving or closing follow-up
    since it was last reopened (closing it after a resolution does not move
    the time), else its last change."""
    followups = ticket.followup_set.order_by("date", "id")
    reopened = (
        followups.filter(new_status__in=Ticket.OPEN_STATUSES).values_list("date", flat=True).last()
    )
    stops = followups.filter(new_status__in=services.STOPPED_STATUSES)
    if reopened is not None:
        stops = stops.filter(date__gte=reopened)
    return stops.values_list("date", flat=True).first() or ticket.modified


class Command(BaseCommand):
    help = "Start SLA clocks, timed from creation, for tickets that have none."

    def handle(self, *args, **options):
        tickets = Ticket.objects.filter(details__isnull=False, sla_clocks__isnull=True).order_by(
            "id"
        )
        started = stopped = 0
        for ticket in tickets.iterator():
            if not services.start_clocks(ticket):
                continue
            started += 1
            reply = (
                ticket.followup_set.filter(public=True, user__role__in=(Role.OPERATOR, Role.ADMIN))
                .select_related("user")
                .order_by("date")
                .first()
            )
            if reply is not None:
                services.record_first_response(ticket, reply.user, at=reply.date)
            if ticket.status in services.STOPPED_STATUSES:
                services.sync_ticket(ticket, at=_resolved_at(ticket))
                stopped += 1
        self.stdout.write(
            f"clocks started for {started} tickets ({stopped} of them already resolved or closed)"
        )
