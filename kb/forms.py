from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk_site.tickets.models import Category, Subsystem
from helpdesk_site.tickets.widgets import apply_bootstrap
from kb.search import MAX_TICKET_PAGES


def _subsystem_choices():
    return [("", _("All subsystems"))] + [
        (s.code, str(s)) for s in Subsystem.objects.filter(is_active=True)
    ]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=300, required=False)
    subsystem = forms.ChoiceField(label=_("Subsystem"), required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
    )
    page = forms.IntegerField(min_value=1, max_value=MAX_TICKET_PAGES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsystem"].choices = _subsystem_choices()


class FaqForm(forms.Form):
    question = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    subsystem = forms.ModelChoiceField(
        label=_("Subsystem"), queryset=Subsystem.objects.filter(is_active=True), required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "—"), *Category.choices]
    )
    is_public = forms.BooleanField(
        label=_("Public (readable without logging in)"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_bootstrap(self)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Publishing: public only when the reviewer ticks it.
    is_public = forms.BooleanField(label=_("Public (readable without logging in)"), required=False)


class FromTicketForm(forms.Form):
    ticket = forms.IntegerField(label=_("Ticket number"), min_value=1)


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("1", _("Helpful")), ("0", _("Not helpful"))], coerce=lambda v: v == "1"
    )


class DeflectionForm(forms.Form):
    faq = forms.IntegerField(min_value=1)
    q = forms.CharField(max_length=300, required=False)
    subsystem = forms.ModelChoiceField(queryset=Subsystem.objects.all(), required=False)


class GapForm(forms.Form):
    key = forms.CharField(max_length=300)
