from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk_site.satisfaction.models import Score
from helpdesk_site.satisfaction.services import STEPS
from helpdesk_site.tickets.idempotency import SubmitTokenForm


class RatingForm(SubmitTokenForm):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how this was handled?"),
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class FollowUpStepForm(SubmitTokenForm):
    step = forms.ChoiceField(choices=[(s, s) for s in STEPS], widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("What was found or done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
