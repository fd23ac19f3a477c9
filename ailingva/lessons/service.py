"""Lessons: open, start and end one, a student's list, one with its conversation.

Never commits, except `finish_lesson`: ending a lesson is followed by its summary job, which
may only be enqueued after the commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.core.db import in_session, utcnow
from ailingva.core.errors import AppError, ErrorCode
from ailingva.lessons import repository
from ailingva.lessons.models import Lesson, LessonStatus
from ailingva.lessons.schemas import LessonDetail, LessonList, LessonPublic
from ailingva.worker.queue import JobQueue


def get_lesson(db: Session, user_id: int, lesson_id: int) -> Lesson:
    lesson = db.get(Lesson, lesson_id)
    if lesson is None or lesson.user_id != user_id:
        raise AppError(ErrorCode.LESSON_NOT_FOUND, "Урок не найден.", 404)
    return lesson


def open_lesson(db: Session, user_id: int, lesson_id: int | None) -> Lesson:
    """The lesson to continue (it must be the student's and still going), or a new one."""
    if lesson_id is not None:
        lesson = get_lesson(db, user_id, lesson_id)
        if lesson.status != LessonStatus.ACTIVE:
            raise AppError(ErrorCode.LESSON_ENDED, "Этот урок уже закончен: начните новый.", 409)
        return lesson
    return start_lesson(db, user_id)


def start_lesson(db: Session, user_id: int) -> Lesson:
    """A new lesson numbered after the student's last. Lessons started by one student at the
    same moment take their numbers one after the other: the student's account row is locked
    until the commit (on PostgreSQL; SQLite's write lock serialises them anyway), so none
    races for a number (30 parallel starts used to end in `conflict`)."""
    repository.lock_student(db, user_id)
    lesson = Lesson(user_id=user_id, number=repository.last_number(db, user_id) + 1)
    try:
        with db.begin_nested():
            db.add(lesson)
            db.flush()
    except sa.exc.IntegrityError as exc:  # the student's account is gone
        raise AppError(
            ErrorCode.CONFLICT, "Не удалось начать урок, попробуйте ещё раз.", 409
        ) from exc
    return lesson


def end_lesson(db: Session, lesson: Lesson, *, now: datetime) -> bool:
    """End the lesson; True if this call ended it (the caller then enqueues its summary)."""
    if lesson.status == LessonStatus.ENDED:
        return False
    lesson.status = LessonStatus.ENDED
    lesson.ended_at = now
    db.add(lesson)
    db.flush()
    return True


async def finish_lesson(
    engine: Engine, jobs: JobQueue, user_id: int, lesson_id: int
) -> LessonPublic:
    """End the student's lesson (once) and, after the commit, ask the brain for its summary."""

    def work(db: Session) -> tuple[LessonPublic, bool]:
        lesson = get_lesson(db, user_id, lesson_id)
        ended = end_lesson(db, lesson, now=utcnow())
        return _public(db, [lesson])[0], ended

    lesson, ended = await in_session(engine, work)
    if ended:
        await jobs.enqueue("summarise_lesson", lesson_id=lesson_id)
    return lesson


def lesson_list(db: Session, user_id: int, *, limit: int, offset: int) -> LessonList:
    """A page of the student's lessons, newest first, and how many there are in all."""
    rows = repository.newest_lessons(db, user_id, limit=limit, offset=offset)
    return LessonList(items=_public(db, rows), total=repository.lesson_count(db, user_id))


def lesson_detail(db: Session, user_id: int, lesson_id: int) -> LessonDetail:
    lesson = get_lesson(db, user_id, lesson_id)
    turns = repository.conversation(db, lesson_id)
    return LessonDetail.model_validate(
        lesson.model_dump() | {"turn_count": len(turns), "turns": turns}
    )


def _public(db: Session, lessons: list[Lesson]) -> list[LessonPublic]:
    counts = repository.turn_counts(db, [lesson.id for lesson in lessons if lesson.id is not None])
    return [
        LessonPublic.model_validate(
            lesson.model_dump() | {"turn_count": counts.get(lesson.id or 0, 0)}
        )
        for lesson in lessons
    ]
