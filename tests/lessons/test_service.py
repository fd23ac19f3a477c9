"""Lessons started at the same moment: each gets its own number.

Runs on SQLite (which serialises the two) and on PostgreSQL, where the two transactions race
for the number and the loser takes the next one.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import Engine

from ailingva.core.db import session_scope
from ailingva.lessons import service
from tests.brain.helpers import new_user


def test_two_lessons_started_at_once_are_numbered_one_after_the_other(engine: Engine) -> None:
    user_id = new_user(engine)
    barrier = Barrier(2)

    def start(_: int) -> int:
        barrier.wait()
        with session_scope(engine) as db:
            return service.start_lesson(db, user_id).number

    with ThreadPoolExecutor(max_workers=2) as pool:
        numbers = sorted(pool.map(start, range(2)))
    assert numbers == [1, 2]
