"""Blocking a student (or ending their sign-ins) closes the voice session they have open, with
a code that says why: in the app process that blocked, and through Redis in another one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.testclient import WebSocketTestSession

from ailingva.billing.models import UsageSession, UsageStatus
from ailingva.core.config import Settings
from ailingva.main import create_app
from ailingva.voice.transport import CloseCode
from tests.conftest import FAKE_PROVIDERS, STRONG_PASSWORD, make_admin, register

REDIS_URL = "redis://127.0.0.1:6379/0"
# A session the order missed ends idle (4408) instead, and the test fails rather than hangs.
IDLE_SECONDS = 10.0


@pytest.fixture(autouse=True)
def _short_idle(app: FastAPI) -> None:
    app.state.voice_config = replace(app.state.voice_config, idle_seconds=IDLE_SECONDS)


def _events_until_close(ws: WebSocketTestSession) -> tuple[list[dict[str, Any]], int]:
    events: list[dict[str, Any]] = []
    while True:
        message = ws.receive()
        if message["type"] == "websocket.close":
            return events, int(message["code"])
        if message.get("text") is not None:
            events.append(json.loads(message["text"]))


def _start(ws: WebSocketTestSession) -> None:
    ws.send_json({"type": "start", "protocol": 1})
    while json.loads(ws.receive_text())["type"] != "session_started":
        pass


def _admin_token(client: TestClient, engine: Engine) -> dict[str, str]:
    """An admin's bearer token: the admin's requests go beside the student's cookie."""
    credentials = {"email": make_admin(engine), "password": STRONG_PASSWORD}
    token = client.post("/api/auth/token", json=credentials).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _closed_by(
    student: TestClient,
    admin: TestClient,
    admin_headers: dict[str, str],
    path: str,
    method: str = "POST",
) -> tuple[list[dict[str, Any]], int]:
    account = register(student)
    with student.websocket_connect("/ws/voice") as ws:
        _start(ws)
        response = admin.request(method, path.format(id=account.id), headers=admin_headers)
        assert response.status_code == 200, response.text
        return _events_until_close(ws)


def test_blocking_closes_the_open_voice_session_with_its_code(
    client: TestClient, engine: Engine
) -> None:
    admin = _admin_token(client, engine)
    events, code = _closed_by(client, client, admin, "/api/admin/users/{id}/block")
    assert code == CloseCode.ACCOUNT_BLOCKED.value == 4403
    error = events[-1]
    assert error["type"] == "error" and error["code"] == "account_blocked" and error["fatal"]
    assert "заблокирован" in error["message"]
    with Session(engine) as db:  # the session was settled: its meter closed
        usage = db.exec(select(UsageSession)).all()
        assert [u.status for u in usage] == [UsageStatus.CLOSED]


def test_ending_sign_ins_closes_the_voice_session_too(client: TestClient, engine: Engine) -> None:
    admin = _admin_token(client, engine)
    events, code = _closed_by(client, client, admin, "/api/admin/users/{id}/sessions", "DELETE")
    assert code == CloseCode.SIGNED_OUT and events[-1]["code"] == "signed_out"


@pytest.fixture
def redis_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"redis_url": REDIS_URL})


@pytest.fixture
def two_processes(redis_settings: Settings, engine: Engine) -> Iterator[tuple[FastAPI, FastAPI]]:
    """Two app instances with the same database and Redis: what two app processes share."""
    apps = create_app(redis_settings, FAKE_PROVIDERS), create_app(redis_settings, FAKE_PROVIDERS)
    for app in apps:
        app.state.voice_config = replace(app.state.voice_config, idle_seconds=IDLE_SECONDS)
    yield apps


def test_a_block_in_one_process_closes_the_session_served_by_another(
    two_processes: tuple[FastAPI, FastAPI], engine: Engine
) -> None:
    serving, blocking = two_processes
    with TestClient(serving) as student, TestClient(blocking) as admin:
        headers = _admin_token(admin, engine)
        events, code = _closed_by(student, admin, headers, "/api/admin/users/{id}/block")
    assert code == CloseCode.ACCOUNT_BLOCKED and events[-1]["code"] == "account_blocked"
