"""Per-user budgets over a sliding window ("at most N in any W seconds").

Where they are kept follows the default cache:
- django-redis: in Redis, shared by every process: a sorted set of the
  times counted per key, checked and added to by one Lua script (one round
  trip, atomic, so two processes cannot both take the last place);
- anything else (the embedded default's local-memory cache): in this
  process (chat.window).

When Redis does not answer, budgets are counted in this process for a few
seconds before Redis is tried again: the limit still holds per process and
posting goes on.
"""

import logging
import math
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.commands.core import Script

from helpdesk_site.chat.window import SlidingWindows

logger = logging.getLogger(__name__)

REDIS_RETRY_SECONDS = 5.0

# KEYS[1]: the budget's sorted set; ARGV: now, window, limit, a unique member.
# Answers {1, "0"} when counted, else {0, seconds until a place frees}.
SLIDING_WINDOW_LUA = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return {1, '0'}
"""

# This process's budgets: the store without django-redis, the fallback with it.
local_budgets = SlidingWindows()
# When each Redis (by the cache's LOCATION) may be tried again after failing.
_redis_retry_at: dict[str, float] = {}
_script: Script | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def redis_key(key: str) -> str:
    """The Redis key of a budget, under the cache's KEY_PREFIX and version."""
    return caches["default"].make_key(f"chat:rate:{key}")


def _redis_wait(key: str, limit: int, window: int, now: float) -> float:
    global _script
    connection = get_redis_connection("default")
    if _script is None:
        # Called with each thread's own client below; EVALSHA, loaded on first use.
        _script = connection.register_script(SLIDING_WINDOW_LUA)
    allowed, wait = _script(
        keys=[redis_key(key)], args=[now, window, limit, uuid.uuid4().hex], client=connection
    )
    return 0.0 if allowed else float(wait)


def hit(key: str, limit: int, window: int, now: float | None = None) -> Verdict:
    """Count one event under `key` (e.g. "post:<user id>"); refused once
    `limit` were counted in the last `window` seconds."""
    now = time.time() if now is None else now
    wait = None
    if isinstance(caches["default"], DjangoRedisCache):
        location = str(settings.CACHES["default"].get("LOCATION"))
        if time.monotonic() >= _redis_retry_at.get(location, 0.0):
            try:
                wait = _redis_wait(key, limit, window, now)
            except Exception:
                logger.warning("chat rate limit: Redis unreachable, counting in this process")
                _redis_retry_at[location] = time.monotonic() + REDIS_RETRY_SECONDS
    if wait is None:
        wait = local_budgets.hit(key, limit, window, now)
    return Verdict(allowed=wait <= 0, retry_after=max(1, math.ceil(wait)))
