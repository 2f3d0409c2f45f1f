import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectification.forms import styled
from rectification.models import Dimension, PeriodKind, RectificationItem, Status


class LedgerFilter(django_filters.FilterSet):
    """The ledger's filters; `departments` are those the user may choose."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    dimension = django_filters.ChoiceFilter(
        label=_("Weak spot kind"), choices=Dimension.choices, empty_label=_("All")
    )
    period_kind = django_filters.ChoiceFilter(
        label=_("Period"), choices=PeriodKind.choices, empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Responsible department"), queryset=None, empty_label=_("All")
    )
    q = django_filters.CharFilter(label=_("Text"), method="search", max_length=100)

    class Meta:
        model = RectificationItem
        fields = ["status", "dimension", "period_kind", "department", "q"]

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = departments
        styled(self.form)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(finding__icontains=value)
            | Q(measures__icontains=value)
            | Q(group_name__icontains=value)
        )
