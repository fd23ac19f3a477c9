"""Two app processes (`ailingva serve`, one of them with two workers) on loopback, sharing the
real PostgreSQL and Redis, with one llama.cpp server as the language model of both and
`ailingva worker` running the jobs: nothing a student or admin does depends on which process
answers."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import Engine
from sqlmodel import Session, select
from websockets.sync.client import connect

from ailingva.lessons.models import LessonTurn, Pipeline, TurnRole
from ailingva.providers.local.manifest import MODELS
from tests import live_process as live
from tests.brain.helpers import analysis_turns
from tests.conftest import STRONG_PASSWORD, TEST_SECRET, make_admin, unique_email, wait_until

pytestmark = pytest.mark.postgres

# A Redis database of this test's own: its queue and throttle counters meet no one else's.
REDIS_URL = os.environ.get("TEST_DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/11")
AILINGVA = Path(sys.executable).with_name("ailingva")
JOB_DEADLINE_SECONDS = 120


@dataclass
class Deployment:
    a: str  # base URLs of the two app processes
    b: str
    model_log: Path
    start_worker: Callable[[], object]


def _ailingva(*args: str) -> list[str]:
    if AILINGVA.exists():
        return [str(AILINGVA), *args]
    return [sys.executable, "-c", "from ailingva.cli import app; app()", *args]


@contextmanager
def _app(port: int, env: dict[str, str], log_path: Path, *extra: str) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    command = _ailingva("serve", "--port", str(port), *extra)
    # The working directory has no .env: only the settings given count.
    with live.live_process(
        command, log_path, ready_url=f"{base}/api/health", env=env, cwd=log_path.parent
    ):
        yield base


@pytest.fixture
def deployment(
    database_url: str, is_postgres: bool, models_dir: Path, tmp_path: Path
) -> Iterator[Deployment]:
    if not is_postgres:
        pytest.skip("several processes share PostgreSQL (TEST_DATABASE_URL)")
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    model_log = tmp_path / "llama-server.log"
    with (
        live.llama_server(MODELS["smollm2-135m"].main_file(models_dir), model_log) as llm_url,
        ExitStack() as later,
    ):
        env = {
            **os.environ,
            "ENVIRONMENT": "test",
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "DATA_DIR": str(tmp_path),
            "FRONTEND_DIST": str(tmp_path / "no-dist"),
            "STT_PROVIDER": "fake",
            "TTS_PROVIDER": "fake",
            "LLM_PROVIDER": "openai",
            "OPENAI_BASE_URL": llm_url,
            "OPENAI_API_KEY": "local",
            "OPENAI_LLM_MODEL": "smollm2",
        }
        worker = _ailingva("worker")
        ports = live.free_port(), live.free_port()
        with (
            _app(ports[0], env, tmp_path / "app-a.log", "--workers", "2") as a,
            _app(ports[1], env, tmp_path / "app-b.log") as b,
        ):
            yield Deployment(
                a,
                b,
                model_log,
                lambda: later.enter_context(
                    live.live_process(worker, tmp_path / "worker.log", env=env, cwd=tmp_path)
                ),
            )
    store.flushdb()
    store.close()


def _register(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=30)
    email = unique_email()
    body = {"email": email, "password": STRONG_PASSWORD, "name": "Аня"}
    assert client.post("/api/auth/register", json=body).status_code == 201
    return client, email


def _login(base: str, email: str, password: str = STRONG_PASSWORD) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30) as client:
        return client.post("/api/auth/login", json={"email": email, "password": password})


def _chat_requests(model_log: Path) -> int:
    return model_log.read_text().count("POST /v1/chat/completions")


def _voice_turn(base: str, client: httpx.Client, text: str) -> dict[str, Any]:
    token = client.post("/api/auth/token").json()["access_token"]
    url = base.replace("http://", "ws://") + f"/ws/voice?access_token={token}"
    with connect(url, open_timeout=30) as ws:

        def until(wanted: str) -> dict[str, Any]:
            while True:
                message = ws.recv(timeout=120)
                if isinstance(message, str) and (event := json.loads(message))["type"] == wanted:
                    return dict(event)
                if isinstance(message, str) and event["type"] == "error":
                    raise AssertionError(event)

        ws.send(json.dumps({"type": "start", "speak": False}))
        until("session_started")
        ws.send(json.dumps({"type": "text", "text": text}))
        completed = until("turn_completed")
        ws.send(json.dumps({"type": "stop"}))
        until("session_ended")
    return completed


def _student_turns(engine: Engine) -> list[int]:
    with Session(engine) as db:
        turns = db.exec(
            select(LessonTurn).where(
                LessonTurn.role == TurnRole.STUDENT, LessonTurn.pipeline == Pipeline.STREAMING
            )
        ).all()
        return [t.id for t in turns if t.id is not None]


def _analysed(engine: Engine, turn_ids: list[int]) -> bool:
    with Session(engine) as db:
        return all(analysis_turns(db, turn) for turn in turn_ids)


def test_two_app_processes_share_sessions_throttle_model_server_worker_and_settings(
    deployment: Deployment, engine: Engine
) -> None:
    a, b = deployment.a, deployment.b

    # Signed in on A (two workers of its own), known on B: by cookie and by bearer token.
    student, email = _register(a)
    assert student.get("/api/auth/me").status_code == 200
    with httpx.Client(base_url=b, cookies=student.cookies, timeout=30) as on_b:
        assert on_b.get("/api/auth/me").json()["email"] == email
    token = student.post("/api/auth/token").json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{b}/api/auth/me", headers=headers).status_code == 200

    # The login throttle counts on both: 5 failures per account and address in all.
    other_email = _register(b)[1]
    failures = [_login(base, other_email, "Wrong password 1") for base in (a, b, a, b, a)]
    assert [r.status_code for r in failures] == [401] * 5
    for base in (a, b):
        refused = _login(base, other_email, "Wrong password 1")
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_attempts"

    # A voice session on each is answered by the one model server.
    before = _chat_requests(deployment.model_log)
    reply_a = _voice_turn(a, student, "Yesterday I goed to the park.")["reply"]
    reply_b = _voice_turn(b, httpx.Client(base_url=b, cookies=student.cookies), "I like tea.")[
        "reply"
    ]
    assert reply_a.strip() and reply_b.strip()
    assert _chat_requests(deployment.model_log) >= before + 2

    # Their analyses wait in Redis until the worker runs them (no app process does).
    turns = _student_turns(engine)
    assert len(turns) == 2 and not _analysed(engine, turns)
    deployment.start_worker()
    wait_until(
        lambda: _analysed(engine, turns), timeout=JOB_DEADLINE_SECONDS, what="the worker's analyses"
    )

    # An admin's provider change through A is in force on B.
    admin = httpx.Client(base_url=a, timeout=30)
    credentials = {"email": make_admin(engine), "password": STRONG_PASSWORD}
    assert admin.post("/api/auth/login", json=credentials).status_code == 200
    changed = admin.put("/api/admin/settings", json={"values": {"openai_llm_model": "smollm2-b"}})
    assert changed.status_code == 200, changed.text
    with httpx.Client(base_url=b, cookies=admin.cookies, timeout=30) as on_b:
        shown = on_b.get("/api/admin/settings").json()
    in_force = {item["key"]: item["value"] for item in shown["items"]}
    assert in_force["openai_llm_model"] == "smollm2-b"
