import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from residency.models import Source
from residency.services import NOTE_MAX

DEFAULT_DAYS = 30


class AssessmentForm(forms.Form):
    """The assessor's part of an assessment: the dates, the figures' period,
    a score for each item the template leaves to them, a note. The data
    items are read from the desk when the assessment is recorded."""

    assessed_on = forms.DateField(
        label=_("Assessment date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_from = forms.DateField(
        label=_("Figures from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label=_("Figures to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Assessor's note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    replaces = forms.ModelChoiceField(
        label=_("Replaces (a failed engineer)"),
        required=False,
        queryset=None,
        empty_label=_("— none —"),
    )

    def __init__(self, *args, template, engineers, today: dt.date, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "assessed_on": today,
                "period_from": today - dt.timedelta(days=DEFAULT_DAYS - 1),
                "period_to": today,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = engineers
        self.manual_items = [i for i in template.items.all() if i.source == Source.MANUAL]
        self.data_items = [i for i in template.items.all() if i.source != Source.MANUAL]
        for item in self.manual_items:
            self.fields[self.score_field(item)] = forms.DecimalField(
                label=item.name,
                min_value=0,
                max_value=100,
                decimal_places=1,
                max_digits=4,
                help_text=_("0–100, weight %(w)d") % {"w": item.weight},
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select" if isinstance(field.widget, forms.Select) else "form-control",
            )

    @staticmethod
    def score_field(item) -> str:
        return f"score_{item.pk}"

    def score_fields(self):
        return [self[self.score_field(item)] for item in self.manual_items]

    def manual_scores(self) -> dict:
        return {item.pk: self.cleaned_data[self.score_field(item)] for item in self.manual_items}
