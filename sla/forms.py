from django import forms
from django.utils.translation import gettext_lazy as _


class ResolutionForm(forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2, "class": "form-control form-control-sm"}),
    )
    fix = forms.CharField(
        label=_("Fix"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2, "class": "form-control form-control-sm"}),
    )


class HoldForm(forms.Form):
    WAITING_FOR = [
        ("reporter", _("Waiting on the reporter")),
        ("third_party", _("Waiting on a third party")),
    ]
    waiting_for = forms.ChoiceField(
        label=_("Waiting for"),
        choices=WAITING_FOR,
        widget=forms.Select({"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=150,
        required=False,
        widget=forms.TextInput({"class": "form-control form-control-sm"}),
    )

    def reason(self) -> str:
        label = dict(self.WAITING_FOR)[self.cleaned_data["waiting_for"]]
        note = self.cleaned_data["note"].strip()
        return f"{label}：{note}" if note else str(label)
