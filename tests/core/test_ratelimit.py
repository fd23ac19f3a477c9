"""The attempt limiter: slots claimed atomically, given back, counted on through a Redis outage."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
import time_machine

from ailingva.core.ratelimit import AttemptLimiter, Claim

REDIS_URL = "redis://127.0.0.1:6379/0"


def _limiters() -> list[AttemptLimiter]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.fail("Redis must be running on 127.0.0.1:6379 for this test")
    return [AttemptLimiter(None), AttemptLimiter(REDIS_URL)]


@pytest.mark.parametrize("where", ["memory", "redis"])
def test_concurrent_claims_take_exactly_the_free_slots(where: str) -> None:
    limiter = dict(zip(["memory", "redis"], _limiters(), strict=True))[where]
    window = AttemptLimiter.window(5, 60)
    key = ("test", where, uuid.uuid4().hex)  # ids repeat across runs; Redis keeps the counts
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: limiter.claim(window, *key), range(40)))
    claims = [result for result in results if isinstance(result, Claim)]
    assert len(claims) == 5
    refused = [result for result in results if not isinstance(result, Claim)]
    assert all(0 < result <= 60 for result in refused), refused
    limiter.release(claims[0])
    assert isinstance(limiter.claim(window, *key), Claim)  # a slot given back is free again
    assert not isinstance(limiter.claim(window, *key), Claim)
    limiter.reset(window, *key)
    assert isinstance(limiter.claim(window, *key), Claim)


def test_slots_free_up_as_the_window_moves() -> None:
    limiter = AttemptLimiter(None)
    window = AttemptLimiter.window(2, 60)
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False) as clock:
        assert isinstance(limiter.claim(window, "k"), Claim)
        clock.shift(timedelta(seconds=30))
        assert isinstance(limiter.claim(window, "k"), Claim)
        assert limiter.claim(window, "k") == 30
        clock.shift(timedelta(seconds=31))
        assert isinstance(limiter.claim(window, "k"), Claim)


def test_an_unreachable_redis_is_stood_in_for_by_the_process() -> None:
    limiter = AttemptLimiter("redis://127.0.0.1:1/0")
    window = AttemptLimiter.window(3, 60)
    results = [limiter.claim(window, "down") for _ in range(4)]
    assert [isinstance(result, Claim) for result in results] == [True, True, True, False]
