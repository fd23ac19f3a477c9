"""The job with the real grammar engine: a typical error becomes an event and a weak word."""

from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain import tasks
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.learning.models import StudentWord, WordStatus
from tests.brain.helpers import add_turn, analysis_turns, new_lesson, new_user


def test_analyse_turn_job_with_the_grammar_engine(engine: Engine) -> None:
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), "Yesterday I buyed a new phone")

    tasks.analyse_turn(engine, turn_id=turn)
    tasks.analyse_turn(engine, turn_id=turn)

    with Session(engine) as db:
        assert len(analysis_turns(db, turn)) == 1
        errors = db.exec(
            select(BrainEvent).where(BrainEvent.kind == BrainEventKind.ERROR_DETECTED)
        ).all()
        assert [(e.payload["original"], e.payload["correction"]) for e in errors] == [
            ("buyed", "bought")
        ]
        word = db.exec(select(StudentWord).where(StudentWord.user_id == user)).one()
        assert (word.word, word.status) == ("bought", WordStatus.WEAK)
