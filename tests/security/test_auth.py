"""Findings of issue #17 about signing in: throttling, lock-out, enumeration, tokens."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import FAKE_PROVIDERS, STRONG_PASSWORD, register, wait_until

WRONG = "Wrong password 1"


def _login(client: TestClient, email: str, password: str) -> int:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    return response.status_code


def test_login_throttling_holds_under_40_concurrent_guesses(
    client: TestClient, settings: Settings
) -> None:
    """Finding 2: the limit is checked, argon2 runs, and only then is the failure recorded, so
    40 guesses at once all get their password checked. Fixed: each attempt claims its slot
    before the password is checked, so at most `login_max_failures_per_account` guesses are
    ever checked (401); the others, the right password among them once the slots are gone,
    get 429."""
    account = register(client)
    client.post("/api/auth/logout")
    guesses = [WRONG] * 39 + [account.password]
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(lambda p: _login(client, account.email, p), guesses))
    checked = statuses.count(401)
    assert checked <= settings.login_max_failures_per_account, statuses
    assert statuses.count(200) + checked + statuses.count(429) == 40, statuses


def test_login_throttling_holds_with_redis_unreachable(settings: Settings) -> None:
    """Finding 2: with Redis away the limiter allows everything ("attempt limiter unavailable;
    allowing the attempt"). Fixed: it falls back to counting in the process, so the sixth
    attempt on one account is refused with 429 as usual (and the right password is not let
    through by an outage)."""
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    with TestClient(app) as client:
        account = register(client)
        client.post("/api/auth/logout")
        for _ in range(settings.login_max_failures_per_account):
            assert _login(client, account.email, WRONG) == 401
        assert _login(client, account.email, account.password) == 429


def test_wrong_passwords_from_another_address_do_not_lock_the_owner_out(
    app: FastAPI, settings: Settings
) -> None:
    """Finding 6: anyone can lock any account out by five wrong passwords, renewable forever.
    Fixed: failures are counted per account and address pair; an address that never signed in
    to the account is slowed down (429 for it), the owner signing in from their own address
    is not."""
    owner = TestClient(app, client=("198.51.100.10", 40000))
    attacker = TestClient(app, client=("203.0.113.66", 40000))
    account = register(owner)
    owner.post("/api/auth/logout")
    assert _login(owner, account.email, account.password) == 200
    owner.post("/api/auth/logout")
    for _ in range(3 * settings.login_max_failures_per_account):
        assert _login(attacker, account.email, WRONG) in (401, 429)
    assert _login(attacker, account.email, account.password) == 429
    assert _login(owner, account.email, account.password) == 200


def test_register_does_not_tell_which_addresses_have_accounts(
    client: TestClient, make_client: object
) -> None:
    """Finding 6: register answers 409 `email_taken`, so anyone can test which addresses have
    accounts. Fixed: a taken address gets the same status as a new one (and no `email_taken`
    code); it signs nobody in to the existing account (the owner can be told by mail)."""
    owner = register(client)
    fresh = TestClient(client.app).post(
        "/api/auth/register",
        json={"email": f"new-{owner.email}", "password": STRONG_PASSWORD, "name": "Ваня"},
    )
    prober = TestClient(client.app)
    taken = prober.post(
        "/api/auth/register",
        json={"email": owner.email, "password": "Another strong pass 9", "name": "Ваня"},
    )
    assert taken.status_code == fresh.status_code, taken.text
    assert "email_taken" not in taken.text
    me = prober.get("/api/auth/me")
    assert me.status_code == 401 or me.json()["id"] != owner.id


def test_a_bearer_token_cannot_refresh_itself(client: TestClient) -> None:
    """Finding 6: `POST /api/auth/token` with only a bearer token mints a new one, so a token
    read from a log line within its 15 minutes keeps the session's 30 days. Fixed: a refresh
    needs the browser's cookie (or the credentials); a bearer token alone gets 401."""
    account = register(client)
    assert client.post("/api/auth/token").status_code == 200  # the browser's way stays
    issued = client.post(
        "/api/auth/token", json={"email": account.email, "password": account.password}
    )
    token = issued.json()["access_token"]
    thief = TestClient(client.app, headers={"Authorization": f"Bearer {token}"})
    assert thief.get("/api/auth/me").status_code == 200
    assert thief.post("/api/auth/token").status_code == 401


@contextmanager
def _served(app: FastAPI) -> Iterator[tuple[int, list[logging.LogRecord]]]:
    """The app behind a real uvicorn (as `ailingva serve` runs it); its log records."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, proxy_headers=True, log_level="info", lifespan="on"
    )
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.access", "")]
    for logger in loggers:
        logger.addHandler(handler)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, timeout=30, what="uvicorn to start")
        yield port, records
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        for logger in loggers:
            logger.removeHandler(handler)


def test_the_voice_access_token_is_not_written_to_the_access_log(settings: Settings) -> None:
    """Finding 6: the WebSocket's `?access_token=` lands in the access log. Fixed: no log line
    (access or error log) carries the token, whether the handshake is accepted or not."""
    app = create_app(settings, FAKE_PROVIDERS)
    signup = TestClient(app)
    account = register(signup)
    token = signup.post(
        "/api/auth/token", json={"email": account.email, "password": account.password}
    ).json()["access_token"]
    refused = token[:-4] + "AAAA"  # a token whose signature does not hold
    with _served(app) as (port, records):
        with connect(f"ws://127.0.0.1:{port}/ws/voice?access_token={token}") as ws:
            ws.send('{"type": "start"}')
            while '"session_started"' not in str(ws.recv(timeout=30)):
                pass
            ws.send('{"type": "stop"}')
            while '"session_ended"' not in str(ws.recv(timeout=30)):
                pass
        with (
            pytest.raises((InvalidStatus, ConnectionClosed)),
            connect(f"ws://127.0.0.1:{port}/ws/voice?access_token={refused}") as ws,
        ):
            ws.recv(timeout=30)
    lines = [record.getMessage() for record in records]
    assert sum("/ws/voice" in line for line in lines) >= 2, lines  # both handshakes were logged
    assert not [line for line in lines if token in line or refused in line]
