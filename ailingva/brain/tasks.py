"""The brain's background jobs (registered by name in `ailingva.jobs`)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from ailingva.brain import analysis, repository, summary
from ailingva.brain.deep import DeepPass, process_deep_pass
from ailingva.core.db import session_scope, utcnow

log = logging.getLogger(__name__)


def analyse_turn(engine: Engine, *, turn_id: int, deep: DeepPass | None = None) -> None:
    """Analyse one student turn (enqueue after the commit that stored the turn), with the deep
    pass: `deep`, or the process's own (the in-process runner's and the Redis worker's)."""
    deep = deep or process_deep_pass()
    try:
        with session_scope(engine) as db:
            analysis.analyse_student_turn(db, turn_id, now=utcnow(), deep=deep)
    except IntegrityError:
        # A concurrent run of the same job won the race for the analysis turn: done.
        with session_scope(engine) as db:
            if repository.analysis_turn(db, turn_id) is not None:
                log.info("turn %s was analysed by a concurrent run", turn_id)
                return
        raise


def summarise_lesson(engine: Engine, *, lesson_id: int, deep: DeepPass | None = None) -> None:
    """Summarise an ended lesson (enqueue after the commit that ended it); turns not analysed
    yet are analysed first, with the deep pass."""
    deep = deep or process_deep_pass()
    with session_scope(engine) as db:
        summary.summarise_lesson(db, lesson_id, now=utcnow(), deep=deep)
