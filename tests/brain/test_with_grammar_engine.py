"""The real path: the grammar engine checks the student's text, the live pipeline stores the
findings with the turn, and the analysis job turns them into events, a weak word and a rule."""

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ailingva.brain import tasks
from ailingva.brain.models import BrainEvent, BrainEventKind, RuleStatus, TutorRule
from ailingva.core.db import session_scope
from ailingva.grammar.checker import get_checker
from ailingva.learning.models import StudentWord, WordStatus
from ailingva.lessons.models import Lesson
from ailingva.tutor import service as tutor
from tests.brain.helpers import analysis_turns, new_lesson, new_user

SAID = [
    "Yesterday I buyed a new phone and he go to work",
    "She like green tea very much",
    "Every day he go to work",
]


def _store_checked_turn(engine: Engine, lesson_id: int, text: str) -> int:
    """What a live turn stores: the student's text with the grammar engine's findings."""
    findings = get_checker().check(text)
    with session_scope(engine) as db:
        lesson = db.get(Lesson, lesson_id)
        assert lesson is not None
        exchange = tutor.Exchange(student_text=text, findings=findings, reply="I see.", timings={})
        student, _ = tutor.record_exchange(db, lesson, exchange)
        assert student.id is not None
        return student.id


def test_the_grammar_engine_findings_reach_the_analysis(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    turns = [_store_checked_turn(engine, lesson, text) for text in SAID]

    for turn in turns:
        tasks.analyse_turn(engine, turn_id=turn)
    tasks.analyse_turn(engine, turn_id=turns[0])  # a second run changes nothing

    with Session(engine) as db:
        assert all(len(analysis_turns(db, turn)) == 1 for turn in turns)
        errors = db.exec(
            select(BrainEvent)
            .where(BrainEvent.kind == BrainEventKind.ERROR_DETECTED)
            .order_by(col(BrainEvent.id))
        ).all()
        assert [(e.payload["original"], e.payload["correction"]) for e in errors] == [
            ("buyed", "bought"),
            ("go", "goes"),
            ("like", "likes"),
            ("go", "goes"),
        ]
        word = db.exec(select(StudentWord).where(StudentWord.user_id == user)).one()
        assert (word.word, word.status) == ("bought", WordStatus.WEAK)
        rule = db.exec(select(TutorRule).where(TutorRule.user_id == user)).one()
        assert (rule.trigger, rule.status, rule.evidence_count) == (
            "agreement",
            RuleStatus.ACTIVE,
            3,
        )
