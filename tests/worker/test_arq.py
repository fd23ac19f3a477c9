"""The Redis runner (arq) against the real Redis on 127.0.0.1:6379."""

import asyncio
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from arq.constants import in_progress_key_prefix
from redis.asyncio import Redis
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.core.config import PROJECT_ROOT, Settings
from ailingva.core.db import session_scope
from ailingva.jobs import JOBS
from ailingva.learning.models import StudentWord
from ailingva.worker.models import FailedJob
from ailingva.worker.queue import (
    ArqJobQueue,
    Job,
    RetryPolicy,
    build_job_queue,
    build_worker,
)
from tests.brain.helpers import add_turn, analysis_turns, new_lesson, new_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FAST = RetryPolicy(max_tries=3, base_delay_seconds=0.01, max_delay_seconds=0.05)
SENTENCE = "Yesterday I buyed a magazine"


@pytest.fixture
async def queue_name() -> AsyncIterator[str]:
    name = f"ailingva-test:{uuid.uuid4().hex}"
    yield name
    redis = Redis.from_url(REDIS_URL)
    keys = [k async for k in redis.scan_iter(match=f"arq:*{name}*")]
    await redis.delete(name, *keys)
    await redis.aclose()


async def _run_until_empty(
    engine: Engine, queue_name: str, retry: RetryPolicy, jobs: Mapping[str, Job] = JOBS
) -> None:
    worker = build_worker(
        REDIS_URL, engine, jobs, queue_name=queue_name, retry=retry, burst=True, poll_delay=0.02
    )
    try:
        await asyncio.wait_for(worker.main(), timeout=60)
    finally:
        await worker.close()


def _analyses(engine: Engine, turn: int) -> int:
    with Session(engine) as db:
        return len(analysis_turns(db, turn))


async def test_a_job_enqueued_twice_is_consumed_once(engine: Engine, queue_name: str) -> None:
    turn = add_turn(engine, new_lesson(engine, new_user(engine)), SENTENCE)
    queue = ArqJobQueue(REDIS_URL, engine, JOBS, queue_name=queue_name)
    await queue.start()
    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.aclose()

    await _run_until_empty(engine, queue_name, retry=FAST)

    assert _analyses(engine, turn) == 1
    with Session(engine) as db:
        assert (
            len(
                db.exec(
                    select(BrainEvent).where(BrainEvent.kind == BrainEventKind.ERROR_DETECTED)
                ).all()
            )
            == 2
        )


async def test_a_failing_job_is_retried_then_recorded(engine: Engine, queue_name: str) -> None:
    attempts: list[int] = []

    def always_fails(_: Engine, *, turn_id: int) -> None:
        attempts.append(turn_id)
        raise RuntimeError("model server down")

    queue = ArqJobQueue(REDIS_URL, engine, JOBS, queue_name=queue_name)
    await queue.enqueue("analyse_turn", turn_id=42)
    await queue.aclose()

    await _run_until_empty(engine, queue_name, retry=FAST, jobs={"analyse_turn": always_fails})

    assert attempts == [42, 42, 42]
    with Session(engine) as db:
        (failed,) = db.exec(select(FailedJob)).all()
    assert (failed.name, failed.args, failed.attempts) == ("analyse_turn", {"turn_id": 42}, 3)
    assert "model server down" in failed.error


async def test_a_job_that_fails_once_succeeds_on_retry(engine: Engine, queue_name: str) -> None:
    from ailingva.brain import tasks

    turn = add_turn(engine, new_lesson(engine, new_user(engine)), SENTENCE)
    calls: list[int] = []

    def flaky(e: Engine, *, turn_id: int) -> None:
        calls.append(turn_id)
        if len(calls) == 1:
            raise ConnectionError("lost the database")
        tasks.analyse_turn(e, turn_id=turn_id)

    queue = ArqJobQueue(REDIS_URL, engine, JOBS, queue_name=queue_name)
    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.aclose()
    await _run_until_empty(engine, queue_name, retry=FAST, jobs={"analyse_turn": flaky})

    assert calls == [turn, turn] and _analyses(engine, turn) == 1
    with Session(engine) as db:
        assert db.exec(select(FailedJob)).all() == []


async def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(
    engine: Engine, database_url: str, queue_name: str, tmp_path: Path
) -> None:
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), SENTENCE)
    queue = ArqJobQueue(REDIS_URL, engine, JOBS, queue_name=queue_name)
    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.aclose()

    ready = tmp_path / "ready"
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "tests.worker.killable_worker", database_url, REDIS_URL, queue_name, str(ready)),
        cwd=PROJECT_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert worker.returncode is None, "the worker exited early"
            assert time.monotonic() < deadline, "the worker never started the job"
            await asyncio.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        await asyncio.wait_for(worker.wait(), timeout=30)
    assert _analyses(engine, turn) == 0  # the killed run's writes were never committed

    # The dead worker's lease on the job would expire after the job timeout; expire it now.
    redis = Redis.from_url(REDIS_URL)
    lease = in_progress_key_prefix + queue.job_id("analyse_turn", {"turn_id": turn})
    assert await redis.delete(lease) == 1
    await redis.aclose()
    await _run_until_empty(engine, queue_name, retry=FAST)

    assert _analyses(engine, turn) == 1
    with session_scope(engine) as db:
        words = db.exec(select(StudentWord).where(StudentWord.user_id == user)).all()
        assert sorted((w.word, w.times_wrong) for w in words) == [("bought", 1), ("shop", 1)]


async def test_an_enqueue_redis_refuses_is_recorded_not_raised(engine: Engine) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = closed.getsockname()[1]
        queue = ArqJobQueue(f"redis://127.0.0.1:{port}/0", engine, JOBS)
        await queue.start()  # the app starts even so

        await queue.enqueue("analyse_turn", turn_id=42)
        await queue.aclose()

    with Session(engine) as db:
        (failed,) = db.exec(select(FailedJob)).all()
    assert (failed.name, failed.args, failed.attempts) == ("analyse_turn", {"turn_id": 42}, 1)
    assert failed.error.startswith("not queued in Redis: ConnectionError"), failed.error
    assert f"127.0.0.1:{port}" in failed.error


def test_redis_url_selects_the_arq_runner(settings: Settings, engine: Engine) -> None:
    with_redis = settings.model_copy(update={"redis_url": REDIS_URL})
    assert isinstance(build_job_queue(with_redis, engine, JOBS), ArqJobQueue)
