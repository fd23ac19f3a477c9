"""The live monitor: the voice sessions open now (student, since, minutes, state, the last
turn's stages), as a list and as Server-Sent Events; across app processes through Redis, in
the one process without it; Redis failing never touches a student's session."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.testclient import WebSocketTestSession
from websockets.sync.client import ClientConnection, connect

from ailingva.core.config import PROJECT_ROOT, Settings
from ailingva.main import create_app
from ailingva.voice.monitor import Monitor, MonitorEvent
from tests import live_process as live
from tests.conftest import (
    FAKE_PROVIDERS,
    STRONG_PASSWORD,
    TEST_SECRET,
    login,
    make_admin,
    register,
    unique_email,
    wait_until,
)
from tests.voice.conftest import chunks, silence, spoken

REDIS_URL = "redis://127.0.0.1:6379/0"
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
PING_SECONDS = 0.3
EVENT_DEADLINE_SECONDS = 60
QUIET_SECONDS = 7.0  # past the 5 s read timeout of the monitor's Redis commands
UTTERANCE = spoken("Yesterday I goed to the park with my friend.")

Json = dict[str, Any]


@pytest.fixture
def namespace() -> str:
    """The monitor's Redis names of this test alone."""
    return f"test:monitor:{uuid.uuid4().hex}"


def _monitor_app(settings: Settings, redis_url: str | None, namespace: str) -> FastAPI:
    app = create_app(settings.model_copy(update={"redis_url": redis_url}), FAKE_PROVIDERS)
    app.state.monitor = Monitor(redis_url, namespace=namespace)
    return app


# --- a session's turns, over either kind of socket ---------------------------------------


def _receiver(receive: Callable[[], str | bytes | None]) -> Callable[[str], Json]:
    def until(wanted: str) -> Json:
        while True:
            message = receive()
            if message is None:
                raise AssertionError(f"closed before {wanted}")
            if isinstance(message, str):
                event: Json = json.loads(message)
                if event["type"] == wanted:
                    return event
                assert event["type"] != "error", event

    return until


def _test_socket(ws: WebSocketTestSession) -> tuple[Callable[[Json], None], Callable[[str], Json]]:
    def receive() -> str | bytes | None:
        message = ws.receive()
        if message["type"] == "websocket.close":
            return None
        text: str | None = message.get("text")
        return text if text is not None else message.get("bytes", b"")

    return ws.send_json, _receiver(receive)


def _real_socket(ws: ClientConnection) -> tuple[Callable[[Json], None], Callable[[str], Json]]:
    return (lambda message: ws.send(json.dumps(message))), _receiver(lambda: ws.recv(timeout=60))


def _typed_turn(send: Callable[[Json], None], until: Callable[[str], Json]) -> Json:
    send({"type": "text", "text": "I goed to school yesterday."})
    until("reply_done")
    send({"type": "playback", "played_ms": 600_000})
    return until("turn_completed")


# --- one process, no Redis -------------------------------------------------------------


def test_the_monitor_follows_a_spoken_turn_through_its_states(
    app: FastAPI, client: TestClient, make_client: Callable[[], TestClient], engine: Engine
) -> None:
    login(client, make_admin(engine))
    recorded: list[MonitorEvent] = []
    monitor: Monitor = app.state.monitor
    record = monitor.record

    def recording(event: MonitorEvent) -> None:
        recorded.append(event)
        record(event)

    monitor.record = recording  # type: ignore[method-assign]
    student = make_client()
    account = register(student, name="Борис")
    assert client.get("/api/admin/monitor/sessions").json()["sessions"] == []
    with student.websocket_connect("/ws/voice") as ws:
        send, until = _test_socket(ws)
        send({"type": "start"})
        started = until("session_started")
        (live,) = client.get("/api/admin/monitor/sessions").json()["sessions"]
        assert live["user_id"] == account.id and live["name"] == "Борис"
        assert live["email"] == account.email and live["lesson_id"] == started["lesson_id"]
        assert live["state"] == "listening" and live["minutes_charged"] == 1
        assert live["turns"] == 0 and live["last_turn"] is None and live["since"]
        for chunk in chunks(silence(0.3) + UTTERANCE + silence(2.0)):
            ws.send_bytes(chunk)
        until("reply_done")
        send({"type": "playback", "played_ms": 600_000})
        completed = until("turn_completed")
        (live,) = client.get("/api/admin/monitor/sessions").json()["sessions"]
        assert live["state"] == "listening" and live["turns"] == 1
        assert live["last_turn"] == completed["timings"]
        assert {"turn_detect", "stt", "llm_first_token", "end_to_first_audio"} <= set(
            live["last_turn"]
        )
        send({"type": "stop"})
        until("session_ended")
    wait_until(lambda: recorded[-1].kind == "closed", timeout=10, what="the session's end")
    assert client.get("/api/admin/monitor/sessions").json() == {
        "sessions": [],
        "scope": "this_process",
        "watchers": 0,
    }
    steps = [(e.kind, e.session.state) for e in recorded]
    assert steps == [
        ("opened", "listening"),
        ("state", "thinking"),
        ("state", "speaking"),
        ("turn", "listening"),
        ("closed", "listening"),
    ]
    assert [e.session.version for e in recorded] == [1, 2, 3, 4, 5]


def test_redis_away_leaves_the_session_unharmed_and_the_monitor_local(
    settings: Settings, engine: Engine, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = _monitor_app(settings, DEAD_REDIS_URL, namespace)
    caplog.set_level(logging.WARNING, logger="ailingva.voice.monitor")
    with TestClient(app) as student, TestClient(app) as admin:
        login(admin, make_admin(engine))
        register(student)
        with student.websocket_connect("/ws/voice") as ws:
            send, until = _test_socket(ws)
            send({"type": "start"})
            until("session_started")
            completed = _typed_turn(send, until)
            assert completed["reply"] and not completed["interrupted"]
            snapshot = admin.get("/api/admin/monitor/sessions").json()
            assert snapshot["scope"] == "this_process"
            assert [s["turns"] for s in snapshot["sessions"]] == [1]
            send({"type": "stop"})
            assert until("session_ended")["reason"] == "stopped"
    assert any("Redis failed" in r.getMessage() for r in caplog.records)


# --- real app processes: the event stream ----------------------------------------------


@contextmanager
def _app_process(
    tmp_path: Path, database_url: str, *, redis_url: str | None, namespace: str
) -> Iterator[str]:
    port = live.free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ENVIRONMENT": "test",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path),
        "FRONTEND_DIST": str(tmp_path / "no-dist"),
        "MONITOR_NAMESPACE": namespace,
        "MONITOR_PING_SECONDS": str(PING_SECONDS),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "tests.admin.monitor_app", str(port)]
    # The working directory has no .env: only the settings given count.
    with live.live_process(
        command, tmp_path / f"app-{port}.log", ready_url=f"{base}/api/health", env=env, cwd=tmp_path
    ):
        yield base


class EventStream:
    """The monitor's Server-Sent Events, one at a time: (event name, data), or ("ping", None)
    for a comment."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines

    def next(self) -> tuple[str, Any]:
        name, data = "message", ""
        for line in self.lines:
            if line.startswith(":"):
                return "ping", None
            if not line:
                if data:
                    return name, json.loads(data)
                continue
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data += value
        raise AssertionError("the stream ended")

    def quiet_for(self, seconds: float) -> None:
        """Read on (pings, mostly) for `seconds`."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            self.next()

    def session_until(self, email: str, kind: str) -> list[Json]:
        """The changes of `email`'s session up to the first of `kind` (the pings let it give
        up in time)."""
        seen: list[Json] = []
        deadline = time.monotonic() + EVENT_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            name, data = self.next()
            if name == "session" and data["session"]["email"] == email:
                seen.append(data)
                if data["kind"] == kind:
                    return seen
        raise AssertionError(f"no {kind} of {email} in {EVENT_DEADLINE_SECONDS} s: {seen}")


@contextmanager
def _admin(base: str, engine: Engine) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as admin:
        body = {"email": make_admin(engine), "password": STRONG_PASSWORD}
        assert admin.post("/api/auth/login", json=body).status_code == 200
        yield admin


@contextmanager
def _stream(admin: httpx.Client) -> Iterator[EventStream]:
    with admin.stream("GET", "/api/admin/monitor/stream") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        yield EventStream(response.iter_lines())


def test_the_stream_sends_the_list_then_each_change_and_ends_with_the_client(
    tmp_path: Path, database_url: str, engine: Engine, namespace: str
) -> None:
    with (
        _app_process(tmp_path, database_url, redis_url=None, namespace=namespace) as base,
        _admin(base, engine) as admin,
    ):
        with _stream(admin) as events:
            name, snapshot = events.next()
            assert name == "snapshot" and snapshot["sessions"] == []
            assert snapshot["scope"] == "this_process" and snapshot["watchers"] == 1
            assert events.next() == ("ping", None)  # nothing happens: the line is kept alive
            email = unique_email()
            student = httpx.Client(base_url=base, timeout=30)
            body = {"email": email, "password": STRONG_PASSWORD, "name": "Вера"}
            assert student.post("/api/auth/register", json=body).status_code == 201
            token = student.post("/api/auth/token").json()["access_token"]
            with connect(f"{base.replace('http', 'ws')}/ws/voice?access_token={token}") as ws:
                send, until = _real_socket(ws)
                send({"type": "start"})
                until("session_started")
                (opened,) = events.session_until(email, "opened")
                assert opened["session"]["name"] == "Вера"
                assert opened["session"]["state"] == "listening"
                completed = _typed_turn(send, until)
                changes = events.session_until(email, "turn")
                assert [c["session"]["state"] for c in changes] == [
                    "thinking",
                    "speaking",
                    "listening",
                ]
                assert changes[-1]["session"]["last_turn"] == completed["timings"]
                send({"type": "stop"})
                until("session_ended")
            (closed,) = events.session_until(email, "closed")
            assert closed["session"]["turns"] == 1
        # The client went: the stream ended, and its place with it.
        wait_until(
            lambda: admin.get("/api/admin/monitor/sessions").json()["watchers"] == 0,
            timeout=10,
            what="the stream to end",
        )


def test_a_session_served_by_one_process_shows_on_the_monitor_of_another(
    tmp_path: Path, database_url: str, settings: Settings, engine: Engine, namespace: str
) -> None:
    serving = _monitor_app(settings, REDIS_URL, namespace)
    with (
        _app_process(tmp_path, database_url, redis_url=REDIS_URL, namespace=namespace) as base,
        _admin(base, engine) as admin,
        _stream(admin) as events,
        TestClient(serving) as student,
    ):
        name, snapshot = events.next()
        assert name == "snapshot" and snapshot["scope"] == "all_processes"
        account = register(student, name="Глеб")
        with student.websocket_connect("/ws/voice") as ws:
            send, until = _test_socket(ws)
            send({"type": "start"})
            until("session_started")
            (opened,) = events.session_until(account.email, "opened")
            assert opened["session"]["name"] == "Глеб"
            # Longer than a Redis command may take: the channel still listens after a lull.
            events.quiet_for(QUIET_SECONDS)
            # A monitor opened now reads it from Redis: the other process's list.
            listed = admin.get("/api/admin/monitor/sessions").json()
            assert listed["scope"] == "all_processes"
            assert [s["email"] for s in listed["sessions"]] == [account.email]
            completed = _typed_turn(send, until)
            turn = events.session_until(account.email, "turn")[-1]
            assert turn["session"]["last_turn"] == completed["timings"]
            send({"type": "stop"})
            until("session_ended")
        events.session_until(account.email, "closed")
        assert admin.get("/api/admin/monitor/sessions").json()["sessions"] == []
    assert "Redis failed" not in next(tmp_path.glob("app-*.log")).read_text()
