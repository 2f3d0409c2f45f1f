from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from helpdesk.models import Ticket

from helpdesk_site.people.models import User
from helpdesk_site.tickets import scope
from helpdesk_site.tickets.idempotency import SubmitTokenForm
from helpdesk_site.tickets.models import Category, Subsystem
from helpdesk_site.tickets.uploads import check_uploads
from helpdesk_site.tickets.widgets import apply_bootstrap


class FilePicker(forms.ClearableFileInput):
    """Several files in one input, chosen through the site's own label
    (tickets/_file_picker.html): the browser's button reads in the
    browser's language ("Choose Files" on an English Chromium)."""

    allow_multiple_selected = True
    template_name = "tickets/_file_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        context.update(
            picker_name=name,
            picker_id=widget_attrs.get("id") or f"id_{name}",
            picker_multiple=bool(widget_attrs.get("multiple")),
            picker_accept=widget_attrs.get("accept", ""),
        )
        return context


class MultipleFileField(forms.FileField):
    """Several files in one input, as Django's documentation shows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FilePicker())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(d, initial) for d in data if d]
        return [single_clean(data, initial)] if data else []


def reject_surrogates(value):
    """A lone UTF-16 surrogate (only JSON can carry one) cannot be stored as text."""
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise ValidationError(_("This text contains characters that are not valid."), "surrogate")


class TextFieldsMixin:
    """Every text field refuses what the database cannot store (Django's own
    validator already refuses a NUL character)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(reject_surrogates)


class AttachmentsMixin(TextFieldsMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_bootstrap(self)

    def clean_attachments(self):
        return check_uploads(self.cleaned_data.get("attachments") or [])


phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,30}$", _("Enter a phone number: digits, spaces, +, - and brackets.")
)


class TicketChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, ticket):
        return f"#{ticket.pk} {ticket.title}"


class TicketFilingForm(AttachmentsMixin, SubmitTokenForm):
    subsystem = forms.ModelChoiceField(
        label=_("Subsystem"),
        queryset=Subsystem.objects.filter(is_active=True),
        empty_label=_("Choose the part of the platform"),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Ticket.PRIORITY_CHOICES, coerce=int, initial=3
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you do, what did you expect, what happened instead?"),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=30, required=False, validators=[phone_validator]
    )
    attachments = MultipleFileField(
        label=_("Screenshots and files"),
        help_text=_("Up to 5 files of 10 MB each: images, PDF, Word, Excel, ZIP or text."),
    )

    follows = TicketChoiceField(
        label=_("Follows ticket"),
        queryset=Ticket.objects.none(),
        required=False,
        empty_label=_("Choose the ticket this after-sales request follows"),
        help_text=_("For after-sales service: the earlier ticket this one is about."),
    )

    field_order = ["subsystem", "category", "follows", "priority"]

    def __init__(self, *args, reporter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reporter is not None:
            # Only tickets the reporter may see can be followed up.
            self.fields["follows"].queryset = scope.visible_tickets(reporter).order_by("-pk")
            if not self.is_bound:
                self.initial.setdefault("contact_phone", reporter.phone)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") != Category.AFTER_SALES:
            cleaned["follows"] = None
        elif not cleaned.get("follows") and "follows" not in self.errors:
            self.add_error("follows", _("Choose the ticket this after-sales request follows."))
        return cleaned


class CommentForm(AttachmentsMixin, SubmitTokenForm):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(label=_("Files"))

    def clean(self):
        cleaned = super().clean()
        empty = not cleaned.get("comment", "").strip() and not cleaned.get("attachments")
        if empty and not self.errors:
            raise forms.ValidationError(_("Write a comment or attach a file."))
        return cleaned


class StatusChangeForm(TextFieldsMixin, SubmitTokenForm):
    comment = forms.CharField(label=_("Comment"), max_length=10000, required=False)


class ReclassifyForm(forms.Form):
    """The operator corrects a ticket's category and priority on its workbench."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Ticket.PRIORITY_CHOICES, coerce=int
    )


class BulkAssignForm(forms.Form):
    """Tickets ticked on the operator's queue, and whom to give them to:
    "me" (take) or a user's id. Whether that user may work them is the
    service's rule (scope.assignable_users)."""

    MAX_TICKETS = 100

    assignee = forms.CharField(max_length=20)

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        if value == "me":
            return value
        try:
            pk = int(value)
            if not 0 < pk < 2**63:
                raise ValueError(value)
            return User.objects.get(pk=pk, is_active=True)
        except (ValueError, User.DoesNotExist):
            raise ValidationError(_("Choose someone from the list.")) from None

    def clean(self):
        cleaned = super().clean()
        try:
            ids = sorted({int(v) for v in self.data.getlist("ticket_id")})
        except ValueError:
            ids = []
        # Ticket ids are 32-bit in helpdesk's table; larger ones name no ticket.
        if not ids or len(ids) > self.MAX_TICKETS or not 0 < ids[0] <= ids[-1] < 2**31:
            raise ValidationError(_("Tick between 1 and 100 tickets."))
        cleaned["ticket_ids"] = ids
        return cleaned


class EscalationForm(forms.Form):
    reason = forms.CharField(max_length=500)
