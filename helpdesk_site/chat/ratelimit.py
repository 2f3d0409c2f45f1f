"""A per-user message budget, counted in the shared cache.

When the cache is unreachable (Redis down) the count falls back to this
process's memory: the limit still holds per process and posting goes on.
"""

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)
_local = LocMemCache("chat-rate-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def _count(store, key: str, window: int) -> int:
    if hasattr(store, "incr_in_window"):  # helpdesk_site.cache.RedisCache: one round trip
        return store.incr_in_window(key, window + 1)
    store.add(key, 0, timeout=window + 1)
    try:
        return store.incr(key)
    except ValueError:
        # The key expired between add and incr.
        store.set(key, 1, timeout=window + 1)
        return 1


def hit(user_id: int, limit: int, window: int, now: float | None = None) -> Verdict:
    """Count one message for the user in the current window of `window`
    seconds; refuse it beyond `limit`."""
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"chat:rate:{user_id}:{slot}"
    try:
        count = _count(cache, key, window)
    except Exception:
        logger.warning("chat rate limit: shared cache unreachable, counting locally")
        count = _count(_local, key, window)
    retry_after = max(1, int((slot + 1) * window - now))
    return Verdict(allowed=count <= limit, retry_after=retry_after)
