from django.db.models import Count, Min
from django.utils import timezone

from helpdesk_site.outbox.models import Message, State


def status(now=None) -> dict:
    """Messages by state, how many are due now, and the oldest that waits."""
    now = now or timezone.now()
    by_state = dict(Message.objects.values_list("state").annotate(n=Count("pk")).order_by())
    pending = Message.objects.filter(state=State.PENDING)
    return {
        "by_state": {state: by_state.get(state, 0) for state in State.values},
        "due": pending.filter(due_at__lte=now).count(),
        "oldest_pending": pending.aggregate(at=Min("created_at"))["at"],
    }


def failed(limit: int = 50) -> list[Message]:
    return list(Message.objects.filter(state=State.FAILED).order_by("-created_at")[:limit])
