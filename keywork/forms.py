from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk_site.people.models import Department
from helpdesk_site.regions.models import Region
from keywork.models import Kind, Milestone, Status
from keywork.selectors import DUE_SOON_DAYS
from keywork.services import TEXT_MAX, TITLE_MAX


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.ClearableFileInput):
            field.widget.attrs.setdefault("class", "form-control")
            continue
        field.widget.attrs.setdefault(
            "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # A date input reads only ISO dates, whatever the language's format.
        super().__init__(attrs, format="%Y-%m-%d")


class BoardFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=pgettext_lazy("key work", "Year"), coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("All")),
            ("overdue", _("Overdue")),
            *Status.choices,
        ],
        required=False,
    )
    county = forms.ChoiceField(label=_("County"), required=False)
    q = forms.CharField(label=_("Text"), max_length=100, required=False)

    def __init__(self, *args, years, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]
        choices = self.fields["status"].choices
        due_soon = _("Due within %(n)d days") % {"n": DUE_SOON_DAYS}
        self.fields["status"].choices = [*choices[:2], ("due_soon", due_soon), *choices[2:]]
        self.fields["county"].choices = [("", _("All"))] + [
            (r.code, _("Prefecture level") if r.level == Region.Level.PREFECTURE else r.name)
            for r in regions
        ]
        _styled(self)


class ItemForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("key work", "Title"), max_length=TITLE_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    year = forms.IntegerField(
        label=pgettext_lazy("key work", "Year"), min_value=2000, max_value=2100
    )
    goal = forms.CharField(
        label=_("Goal"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    source_title = forms.CharField(label=_("Source document"), max_length=TITLE_MAX)
    source_number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    source_issuer = forms.CharField(label=_("Issued by"), max_length=120)
    region = forms.ModelChoiceField(label=_("Owner county"), queryset=Region.objects.none())
    department = forms.ModelChoiceField(
        label=_("Owner department"), queryset=Department.objects.none(), required=False
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DateInput,
        help_text=_("For a material submission: the day the material is due."),
    )

    def __init__(self, *args, regions, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: (
            _("Prefecture level") if r.level == Region.Level.PREFECTURE else r.name
        )
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = _("(the county itself)")
        self.fields["year"].initial = timezone.localdate().year
        _styled(self)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=TITLE_MAX)
    deadline = forms.DateField(label=pgettext_lazy("key work", "Deadline"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class MilestoneEditForm(MilestoneForm):
    owner = forms.ModelChoiceField(
        label=pgettext_lazy("key work", "Milestone owner"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Reminded of the deadline; empty: the item's owner."),
    )

    def __init__(self, *args, departments, item_owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = departments
        self.fields["owner"].empty_label = item_owner
        _styled(self)


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Progress"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    milestone = forms.ModelChoiceField(
        label=_("Milestone reached with it"), queryset=Milestone.objects.none(), required=False
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Images, PDF, Word, Excel, ZIP or text; up to 5 files of 10 MB."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = item.milestones.filter(done_at__isnull=True)
        self.fields["milestone"].empty_label = _("(none)")
        _styled(self)


class SubmitForm(forms.Form):
    files = MultipleFileField(
        label=_("Material"), help_text=_("Images, PDF, Word, Excel, ZIP or text; up to 5 files.")
    )
    note = forms.CharField(
        label=pgettext_lazy("key work", "Note"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was achieved"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when milestones are still open: say why the item is done."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
