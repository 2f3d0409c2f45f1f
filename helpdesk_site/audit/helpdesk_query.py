"""django-helpdesk's ticket-list query (HELPDESK_QUERY_CLASS), less withdrawn
tickets, so its staff list and timeline follow the scope module's rule."""

from helpdesk.models import Ticket
from helpdesk.query import __Query__ as HelpdeskQuery

from helpdesk_site.tickets import scope


class WithoutWithdrawn(HelpdeskQuery):
    def get(self):
        return self.__run__(Ticket.objects.select_related().filter(scope.not_withdrawn_q()))


def query_class():
    return WithoutWithdrawn
