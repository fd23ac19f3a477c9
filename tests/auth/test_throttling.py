"""Failed logins are throttled per account and per client address."""

import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import register, unique_email

REDIS_URL = "redis://127.0.0.1:6379/0"


def _fail(client: TestClient, email: str):
    return client.post("/api/auth/login", json={"email": email, "password": "Wrong password 1"})


def _throttled_app(settings: Settings, **changes: object) -> FastAPI:
    return create_app(settings.model_copy(update=changes))


def test_account_is_throttled_after_repeated_failures(client: TestClient, settings) -> None:
    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False) as clock:
        account = register(client)
        client.post("/api/auth/logout")
        for _ in range(settings.login_max_failures_per_account):
            assert _fail(client, account.email).status_code == 401
        blocked = client.post(
            "/api/auth/login", json={"email": account.email, "password": account.password}
        )
        assert blocked.status_code == 429
        assert blocked.json()["error"]["code"] == "too_many_attempts"
        assert 0 < int(blocked.headers["retry-after"]) <= settings.login_failure_window_seconds
        # Another account from the same address is not locked by this one.
        other = register(TestClient(client.app))
        assert (
            client.post(
                "/api/auth/login", json={"email": other.email, "password": other.password}
            ).status_code
            == 200
        )
        clock.shift(timedelta(seconds=settings.login_failure_window_seconds + 1))
        assert (
            client.post(
                "/api/auth/login", json={"email": account.email, "password": account.password}
            ).status_code
            == 200
        )


def test_success_resets_the_account_counter(client: TestClient, settings) -> None:
    account = register(client)
    for _ in range(settings.login_max_failures_per_account - 1):
        _fail(client, account.email)
    assert (
        client.post(
            "/api/auth/login", json={"email": account.email, "password": account.password}
        ).status_code
        == 200
    )
    for _ in range(settings.login_max_failures_per_account - 1):
        assert _fail(client, account.email).status_code == 401


def test_address_is_throttled_across_accounts(settings: Settings) -> None:
    app = _throttled_app(settings, login_max_failures_per_address=3)
    with TestClient(app) as client:
        for _ in range(3):
            assert _fail(client, unique_email()).status_code == 401
        assert _fail(client, unique_email()).status_code == 429


def test_throttling_is_shared_through_redis(settings: Settings) -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.fail("Redis must be running on 127.0.0.1:6379 for this test")
    shared = settings.model_copy(
        update={"redis_url": REDIS_URL, "login_max_failures_per_address": 1000}
    )
    email = f"redis-{uuid.uuid4().hex}@example.com"
    # Two app instances = two server processes; the counter lives in Redis.
    with TestClient(create_app(shared)) as first, TestClient(create_app(shared)) as second:
        for _ in range(settings.login_max_failures_per_account):
            assert _fail(first, email).status_code == 401
        assert _fail(second, email).status_code == 429


def test_unreachable_redis_does_not_lock_everyone_out(settings: Settings) -> None:
    app = _throttled_app(settings, redis_url="redis://127.0.0.1:1/0")
    with TestClient(app) as client:
        account = register(client)
        assert (
            client.post(
                "/api/auth/login", json={"email": account.email, "password": account.password}
            ).status_code
            == 200
        )
