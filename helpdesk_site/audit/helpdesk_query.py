"""django-helpdesk's ticket-list query (HELPDESK_QUERY_CLASS), less withdrawn
tickets, so its staff list and timeline follow the scope module's rule; its
rows name the filer and the assignee as people read them."""

from django.utils.translation import gettext
from helpdesk.models import Ticket
from helpdesk.query import __Query__ as HelpdeskQuery

from helpdesk_site.tickets import scope
from helpdesk_site.tickets.models import TicketDetails


class WithoutWithdrawn(HelpdeskQuery):
    def get(self):
        return self.__run__(Ticket.objects.select_related().filter(scope.not_withdrawn_q()))

    def get_datatables_context(self, **kwargs):
        context = super().get_datatables_context(**kwargs)
        rows = context["data"]
        filers = {
            details.ticket_id: details.reporter.display_name()
            for details in TicketDetails.objects.filter(
                ticket_id__in=[row["id"] for row in rows]
            ).select_related("reporter")
        }
        for row in rows:
            # helpdesk shows the filer's e-mail address and "None" for nobody.
            row["submitter"] = filers.get(row["id"], row["submitter"])
            if row["assigned_to"] == "None":
                row["assigned_to"] = gettext("Unassigned")
        return context


def query_class():
    return WithoutWithdrawn
