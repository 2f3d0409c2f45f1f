"""Sliding-window budgets kept in this process's memory: "at most `limit`
events in any `window` seconds", exactly (a log of the times counted). A
fixed window resets on the minute and lets twice the limit through across
the boundary; this does not. No Django here."""

import threading
from collections import deque


class SlidingWindow:
    """One budget. Refused events are not counted, so a client that keeps
    trying is told when it may go on rather than locked out for good."""

    __slots__ = ("limit", "times", "window")

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def hit(self, now: float) -> float:
        """Count one event at `now`: 0 if allowed, else the seconds until one
        would be."""
        times = self.times
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return times[0] + self.window - now
        times.append(now)
        return 0.0

    def idle(self, now: float) -> bool:
        return not self.times or self.times[-1] <= now - self.window


class SlidingWindows:
    """Budgets by key (one per user), safe to share between threads, with
    keys that have gone quiet dropped so memory stays bounded."""

    def __init__(self, max_keys: int = 10000):
        self.max_keys = max_keys
        self.windows: dict[str, SlidingWindow] = {}
        self.lock = threading.Lock()

    def hit(self, key: str, limit: int, window: float, now: float) -> float:
        with self.lock:
            budget = self.windows.get(key)
            if budget is None or (budget.limit, budget.window) != (limit, window):
                if len(self.windows) >= self.max_keys:
                    self._forget_idle(now)
                budget = self.windows[key] = SlidingWindow(limit, window)
            return budget.hit(now)

    def clear(self) -> None:
        with self.lock:
            self.windows = {}

    def _forget_idle(self, now: float) -> None:
        self.windows = {k: w for k, w in self.windows.items() if not w.idle(now)}
        while len(self.windows) >= self.max_keys:
            # Still full of active keys: drop the oldest-made (dicts keep order).
            del self.windows[next(iter(self.windows))]
