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


class ResumeForm(forms.Form):
    """Why the clocks run again (恢复): on the fault-handling log, as the pause's reason is."""

    RESUMED_BECAUSE = [
        ("reporter", _("The reporter answered")),
        ("third_party", _("The third party has done its part")),
        ("not_waiting", _("No longer waiting")),
    ]
    resumed_because = forms.ChoiceField(
        label=_("Reason for resuming"),
        choices=RESUMED_BECAUSE,
        widget=forms.Select({"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=150,
        required=False,
        widget=forms.TextInput({"class": "form-control form-control-sm"}),
    )

    def reason(self) -> str:
        label = dict(self.RESUMED_BECAUSE)[self.cleaned_data["resumed_because"]]
        note = self.cleaned_data["note"].strip()
        return f"{label}：{note}" if note else str(label)


class TeamLeadForm(forms.Form):
    """One row of the team-lead list: a subsystem (none: every subsystem
    without its own lead) and its lead (none: nobody)."""

    subsystem = forms.ModelChoiceField(queryset=None, required=False)
    user = forms.ModelChoiceField(queryset=None, required=False, label=_("Team lead"))

    def __init__(self, *args, **kwargs):
        from helpdesk_site.tickets import scope
        from helpdesk_site.tickets.models import Subsystem

        super().__init__(*args, **kwargs)
        self.fields["subsystem"].queryset = Subsystem.objects.all()
        self.fields["user"].queryset = scope.team_lead_candidates()
