"""The brain's queries that more than one step reads: analysis turns."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ailingva.lessons.models import Lesson, LessonTurn, Pipeline


def analysis_turn(db: Session, student_turn_id: int) -> LessonTurn | None:
    """The marker of an analysed student turn, if it has been analysed."""
    return db.exec(
        select(LessonTurn).where(
            LessonTurn.source_turn_id == student_turn_id,
            LessonTurn.pipeline == Pipeline.ANALYSIS,
        )
    ).first()


def recent_analyses(db: Session, user_id: int, limit: int) -> list[LessonTurn]:
    """The student's last `limit` analysis turns, newest first."""
    return list(
        db.exec(
            select(LessonTurn)
            .join(Lesson, col(Lesson.id) == col(LessonTurn.lesson_id))
            .where(Lesson.user_id == user_id, LessonTurn.pipeline == Pipeline.ANALYSIS)
            .order_by(col(LessonTurn.created_at).desc(), col(LessonTurn.id).desc())
            .limit(limit)
        ).all()
    )
