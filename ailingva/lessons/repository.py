"""The lessons' queries: a student's lessons newest first, and a lesson's conversation (the
STREAMING turns; the brain's ANALYSIS turns are not part of it)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from ailingva.auth.models import UserAccount
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline


def lock_student(db: Session, user_id: int) -> None:
    """Hold the student's account row until the commit: one lesson is numbered at a time."""
    db.exec(select(UserAccount.id).where(UserAccount.id == user_id).with_for_update()).first()


def last_number(db: Session, user_id: int) -> int:
    """The number of the student's latest lesson (0 before the first)."""
    return db.exec(select(func.max(Lesson.number)).where(Lesson.user_id == user_id)).one() or 0


def lesson_count(db: Session, user_id: int) -> int:
    return db.exec(select(func.count()).select_from(Lesson).where(Lesson.user_id == user_id)).one()


def newest_lessons(db: Session, user_id: int, *, limit: int, offset: int = 0) -> list[Lesson]:
    return list(
        db.exec(
            select(Lesson)
            .where(Lesson.user_id == user_id)
            .order_by(col(Lesson.number).desc())
            .limit(limit)
            .offset(offset)
        ).all()
    )


def conversation(db: Session, lesson_id: int) -> list[LessonTurn]:
    return list(
        db.exec(
            select(LessonTurn)
            .where(LessonTurn.lesson_id == lesson_id, LessonTurn.pipeline == Pipeline.STREAMING)
            .order_by(col(LessonTurn.seq))
        ).all()
    )


def turn_counts(db: Session, lesson_ids: Sequence[int]) -> dict[int, int]:
    """Conversation turns per lesson; a lesson without any is left out."""
    if not lesson_ids:
        return {}
    rows = db.exec(
        select(LessonTurn.lesson_id, func.count())
        .where(
            col(LessonTurn.lesson_id).in_(lesson_ids),
            LessonTurn.pipeline == Pipeline.STREAMING,
        )
        .group_by(col(LessonTurn.lesson_id))
    ).all()
    return dict(rows)
