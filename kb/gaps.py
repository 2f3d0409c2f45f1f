"""Knowledge gaps handled: an operator dismisses a gap (nothing to write)
or starts an FAQ draft from it. The misses stay stored, marked handled;
the same question asked again later opens the gap again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kb import faqs, selectors
from kb.models import Faq
from kb.permissions import can_write, require


class GapClosed(Exception):
    """The gap was handled already (or never asked)."""


def _handle(user, key: str, faq: Faq | None = None) -> int:
    # Two operators at once: the second one's update finds nothing open.
    count = selectors.open_gap(key).update(handled_at=timezone.now(), handled_by=user, faq=faq)
    if not count:
        raise GapClosed(_("This gap was already handled."))
    return count


@transaction.atomic
def dismiss_gap(*, user, key: str) -> int:
    """Nothing to write for this gap (noise, or answered elsewhere)."""
    require(can_write(user), _("Only operators and reviewers handle knowledge gaps."))
    return _handle(user, key)


@transaction.atomic
def draft_from_gap(*, user, key: str) -> Faq:
    """Start an FAQ draft whose question is the gap's latest wording; the
    operator writes the answer."""
    require(can_write(user), _("Only operators and reviewers handle knowledge gaps."))
    latest = selectors.open_gap(key).order_by("-created", "-pk").first()
    if latest is None:
        raise GapClosed(_("This gap was already handled."))
    faq = faqs.create_draft(user=user, question=latest.query, answer="", is_public=False)
    _handle(user, key, faq)
    return faq
