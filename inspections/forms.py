from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk_site.tickets import scope as ticket_scope
from helpdesk_site.tickets.models import Subsystem
from helpdesk_site.tickets.uploads import check_upload
from inspections import rules, services
from inspections.models import AnswerKind, Choice, Item, Plan

NUMBER_ERROR = _("Enter a number, e.g. 12 or 3.5.")
# More than any county has cases; the column holds up to about two thousand million.
COUNT_MAX = 1_000_000


def _styled(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "btn-check")
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "name",
            "subsystem",
            "department",
            "operator",
            "frequency",
            "weekday",
            "day_of_month",
            "starts_on",
            "active",
        ]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsystem"].queryset = Subsystem.objects.filter(is_active=True)
        self.fields["department"].queryset = ticket_scope.inspection_departments(
            user
        ).select_related("region")
        self.fields["operator"].queryset = ticket_scope.team_lead_candidates()
        self.fields["operator"].label_from_instance = lambda u: u.display_name()
        self.fields["day_of_month"].widget.attrs.update({"inputmode": "numeric"})
        _styled(self)


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name", "kind", "guidance", "above", "below"]
        error_messages = {
            "above": {"invalid": NUMBER_ERROR},
            "below": {"invalid": NUMBER_ERROR},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("above", "below"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        _styled(self)

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("name"):
            item = Item(
                name=data["name"],
                kind=data.get("kind") or AnswerKind.STATUS,
                above=data.get("above"),
                below=data.get("below"),
            )
            services.check_item(item)
        return data


class BaseItemFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


ItemFormSet = forms.inlineformset_factory(
    Plan,
    Item,
    form=ItemForm,
    formset=BaseItemFormSet,
    extra=2,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


class RunForm(forms.Form):
    """One field (or, for the per-county numbers, one per county) for each
    of the plan's active items, and the run's remarks."""

    note = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, items, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.items, self.counties = items, list(counties)
        for item in items:
            key = self.key(item)
            kind = AnswerKind(item.kind)
            if kind == AnswerKind.STATUS:
                self.fields[key] = forms.ChoiceField(
                    label=item.name,
                    choices=Choice.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Please choose normal or abnormal.")},
                )
            elif kind == AnswerKind.NUMBER:
                self.fields[key] = forms.CharField(
                    label=item.name,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
            elif kind == AnswerKind.TEXT:
                self.fields[key] = forms.CharField(
                    label=item.name,
                    max_length=services.TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            elif kind == AnswerKind.SCREENSHOT:
                self.fields[key] = forms.FileField(
                    label=item.name,
                    widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
                )
            else:
                for county in self.counties:
                    self.fields[self.county_key(item, county)] = forms.IntegerField(
                        label=county.name,
                        min_value=0,
                        max_value=COUNT_MAX,
                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                        error_messages={
                            "invalid": _("Enter a whole number (0 or more)."),
                            "required": _("Enter a number (0 if none)."),
                            "min_value": _("The number cannot be negative."),
                            "max_value": _("The number is too large."),
                        },
                    )
            if kind in rules.FLAGGED_KINDS:
                self.fields[self.flag_key(item)] = forms.BooleanField(
                    label=_("Abnormal: file a ticket"), required=False
                )
        _styled(self)

    @staticmethod
    def key(item) -> str:
        return f"item_{item.pk}"

    @staticmethod
    def flag_key(item) -> str:
        return f"item_{item.pk}_abnormal"

    @staticmethod
    def county_key(item, county) -> str:
        return f"item_{item.pk}_{county.code}"

    def clean(self):
        data = super().clean()
        for item in self.items:
            key = self.key(item)
            if item.kind == AnswerKind.NUMBER and data.get(key) not in (None, ""):
                try:
                    data[key] = rules.parse_number(data[key])
                except ValueError:
                    self.add_error(key, NUMBER_ERROR)
            if item.kind == AnswerKind.SCREENSHOT and data.get(key):
                try:
                    upload = check_upload(data[key])
                except ValidationError as error:
                    self.add_error(key, error)
                    continue
                if not upload.content_type.startswith("image/"):
                    self.add_error(
                        key, _("A screenshot must be an image (PNG, JPEG, GIF or WebP).")
                    )
                else:
                    data[key] = upload
        return data

    def sections(self):
        """The form by item, for the template: (item, fields, flag field)."""
        for item in self.items:
            if item.kind == AnswerKind.COUNTY_NUMBERS:
                fields = [self[self.county_key(item, c)] for c in self.counties]
            else:
                fields = [self[self.key(item)]]
            flag = self[self.flag_key(item)] if item.kind in rules.FLAGGED_KINDS else None
            yield item, fields, flag

    def answers(self) -> dict:
        data = self.cleaned_data
        found = {}
        for item in self.items:
            key = self.key(item)
            given = services.Given(flagged=bool(data.get(self.flag_key(item))))
            if item.kind == AnswerKind.STATUS:
                given.choice = data[key]
            elif item.kind == AnswerKind.NUMBER:
                given.number = data[key]
            elif item.kind == AnswerKind.TEXT:
                given.text = data[key]
            elif item.kind == AnswerKind.SCREENSHOT:
                given.upload = data[key]
            else:
                given.counts = {c.code: data[self.county_key(item, c)] for c in self.counties}
            found[item.pk] = given
        return found
