import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk_site.tickets.models import Subsystem
from quizzes.forms import styled
from quizzes.models import Kind, Question, QuestionState


class QuestionFilter(django_filters.FilterSet):
    """The question bank's filters."""

    subsystem = django_filters.ModelChoiceFilter(
        label=_("Subsystem"), queryset=Subsystem.objects.all(), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Question type"), choices=Kind.choices, empty_label=_("All")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=QuestionState.choices, empty_label=_("All")
    )
    q = django_filters.CharFilter(label=_("Text"), method="search", max_length=100)

    class Meta:
        model = Question
        fields = ["subsystem", "kind", "state", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self.form)

    def search(self, queryset, name, value):
        return queryset.filter(Q(stem__icontains=value) | Q(explanation__icontains=value))
