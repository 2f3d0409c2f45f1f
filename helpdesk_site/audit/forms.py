from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk_site.audit.services import MAX_REASON


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
