"""Start SLA clocks for open tickets that have none (e.g. demo data seeded in bulk).

manage.py sla_start_clocks
"""

from django.core.management.base import BaseCommand
from helpdesk.models import Ticket

from sla import services


class Command(BaseCommand):
    help = "Start SLA clocks, as if just filed, for open tickets that have none."

    def handle(self, *args, **options):
        tickets = Ticket.objects.filter(
            status__in=(Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS),
            details__isnull=False,
            sla_clocks__isnull=True,
        ).order_by("id")
        started = sum(1 for ticket in tickets.iterator() if services.start_clocks(ticket))
        self.stdout.write(f"clocks started for {started} tickets")
