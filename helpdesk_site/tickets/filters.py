import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from helpdesk.models import Ticket

from helpdesk_site.tickets.models import Category, Subsystem
from helpdesk_site.tickets.widgets import apply_bootstrap
from kb import search as kb_search
from kb.search.lookup import MAX_TICKET_ID


class TicketFilter(django_filters.FilterSet):
    """The filters of the ticket list, shared by the portal and the API."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Ticket.STATUS_CHOICES, empty_label=_("All")
    )
    subsystem = django_filters.ModelChoiceFilter(
        label=_("Subsystem"),
        field_name="details__subsystem",
        queryset=Subsystem.objects.all(),
        to_field_name="code",
        empty_label=_("All"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="details__category",
        choices=Category.choices,
        empty_label=_("All"),
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Ticket.PRIORITY_CHOICES, empty_label=_("All")
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "subsystem", "category", "priority"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_bootstrap(self.form)

    def search(self, queryset, name, value):
        """The title as typed, the ticket number, or every word (the
        knowledge base's search engine: segmented, with synonyms) in the
        title or text. `queryset` is already the user's scope."""
        value = kb_search.clean(value).strip()
        condition = Q(title__icontains=value)
        # isdecimal, not isdigit: int() refuses digits such as "²".
        if value.isdecimal() and int(value) <= MAX_TICKET_ID:
            condition |= Q(pk=int(value))
        words = kb_search.tickets_with_every_word(value)
        if words is not None:
            condition |= Q(pk__in=words)
        return queryset.filter(condition)
