"""Login lock-out: django-axes, with a second limit per address.

axes locks an account after AXES_FAILURE_LIMIT wrong passwords from one
address. Someone trying a few passwords on each of many accounts never
reaches that, so failures are also counted per address across accounts, with
a higher limit (LOGIN_ADDRESS_FAILURE_LIMIT): many clerks of one office share
an address behind its NAT.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's address, all accounts, within the cool-off."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if request.axes_ip_address is None:
            return failures
        if address_failures(request) < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return failures
        # The address is locked, so every account is, from it: axes compares
        # this count with the per-account limit.
        request.login_address_locked = True
        return max(failures, get_failure_limit(request, credentials))
