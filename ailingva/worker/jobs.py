"""The one registry of background jobs, by name.

A job is a plain function `job(engine, **kwargs)`: it opens its own short DB session(s), may block
(it runs in a worker thread) and must be idempotent, because every runner retries it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Engine

import ailingva.brain.tasks as brain_tasks

# Jobs write rows whose foreign keys reach every module's tables (user_account, ...), and the
# worker process imports nothing else: without the whole schema its flushes fail.
import ailingva.tables  # noqa: F401

JobArg = int | str
Job = Callable[..., None]

JOBS: Mapping[str, Job] = {
    "analyse_turn": brain_tasks.analyse_turn,  # (turn_id: int) after a student turn is committed
    "summarise_lesson": brain_tasks.summarise_lesson,  # (lesson_id: int) after a lesson ended
}


def run_job(engine: Engine, name: str, kwargs: Mapping[str, JobArg]) -> None:
    JOBS[name](engine, **kwargs)
