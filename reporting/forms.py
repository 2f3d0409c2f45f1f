import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department, Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Category, Subsystem
from reporting.models import PeriodKind, ReportFormat
from reporting.periods import FuturePeriod, Period, as_of, containing
from reporting.selectors import Filters


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, initial="month")
    date = forms.DateField(
        label=_("Any day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    # Set by the links of a comparison: the previous period over the same span.
    until = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, root: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = root
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=root.subtree_prefix, level__in=["prefecture", "county"]
        ).order_by("code")
        self.fields["region"].empty_label = root.name
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )

    def period(self):
        today = timezone.localdate()
        day = self.cleaned_data.get("date") or today
        if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        period = containing(self.cleaned_data["kind"], day)
        until = self.cleaned_data.get("until")
        if until is not None:
            if not period.start < until <= period.end:
                raise forms.ValidationError(_("The end of the span is outside the period."))
            period = Period(period.kind, period.start, period.end, until)
        try:
            return as_of(period, today)
        except FuturePeriod:
            raise forms.ValidationError(
                _("This period has not begun yet: there is nothing to report.")
            ) from None

    def clean(self):
        data = super().clean()
        if "kind" in data:
            try:
                data["period"] = self.period()
            except forms.ValidationError as error:
                self.add_error("date", error)
        data["report_region"] = data.get("region") or self.root
        return data


class DashboardForm(PeriodForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    subsystem = forms.ModelChoiceField(
        label=_("Subsystem"), queryset=Subsystem.objects.all(), to_field_name="code", required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *Category.choices], required=False
    )
    operator = forms.ModelChoiceField(
        label=_("Operator"), queryset=User.objects.filter(role=Role.OPERATOR), required=False
    )

    def __init__(self, *args, root: Region, **kwargs):
        super().__init__(*args, root=root, **kwargs)
        # A department's name reads its region's: one query for all of them.
        self.fields["department"].queryset = Department.objects.filter(
            region__code__startswith=root.subtree_prefix
        ).select_related("region")

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            period=data["period"],
            region=data["report_region"],
            department_id=data["department"].pk if data.get("department") else None,
            subsystem=data["subsystem"].code if data.get("subsystem") else None,
            category=data.get("category") or None,
            operator_id=data["operator"].pk if data.get("operator") else None,
        )


class GenerateForm(PeriodForm):
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
