import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department
from helpdesk_site.tickets.models import Subsystem
from indicators import periods
from indicators.models import Indicator
from rectification import rules as ledger_rules

WIDGET_CLASSES = {forms.Select: "form-select", forms.CheckboxInput: "form-check-input"}


def _style(form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault(
            "class", WIDGET_CLASSES.get(type(field.widget), "form-control")
        )


def period_choices(today: dt.date, kinds=tuple(periods.Kind)) -> list[tuple[str, str]]:
    """The periods one may choose: this and last year's months, quarters and
    years that have begun, newest first."""
    choices = []
    for kind in kinds:
        last = periods.containing(kind, today)
        count = {periods.Kind.MONTH: 24, periods.Kind.QUARTER: 8, periods.Kind.YEAR: 3}[kind]
        choices.extend((p.slug, p.title) for p in reversed(periods.series(last, count)))
    return choices


class PeriodField(forms.ChoiceField):
    def clean(self, value):
        slug = super().clean(value)
        try:
            return periods.parse(slug)
        except ValueError:
            raise forms.ValidationError(_("Choose a period from the list.")) from None


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "parent", "weight", "full_marks", "target", "subsystem", "order"]
        help_texts = {
            "code": _("Letters, digits and hyphens, e.g. A1; unique within the year."),
            "weight": _("Within its parent (level two) or within the total (level one)."),
            "target": _("The province's target for the prefecture, if any."),
            "subsystem": _("Tickets of this subsystem may explain a low score."),
        }

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.year = year
        parents = Indicator.objects.filter(year=year, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("— none (level one) —")
        self.fields["subsystem"].queryset = Subsystem.objects.filter(is_active=True)
        _style(self)

    def validate_unique(self):
        """The service checks the year's codes and names, in Chinese."""


class CopyTreeForm(forms.Form):
    from_year = forms.IntegerField(label=_("Copy from"), min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ImportForm(forms.Form):
    period = PeriodField(label=_("Assessment period"))
    file = forms.FileField(label=_("The province's score sheet (.xlsx)"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(today)
        _style(self)


class HandEntryForm(forms.Form):
    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[indicator.code] = forms.DecimalField(
                label=indicator.name
                if indicator.parent_id is None
                else f"{indicator.parent.name} · {indicator.name}",
                min_value=Decimal(0),
                max_value=indicator.full_marks,
                max_digits=7,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
        _style(self)


class FindingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    problem = forms.CharField(
        label=_("Problem (问题)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    approach = forms.CharField(
        label=_("Approach (解决思路)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RectifyForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none()
    )
    measures = forms.CharField(
        label=_("Measures"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    working_days = forms.IntegerField(
        label=_("Working days"),
        min_value=ledger_rules.MIN_WORKING_DAYS,
        max_value=ledger_rules.MAX_WORKING_DAYS,
        initial=ledger_rules.DEFAULT_WORKING_DAYS,
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            region__code__startswith=region.subtree_prefix
        ).order_by("region_id", "name")
        _style(self)
