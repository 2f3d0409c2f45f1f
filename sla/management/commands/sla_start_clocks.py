"""Start SLA clocks for open tickets that have none (e.g. demo data seeded in bulk).

    manage.py sla_start_clocks

Each ticket is timed from its creation; an operator's public reply already on
it stops its first-response clock at that reply.
"""

from django.core.management.base import BaseCommand
from helpdesk.models import Ticket

from helpdesk_site.people.models import Role
from sla import services


class Command(BaseCommand):
    help = "Start SLA clocks, timed from creation, for open tickets that have none."

    def handle(self, *args, **options):
        tickets = Ticket.objects.filter(
            status__in=(Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS),
            details__isnull=False,
            sla_clocks__isnull=True,
        ).order_by("id")
        started = 0
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
        self.stdout.write(f"clocks started for {started} tickets")
