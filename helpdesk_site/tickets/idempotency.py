"""Idempotent submits: a repeated form post or API call answers what the first
one answered instead of making a second ticket, comment or status change.

Every portal form carries a token made when it is rendered (``{% submit_token %}``);
API clients send an ``Idempotency-Key`` header. The first request with a key
inserts a SubmitKey row in the same transaction as its change. A repeat that
arrives meanwhile blocks on the row's unique index until that transaction ends:
after a commit it reads the stored answer, after a rollback it goes ahead
itself. Nothing here is a read-then-write check or lives in the cache, so it
holds across processes and servers.
"""

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk_site.tickets.models import SubmitKey

TOKEN_FIELD = "submit_token"  # noqa: S105  (a field name)
HEADER = "Idempotency-Key"
# Printable ASCII without spaces: what UUIDs and random tokens are made of.
KEY_PATTERN = re.compile(r"\A[\x21-\x7e]{1,100}\Z")
# Fields of a form post that are not part of what was submitted.
NOT_PAYLOAD = {"csrfmiddlewaretoken", TOKEN_FIELD}
# Expired keys removed by each write; enough to keep up, small enough to stay quick.
PURGE_BATCH = 100

REUSED_MESSAGE = _(
    "This form was already sent with other content. Reload the page and submit it again."
)
INVALID_KEY_MESSAGE = _("The submission token is not valid. Reload the page and try again.")


class KeyReused(Exception):
    """The key was first used for a different submission."""


@dataclass(frozen=True)
class Outcome:
    """What a submission answered: a redirect for a form, a status and a JSON
    body for the API; ``replayed`` when it is the stored answer of an earlier one."""

    status: int
    location: str = ""
    body: Any = None
    replayed: bool = False

    @classmethod
    def redirect(cls, location: str, **body) -> "Outcome":
        return cls(302, location=location, body=body or None)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def valid_key(value) -> bool:
    return isinstance(value, str) and KEY_PATTERN.fullmatch(value) is not None


class SubmitTokenForm(forms.Form):
    """A form whose post carries a submit token (rendered by ``{% submit_token %}``)."""

    submit_token = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        validators=[RegexValidator(KEY_PATTERN, INVALID_KEY_MESSAGE)],
    )

    def clean(self):
        cleaned = super().clean()
        # A hidden field's error is shown with the form's own errors.
        if TOKEN_FIELD in self.errors:
            del self.errors[TOKEN_FIELD]
            self.add_error(None, INVALID_KEY_MESSAGE)
        return cleaned


def window() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_WINDOW_SECONDS)


def fingerprint(action: str, data, files=None) -> str:
    """A hash of what was submitted: the action, the fields (without the
    CSRF token and the submit token) and each file's name and content."""
    digest = hashlib.sha256(action.encode())
    if isinstance(data, QueryDict):
        fields = sorted(
            (name, value)
            for name, values in data.lists()
            if name not in NOT_PAYLOAD
            for value in values
            if not isinstance(value, UploadedFile)
        )
    elif isinstance(data, Mapping):
        fields = {name: value for name, value in data.items() if name not in NOT_PAYLOAD}
    else:
        fields = data
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    for name, upload in sorted(files.items() if files is not None else [], key=lambda f: f[0]):
        for one in files.getlist(name) if hasattr(files, "getlist") else [upload]:
            digest.update(f"\0{name}\0{one.name}\0{one.size}\0".encode())
            for chunk in one.chunks():
                digest.update(chunk)
            one.seek(0)
    return digest.hexdigest()


def _purge_expired(now) -> None:
    """Delete a batch of expired keys, skipping any that another request holds."""
    expired = list(
        SubmitKey.objects.filter(created_at__lt=now - window())
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:PURGE_BATCH]
    )
    if expired:
        SubmitKey.objects.filter(pk__in=expired).delete()


def once(*, user, key, action: str, data, files=None, perform: Callable[[], Outcome]) -> Outcome:
    """Run ``perform`` (which makes the change and says what to answer) once
    per user and key; a repeat within the window gets the first answer back.

    Without a key the change is made as usual. Raises KeyReused when the key
    was used for a different submission (another action or other content).
    """
    if not key:
        with transaction.atomic():
            return perform()
    submitted = fingerprint(action, data, files)
    with transaction.atomic():
        now = timezone.now()
        _purge_expired(now)
        # An expired key of this user may still be there (the purge is batched).
        SubmitKey.objects.filter(user=user, key=key, created_at__lt=now - window()).delete()
        try:
            with transaction.atomic():
                claim = SubmitKey.objects.create(
                    user=user, key=key, fingerprint=submitted, created_at=now
                )
        except IntegrityError:
            # The first request with this key has committed (we waited for it).
            earlier = SubmitKey.objects.get(user=user, key=key)
            if earlier.fingerprint != submitted:
                raise KeyReused(key) from None
            return Outcome(earlier.status, earlier.location, earlier.body, replayed=True)
        outcome = perform()
        claim.status, claim.location, claim.body = outcome.status, outcome.location, outcome.body
        claim.save(update_fields=["status", "location", "body"])
        return outcome
