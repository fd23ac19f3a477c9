"""What one lesson gave (the card the student page shows when the lesson ends): XP, the
lesson's corrections, what the deep analysis found beyond them, and its new words, as the
brain's summary of the lesson left them."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ailingva.brain.summary import MAX_SUMMARY_WORDS
from ailingva.learning.new_words import lesson_new_words
from ailingva.lessons.models import LessonTurn, Pipeline, TurnRole
from ailingva.lessons.schemas import Correction
from ailingva.lessons.service import get_lesson
from ailingva.progress.schemas import DeepFinding, LessonOutcome


def lesson_outcome(db: Session, user_id: int, lesson_id: int) -> LessonOutcome:
    lesson = get_lesson(db, user_id, lesson_id)
    student_turns = db.exec(
        select(LessonTurn)
        .where(
            LessonTurn.lesson_id == lesson_id,
            LessonTurn.pipeline == Pipeline.STREAMING,
            LessonTurn.role == TurnRole.STUDENT,
        )
        .order_by(col(LessonTurn.seq))
    ).all()
    corrections: dict[tuple[str, str], Correction] = {}
    for turn in student_turns:
        for found in turn.corrections:
            correction = Correction.model_validate(found)
            corrections.setdefault((correction.original, correction.correction), correction)
    # The words are counted by the summary's own analysis of every turn: before it, none.
    ready = lesson.summary is not None
    new = lesson_new_words(db, user_id, lesson_id) if ready else []
    deep = [
        DeepFinding.model_validate(found)
        for found in (lesson.summary or {}).get("deep_findings", [])
        if (found["original"], found["correction"]) not in corrections
    ]
    return LessonOutcome(
        lesson_id=lesson_id,
        number=lesson.number,
        status=lesson.status,
        ready=ready,
        xp_earned=lesson.xp_earned,
        student_turns=len(student_turns),
        corrections=list(corrections.values()),
        new_words=new[:MAX_SUMMARY_WORDS],
        deep_findings=deep,
    )
