"""Checks of the free text people type into the services (a finding, a
reason, a progress note): one rule and one wording for every app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def required_text(value: str, what: str, limit: int) -> str:
    """The text without surrounding blanks; refused if empty or longer than
    `limit` characters, naming `what` (already translated) in the message."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Please fill in the %(what)s.") % {"what": what})
    if len(value) > limit:
        raise ValidationError(
            _("The %(what)s is too long (at most %(n)d characters).") % {"what": what, "n": limit}
        )
    return value
