"""The monitor's lessons and jobs: recent lessons of every student (by student, period and
pipeline), a lesson's turns with their stage timings and each student turn's analysis (done,
queued, failed), the queue's depth, and the retry of a failed job."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.core.audit import AuditEntry
from ailingva.core.db import session_scope, utcnow
from ailingva.jobs import JOBS
from ailingva.lessons.models import LessonTurn
from ailingva.lessons.models import TurnRole as Role
from ailingva.worker.models import FailedJob
from ailingva.worker.queue import ArqJobQueue, job_key
from tests.brain.helpers import add_turn, analyse, analysis_turns, new_lesson
from tests.conftest import register, wait_until

REDIS_URL = "redis://127.0.0.1:6379/0"
TIMINGS = {"turn_detect": 310.0, "llm_first_token": 420.5, "end_to_first_audio": 1210.0}


@dataclass
class Seeded:
    anya: int
    boris: int
    old: int  # Аня's, 10 days ago, its student turn analysed
    new: int  # Аня's, an hour ago, its turn not analysed yet
    failed: int  # Бориса, 2 days ago, its turn's analysis failed
    analysed_turn: int
    queued_turn: int
    failed_turn: int
    failed_job: int


def _exchange(engine: Engine, lesson_id: int, said: str) -> int:
    turn = add_turn(engine, lesson_id, said)
    reply = add_turn(engine, lesson_id, "Say: I agree.", role=Role.TUTOR)
    with session_scope(engine) as db:
        stored = db.get(LessonTurn, reply)
        assert stored is not None
        stored.timings = TIMINGS
    return turn


@pytest.fixture
def seeded(engine: Engine, make_client: Callable[[], TestClient]) -> Seeded:
    anya = register(make_client(), name="Аня").id
    boris = register(make_client(), name="Борис").id
    now = utcnow()
    old = new_lesson(engine, anya, started_at=now - timedelta(days=10))
    failed = new_lesson(engine, boris, started_at=now - timedelta(days=2))
    new = new_lesson(engine, anya, started_at=now - timedelta(hours=1))
    analysed_turn = _exchange(engine, old, "I am agree with you.")
    analyse(engine, analysed_turn)
    failed_turn = _exchange(engine, failed, "He go to school.")
    queued_turn = _exchange(engine, new, "I buyed a car.")
    with session_scope(engine) as db:
        job = FailedJob(
            name="analyse_turn", args={"turn_id": failed_turn}, error="OSError: disk", attempts=5
        )
        db.add(job)
        db.flush()
        assert job.id is not None
        job_id = job.id
    return Seeded(anya, boris, old, new, failed, analysed_turn, queued_turn, failed_turn, job_id)


def _ids(admin: TestClient, **params: Any) -> list[int]:
    response = admin.get("/api/admin/tutor/lessons", params=params)
    assert response.status_code == 200, response.text
    return [lesson["id"] for lesson in response.json()["items"]]


def test_recent_lessons_by_student_period_and_pipeline(admin: TestClient, seeded: Seeded) -> None:
    page = admin.get("/api/admin/tutor/lessons").json()
    assert page["total"] == 3
    assert [x["id"] for x in page["items"]] == [seeded.new, seeded.failed, seeded.old]
    newest = page["items"][0]
    assert newest["student"]["id"] == seeded.anya and newest["student"]["name"] == "Аня"
    assert newest["turn_count"] == 2 and newest["analysed_turns"] == 0
    assert page["items"][2]["analysed_turns"] == 1
    assert _ids(admin, student=str(seeded.anya)) == [seeded.new, seeded.old]
    assert _ids(admin, student="орис") == [seeded.failed]  # part of the name
    email = page["items"][1]["student"]["email"]
    assert _ids(admin, student=email[:12].upper()) == [seeded.failed]  # part of the email
    three_days_ago = (utcnow() - timedelta(days=3)).isoformat()
    assert _ids(admin, since=three_days_ago) == [seeded.new, seeded.failed]
    assert _ids(admin, until=three_days_ago) == [seeded.old]
    assert _ids(admin, pipeline="analysis") == [seeded.old]
    assert _ids(admin, pipeline="streaming") == [seeded.new, seeded.failed, seeded.old]
    paged = admin.get("/api/admin/tutor/lessons", params={"limit": 1, "offset": 1}).json()
    assert paged["total"] == 3 and [x["id"] for x in paged["items"]] == [seeded.failed]
    assert admin.get("/api/admin/tutor/lessons", params={"pipeline": "x"}).status_code == 422


def _analysis(admin: TestClient, lesson_id: int) -> dict[str, Any]:
    response = admin.get(f"/api/admin/tutor/lessons/{lesson_id}")
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    (analysis,) = detail["analyses"]
    return dict(analysis)


def test_a_lessons_turns_carry_their_timings_and_each_analysis(
    admin: TestClient, seeded: Seeded
) -> None:
    detail = admin.get(f"/api/admin/tutor/lessons/{seeded.old}").json()
    assert detail["student"]["name"] == "Аня"
    assert [(t["role"], t["timings"]) for t in detail["turns"]] == [
        ("student", {}),
        ("tutor", TIMINGS),
    ]
    (done,) = detail["analyses"]
    assert done["turn_id"] == seeded.analysed_turn and done["status"] == "done"
    assert done["analysed_at"] and done["failed_job"] is None
    (finding,) = done["findings"]
    assert finding["original"] == "I am agree" and finding["pipeline"] == "live"
    assert "error_detected" in [e["kind"] for e in done["events"]]
    failed = _analysis(admin, seeded.failed)
    assert failed["status"] == "failed" and failed["findings"] == [] and failed["events"] == []
    assert failed["failed_job"]["id"] == seeded.failed_job
    assert failed["failed_job"]["error"] == "OSError: disk"
    queued = _analysis(admin, seeded.new)
    assert queued["status"] == "queued" and queued["failed_job"] is None
    missing = admin.get("/api/admin/tutor/lessons/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "lesson_not_found"


def test_a_failed_job_is_retried_once_and_journaled(
    admin: TestClient, seeded: Seeded, engine: Engine
) -> None:
    response = admin.post(f"/api/admin/jobs/failed/{seeded.failed_job}/retry")
    assert response.status_code == 200, response.text
    args = {"turn_id": seeded.failed_turn}
    assert response.json() == {
        "name": "analyse_turn",
        "args": args,
        "key": job_key("analyse_turn", args),
    }
    assert admin.get("/api/admin/jobs/failed").json() == []

    def analysed() -> bool:
        with Session(engine) as db:
            return bool(analysis_turns(db, seeded.failed_turn))

    wait_until(analysed, timeout=30, what="the job run again")
    assert _analysis(admin, seeded.failed)["status"] == "done"
    again = admin.post(f"/api/admin/jobs/failed/{seeded.failed_job}/retry")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "failed_job_not_found"
    (entry,) = admin.get("/api/admin/audit", params={"action": "job.retried"}).json()["items"]
    assert entry["target_id"] == seeded.failed_job
    assert entry["target_label"] == job_key("analyse_turn", args)
    assert entry["reason"] == "OSError: disk"


def test_a_job_no_longer_registered_is_not_retried(admin: TestClient, engine: Engine) -> None:
    with session_scope(engine) as db:
        job = FailedJob(name="retired_job", args={"x": 1}, error="boom", attempts=5)
        db.add(job)
        db.flush()
        job_id = job.id
    response = admin.post(f"/api/admin/jobs/failed/{job_id}/retry")
    assert response.status_code == 409 and response.json()["error"]["code"] == "unknown_job"
    assert [j["id"] for j in admin.get("/api/admin/jobs/failed").json()] == [job_id]
    with Session(engine) as db:
        assert db.exec(select(AuditEntry)).all() == []


def test_the_in_process_queue_depth(admin: TestClient) -> None:
    assert admin.get("/api/admin/jobs/queue").json() == {"runner": "in_process", "depth": 0}


def test_the_redis_queue_depth_and_a_retry_of_a_job_that_just_finished(
    app: FastAPI, admin: TestClient, seeded: Seeded, engine: Engine
) -> None:
    queue = ArqJobQueue(REDIS_URL, engine, JOBS, queue_name=f"test:jobs:{uuid.uuid4().hex}")
    app.state.jobs = queue
    store = redis.Redis.from_url(REDIS_URL)
    args = {"turn_id": seeded.failed_turn}
    # The failed job's last run finished a moment ago: arq still keeps its result.
    result_key = f"arq:result:{queue.job_id('analyse_turn', args)}"
    store.set(result_key, b"x", ex=60)
    try:
        assert admin.get("/api/admin/jobs/queue").json() == {"runner": "redis", "depth": 0}
        assert admin.post(f"/api/admin/jobs/failed/{seeded.failed_job}/retry").status_code == 200
        assert admin.get("/api/admin/jobs/queue").json()["depth"] == 1
    finally:
        admin.portal.call(queue.aclose)  # type: ignore[union-attr]
        store.delete(queue.queue_name, result_key, f"arq:job:{queue.job_id('analyse_turn', args)}")
        store.close()


def test_the_redis_queue_depth_is_unknown_when_redis_is_away(
    app: FastAPI, admin: TestClient, engine: Engine
) -> None:
    app.state.jobs = ArqJobQueue("redis://127.0.0.1:1/0", engine, JOBS)
    assert admin.get("/api/admin/jobs/queue").json() == {"runner": "redis", "depth": None}
