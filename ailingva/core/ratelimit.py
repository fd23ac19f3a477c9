"""Counters of attempts in a moving window: in Redis when `REDIS_URL` is set, in-process otherwise.

Redis makes the limit hold across processes (several app workers); the in-process store is for
the embedded single-process default.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


class AttemptLimiter:
    def __init__(self, redis_url: str | None) -> None:
        storage_uri = redis_url or "memory://"
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    @staticmethod
    def window(count: int, seconds: int) -> RateLimitItem:
        return parse(f"{count}/{seconds} seconds")

    def retry_after(self, limit: RateLimitItem, *key: str) -> int | None:
        """Seconds until the next attempt is allowed, or None if it is allowed now."""
        try:
            if self._limiter.test(limit, *key):
                return None
            reset_at = self._limiter.get_window_stats(limit, *key).reset_time
        except Exception:  # the counter store is down: do not lock everyone out
            log.warning("attempt limiter unavailable; allowing the attempt", exc_info=True)
            return None
        return max(1, math.ceil(reset_at - time.time()))

    def record(self, limit: RateLimitItem, *key: str) -> None:
        try:
            self._limiter.hit(limit, *key)
        except Exception:
            log.warning("attempt limiter unavailable; attempt not counted", exc_info=True)

    def reset(self, limit: RateLimitItem, *key: str) -> None:
        try:
            self._limiter.clear(limit, *key)
        except Exception:
            log.warning("attempt limiter unavailable; counter not cleared", exc_info=True)
