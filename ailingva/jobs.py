"""The job table: every module's background jobs, by name (the queue is handed it in `main.py`
and `cli.py`; whoever enqueues a job names it and imports none of this)."""

from collections.abc import Mapping

# Jobs write rows whose foreign keys reach every module's tables (user_account, ...), and the
# worker process imports nothing else: without the whole schema its flushes fail.
import ailingva.tables  # noqa: F401
from ailingva.brain import tasks as brain_tasks
from ailingva.lessons import service as lessons
from ailingva.worker.queue import Job, Periodic

JOBS: Mapping[str, Job] = {
    "analyse_turn": brain_tasks.analyse_turn,  # (turn_id: int) after a student turn is committed
    "summarise_lesson": brain_tasks.summarise_lesson,  # (lesson_id: int) after a lesson ended
}

PERIODIC: Mapping[str, Periodic] = {
    # Lessons unused for 30 minutes end (and are summarised), however the page was left.
    "end_idle_lessons": Periodic(lessons.end_idle_lessons, every_seconds=60),
}
