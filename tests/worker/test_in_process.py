"""The in-process runner: jobs run once, are retried with backoff, and failures are kept."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain import tutor_rules
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.jobs import JOBS
from ailingva.worker.models import FailedJob
from ailingva.worker.queue import InProcessJobQueue, RetryPolicy, UnknownJobError
from tests.brain.helpers import add_turn, analysis_turns, new_lesson, new_user

FAST = RetryPolicy(max_tries=3, base_delay_seconds=0.01, max_delay_seconds=0.05)
SENTENCE = "Yesterday I buyed a magazine"


def _error_events(engine: Engine, turn: int) -> int:
    with Session(engine) as db:
        return len(
            db.exec(
                select(BrainEvent).where(
                    BrainEvent.turn_id == turn, BrainEvent.kind == BrainEventKind.ERROR_DETECTED
                )
            ).all()
        )


async def test_a_job_enqueued_twice_analyses_once(engine: Engine) -> None:
    turn = add_turn(engine, new_lesson(engine, new_user(engine)), SENTENCE)
    queue = InProcessJobQueue(engine, JOBS, retry=FAST)
    await queue.start()

    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.join(30)
    await queue.enqueue("analyse_turn", turn_id=turn)  # and once more after it finished
    await queue.aclose()

    with Session(engine) as db:
        assert len(analysis_turns(db, turn)) == 1
    assert _error_events(engine, turn) == 2


async def test_a_job_that_crashes_mid_way_is_retried_to_one_set_of_results(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    turn = add_turn(engine, new_lesson(engine, new_user(engine)), SENTENCE)
    real_rules = tutor_rules.update_rules
    crashes: list[int] = []

    def crash_once(*args: object, **kwargs: object) -> tuple[list[str], list[str]]:
        if not crashes:
            crashes.append(1)
            raise ConnectionError("database went away mid-job")
        return real_rules(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tutor_rules, "update_rules", crash_once)
    queue = InProcessJobQueue(engine, JOBS, retry=FAST)
    await queue.enqueue("analyse_turn", turn_id=turn)
    await queue.join(30)

    assert crashes == [1]
    with Session(engine) as db:
        assert len(analysis_turns(db, turn)) == 1
        assert db.exec(select(FailedJob)).all() == []
    assert _error_events(engine, turn) == 2


async def test_a_failing_job_is_retried_and_then_recorded(engine: Engine) -> None:
    attempts: list[int] = []
    lock = threading.Lock()

    def always_fails(_: Engine, *, turn_id: int) -> None:
        with lock:
            attempts.append(turn_id)
        raise ValueError(f"cannot analyse {turn_id}")

    queue = InProcessJobQueue(engine, {"analyse_turn": always_fails}, retry=FAST)
    await queue.enqueue("analyse_turn", turn_id=7)
    await queue.join(30)

    assert attempts == [7, 7, 7]
    with Session(engine) as db:
        (failed,) = db.exec(select(FailedJob)).all()
    assert (failed.name, failed.args, failed.attempts) == ("analyse_turn", {"turn_id": 7}, 3)
    assert failed.error == "ValueError: cannot analyse 7"


async def test_unknown_jobs_are_refused(engine: Engine) -> None:
    queue = InProcessJobQueue(engine, JOBS)
    with pytest.raises(UnknownJobError):
        await queue.enqueue("analyse_everything", turn_id=1)


def test_backoff_doubles_up_to_a_cap() -> None:
    policy = RetryPolicy(max_tries=10, base_delay_seconds=1, max_delay_seconds=5)
    assert [policy.delay(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]


def test_the_app_runs_jobs_in_process_without_redis(client: TestClient) -> None:
    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    assert isinstance(jobs, InProcessJobQueue)
