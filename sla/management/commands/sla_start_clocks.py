"""Give SLA clocks to tickets that have none (e.g. demo data seeded in bulk).

    manage.py sla_start_clocks

Each ticket is timed from its creation, as if its clocks had run all along
(sla.services.start_clocks_after_the_fact): an operator's public reply stops
its first-response clock, a resolved or closed ticket has its clocks stopped
when that happened, so reports count it as resolved, and escalations that
came due in the past are recorded as history rather than sent now.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone
from helpdesk.models import Ticket

from sla import services


class Command(BaseCommand):
    help = "Start SLA clocks, timed from creation, for tickets that have none."

    def handle(self, *args, **options):
        now = timezone.now()
        tickets = Ticket.objects.filter(details__isnull=False, sla_clocks__isnull=True).order_by(
            "id"
        )
        started = stopped = 0
        for ticket in tickets.iterator():
            if services.start_clocks_after_the_fact(ticket, now):
                started += 1
                stopped += ticket.status in services.STOPPED_STATUSES
        self.stdout.write(
            f"clocks started for {started} tickets ({stopped} of them already resolved or closed)"
        )
