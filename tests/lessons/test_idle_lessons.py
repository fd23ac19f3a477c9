"""Lessons unused for 30 minutes end on their own, however the page was left: the periodic
sweep (in the app's own runner and as the Redis worker's cron job) and the check before every
open. Each ends once, on the day it was last used, and is summarised once. Runs on SQLite and
on PostgreSQL, where concurrent sweeps race for the same lessons."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.core.db import session_scope, utcnow
from ailingva.jobs import JOBS, PERIODIC
from ailingva.lessons.models import Lesson, LessonStatus
from ailingva.lessons.service import IDLE_MINUTES, end_idle_lessons
from ailingva.worker.queue import InProcessJobQueue, JobArg, JobQueue, Periodic, build_worker
from tests.brain.helpers import add_turn, end_lesson, new_lesson, new_user
from tests.conftest import register, wait_until
from tests.worker.test_arq import (
    FAST,
    REDIS_URL,
    queue_name,  # noqa: F401 (a fixture)
)


class RecordingQueue(JobQueue):
    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, JobArg]]] = []

    async def enqueue(self, job: str, /, **kwargs: JobArg) -> None:
        self.jobs.append((job, kwargs))

    def knows(self, job: str) -> bool:
        return True

    async def depth(self) -> int:
        return 0


def _used_at(engine: Engine, lesson_id: int, moment: datetime) -> None:
    with session_scope(engine) as db:
        lesson = db.get(Lesson, lesson_id)
        assert lesson is not None
        lesson.last_active_at = moment


def _lesson(engine: Engine, lesson_id: int) -> Lesson:
    with Session(engine) as db:
        lesson = db.get(Lesson, lesson_id)
        assert lesson is not None
        return lesson


def _idle_lesson(engine: Engine, minutes_ago: float = IDLE_MINUTES + 1) -> tuple[int, datetime]:
    lesson = new_lesson(engine, new_user(engine))
    add_turn(engine, lesson, "I like cats.")
    moment = utcnow() - timedelta(minutes=minutes_ago)
    _used_at(engine, lesson, moment)
    return lesson, moment


async def test_the_sweep_ends_idle_lessons_once_and_asks_for_their_summaries(
    engine: Engine,
) -> None:
    idle, last_used = _idle_lesson(engine)
    fresh, _ = _idle_lesson(engine, minutes_ago=IDLE_MINUTES - 1)
    ended_before = new_lesson(engine, new_user(engine))
    end_lesson(engine, ended_before, at=utcnow() - timedelta(hours=2))
    queue = RecordingQueue()

    # Three sweeps at once (on PostgreSQL they race for the row): one of them ends it.
    swept = await asyncio.gather(*(end_idle_lessons(engine, queue) for _ in range(3)))
    assert sorted(lesson for ended in swept for lesson in ended) == [idle]
    assert queue.jobs == [("summarise_lesson", {"lesson_id": idle})]
    assert await end_idle_lessons(engine, queue) == []
    assert len(queue.jobs) == 1

    lesson = _lesson(engine, idle)
    assert lesson.status == LessonStatus.ENDED
    # It ended when the student was last there: the XP and the streak go to that day.
    assert lesson.ended_at is not None and abs(lesson.ended_at - last_used) < timedelta(seconds=1)
    assert _lesson(engine, fresh).status == LessonStatus.ACTIVE
    assert _lesson(engine, ended_before).summary is None  # not the sweep's: nothing asked


async def test_the_in_process_runner_sweeps_and_the_summary_is_written(engine: Engine) -> None:
    idle, _ = _idle_lesson(engine)
    sweep = PERIODIC["end_idle_lessons"]
    queue = InProcessJobQueue(
        engine, JOBS, retry=FAST, periodic={"end_idle_lessons": Periodic(sweep.run, 1)}
    )
    await queue.start()
    try:
        deadline = time.monotonic() + 30
        while _lesson(engine, idle).summary is None:
            assert time.monotonic() < deadline, "the sweep never summarised the idle lesson"
            await asyncio.sleep(0.05)
    finally:
        await queue.aclose()
    assert _lesson(engine, idle).status == LessonStatus.ENDED


async def test_the_redis_worker_sweeps_as_a_cron_job(
    engine: Engine,
    queue_name: str,  # noqa: F811 (the fixture)
) -> None:
    idle, _ = _idle_lesson(engine)
    worker = build_worker(
        REDIS_URL,
        engine,
        JOBS,
        periodic=PERIODIC,
        queue_name=queue_name,
        retry=FAST,
        burst=True,
        poll_delay=0.02,
    )
    try:
        (cron,) = worker.cron_jobs
        assert cron.second == {0}  # once a minute
        await cron.coroutine({})  # the tick: the idle lesson ends, its summary is queued
        assert _lesson(engine, idle).status == LessonStatus.ENDED
        await asyncio.wait_for(worker.main(), timeout=60)  # the worker writes the summary
    finally:
        await worker.close()
    assert _lesson(engine, idle).summary is not None


def test_an_idle_lesson_is_never_continued(client: TestClient, engine: Engine) -> None:
    register(client)
    first = client.post("/api/tutor/message", json={"text": "I like cats."}).json()
    long_ago = utcnow() - timedelta(minutes=IDLE_MINUTES, seconds=5)
    _used_at(engine, first["lesson_id"], long_ago)

    assert client.get("/api/tutor/lessons/open").json() is None
    again: Any = client.post(
        "/api/tutor/message", json={"text": "Hi!", "lesson_id": first["lesson_id"]}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "lesson_ended"
    second = client.post("/api/tutor/message", json={"text": "Hi!"}).json()
    assert second["lesson_number"] == 2

    def summarised() -> bool:
        return _lesson(engine, first["lesson_id"]).summary is not None

    wait_until(summarised, timeout=30, what="the idle lesson's summary")
    assert _lesson(engine, first["lesson_id"]).status == LessonStatus.ENDED
    assert client.get("/api/tutor/lessons/open").json()["id"] == second["lesson_id"]
