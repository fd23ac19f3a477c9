"""Counters of attempts in a moving window: in Redis when `REDIS_URL` is set, in-process otherwise.

Redis makes the limit hold across processes (several app workers); the in-process store is for
the embedded single-process default, and stands in while Redis is unreachable, so an outage
never turns the limits off.

An attempt *claims* a slot before the work it limits (a password check) starts, atomically, so
concurrent attempts cannot all slip past one count; a claim can be given back when the attempt
turns out not to count (the password was right).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import redis

log = logging.getLogger(__name__)

# After Redis fails, the in-process store serves for this long before Redis is tried again,
# so an outage does not add a connection timeout to every attempt.
REDIS_RETRY_SECONDS = 30.0
REDIS_TIMEOUT_SECONDS = 0.5
KEY_PREFIX = "ailingva:attempts:"
MEMORY_SWEEP_SECONDS = 60.0

T = TypeVar("T")

# Drop entries older than the window, take a slot if one is free; else answer the oldest
# entry's time, from which the caller knows when a slot frees up.
_CLAIM_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
  return ''
end
return redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
"""


@dataclass(frozen=True)
class Window:
    count: int
    seconds: int


@dataclass(frozen=True)
class Claim:
    """A slot taken in one counter; `release` gives it back."""

    key: str
    member: str
    store: _Store


class _Store(Protocol):
    def claim(self, key: str, window: Window, member: str, now: float) -> float | None:
        """None if the slot was taken, else the time the oldest entry was made."""

    def release(self, key: str, member: str) -> None: ...

    def clear(self, key: str) -> None: ...


class _MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key -> (window seconds, {member: time claimed})
        self._entries: dict[str, tuple[int, dict[str, float]]] = {}
        self._swept_at = 0.0

    def claim(self, key: str, window: Window, member: str, now: float) -> float | None:
        with self._lock:
            self._sweep(now)
            entries = self._entries.setdefault(key, (window.seconds, {}))[1]
            for old, at in list(entries.items()):
                if at <= now - window.seconds:
                    del entries[old]
            if len(entries) < window.count:
                entries[member] = now
                return None
            return min(entries.values())

    def release(self, key: str, member: str) -> None:
        with self._lock:
            _, entries = self._entries.get(key, (0, {}))
            entries.pop(member, None)
            if not entries:
                self._entries.pop(key, None)

    def clear(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _sweep(self, now: float) -> None:
        """Forget counters whose entries all aged out: keys are as many as the emails tried."""
        if now - self._swept_at < MEMORY_SWEEP_SECONDS:
            return
        self._swept_at = now
        for key, (seconds, entries) in list(self._entries.items()):
            if all(at <= now - seconds for at in entries.values()):
                del self._entries[key]


class _RedisStore:
    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._claim = self._redis.register_script(_CLAIM_SCRIPT)

    def claim(self, key: str, window: Window, member: str, now: float) -> float | None:
        oldest = self._claim(keys=[key], args=[now, window.seconds, window.count, member])
        return None if oldest in (b"", "", None) else float(oldest)

    def release(self, key: str, member: str) -> None:
        self._redis.zrem(key, member)

    def clear(self, key: str) -> None:
        self._redis.delete(key)


class AttemptLimiter:
    def __init__(self, redis_url: str | None) -> None:
        self._memory = _MemoryStore()
        self._redis = _RedisStore(redis_url) if redis_url else None
        self._redis_down_until = 0.0

    @staticmethod
    def window(count: int, seconds: int) -> Window:
        return Window(count, seconds)

    def claim(self, window: Window, *key: str) -> Claim | int:
        """Take a slot in the key's window: the claim, or the seconds until one frees up."""
        name = KEY_PREFIX + ":".join((str(window.count), str(window.seconds), *key))
        member = uuid.uuid4().hex
        now = time.time()
        store, oldest = self._on_a_store(lambda store: store.claim(name, window, member, now))
        if oldest is None:
            return Claim(name, member, store)
        return max(1, math.ceil(oldest + window.seconds - now))

    def release(self, claim: Claim) -> None:
        self._quietly(claim.store, lambda store: store.release(claim.key, claim.member))

    def reset(self, window: Window, *key: str) -> None:
        name = KEY_PREFIX + ":".join((str(window.count), str(window.seconds), *key))
        self._quietly(self._memory, lambda store: store.clear(name))
        if self._redis is not None:
            self._quietly(self._redis, lambda store: store.clear(name))

    def _on_a_store(self, use: Callable[[_Store], T]) -> tuple[_Store, T]:
        """Redis while it answers; the in-process store while it does not (or is not set)."""
        if self._redis is not None and time.monotonic() >= self._redis_down_until:
            try:
                return self._redis, use(self._redis)
            except redis.RedisError:
                self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
                log.warning(
                    "attempt limiter: Redis unavailable; counting in this process for %.0f s",
                    REDIS_RETRY_SECONDS,
                    exc_info=True,
                )
        return self._memory, use(self._memory)

    def _quietly(self, store: _Store, use: Callable[[_Store], object]) -> None:
        try:
            use(store)
        except redis.RedisError:  # the entry ages out of its window on its own
            log.warning("attempt limiter: Redis unavailable; a claim stays counted", exc_info=True)
