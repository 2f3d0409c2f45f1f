from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department
from rectification import rules
from rectification.models import Dimension
from rectification.services import MEASURES_MAX, NOTE_MAX


def styled(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault(
            "class",
            "form-select form-select-sm"
            if isinstance(field.widget, forms.Select)
            else "form-control form-control-sm",
        )


class WeakSpotForm(forms.Form):
    """Which group of the weak-spot tables, as the dashboard links name it."""

    dimension = forms.ChoiceField(choices=Dimension.choices)
    key = forms.CharField(max_length=40)


class ItemForm(forms.Form):
    finding = forms.CharField(
        label=_("Finding"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none()
    )
    measures = forms.CharField(
        label=_("Measures"), max_length=MEASURES_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    working_days = forms.IntegerField(
        label=_("Deadline (working days)"),
        min_value=rules.MIN_WORKING_DAYS,
        max_value=rules.MAX_WORKING_DAYS,
        initial=rules.DEFAULT_WORKING_DAYS,
        help_text=_("Counted from tomorrow on the working calendar: holidays are skipped."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        styled(self)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("Extend by (working days)"),
        min_value=rules.MIN_WORKING_DAYS,
        max_value=rules.MAX_WORKING_DAYS,
        initial=5,
    )
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
