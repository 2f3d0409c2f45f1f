from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk_site.people.models import Department, Role, User
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets.models import Subsystem
from training.models import MIN_ROUNDS, Form


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        widget.attrs.setdefault(
            "class",
            "form-select form-select-sm"
            if isinstance(widget, forms.Select | forms.SelectMultiple)
            else "form-control form-control-sm",
        )


LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    min_rounds = forms.IntegerField(
        label=_("Rounds at least"), min_value=MIN_ROUNDS, max_value=52, initial=MIN_ROUNDS
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    outline = forms.CharField(
        label=_("Outline"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    subsystems = forms.ModelMultipleChoiceField(
        label=_("Subsystems covered"),
        queryset=Subsystem.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LOCAL_DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LOCAL_DATETIME)
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    meeting_link = forms.URLField(
        label=_("Meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    recording_link = forms.URLField(
        label=_("Recording link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Added after the session, for those who missed it."),
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers (operators)"),
        queryset=User.objects.filter(role=Role.OPERATOR, is_active=True).order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outside_trainers = forms.CharField(
        label=_("Outside trainers"),
        max_length=300,
        required=False,
        help_text=_("Names of trainers from outside the desk, separated by commas."),
    )
    audience_levels = forms.MultipleChoiceField(
        label=_("Audience: region levels"),
        choices=Region.Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Townships and villages are trained online."),
    )
    audience_departments = forms.ModelMultipleChoiceField(
        label=_("Audience: departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    cancelled = forms.BooleanField(label=_("Cancelled"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_departments"].queryset = departments.select_related("region")
        _styled(self)


class InviteForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    levels = forms.MultipleChoiceField(
        label=_("Region levels"),
        choices=Region.Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments.select_related("region")
        _styled(self)


class CorrectionForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.TypedChoiceField(
        label=_("Attendance"),
        choices=[("1", _("Present")), ("0", _("Absent"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
    subsystems = forms.ModelMultipleChoiceField(
        label=_("Subsystems"),
        queryset=Subsystem.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"))
    platform_change = forms.CharField(
        label=_("Platform change that made it necessary"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class FaqsForm(forms.Form):
    faqs = forms.ModelMultipleChoiceField(
        label=_("FAQs"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, faqs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["faqs"].queryset = faqs
        _styled(self)


class NeedsForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end comes before the start."))
        return data
