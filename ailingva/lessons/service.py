"""Lessons: open, start and end one, a student's list, one with its conversation.

A lesson is one conversation, typed and spoken alike: a turn without a lesson joins the
student's open lesson, and a voice session that stops leaves it open. It ends when the student
ends it, or on its own after IDLE_MINUTES unused (`end_idle_lessons`: a periodic sweep, and
before every open, so an idle lesson is never continued).

Never commits, except `finish_lesson` and `end_idle_lessons`: ending a lesson is followed by
its summary job, which may only be enqueued after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ailingva.core.db import in_session, utcnow
from ailingva.core.errors import AppError, ErrorCode
from ailingva.lessons import repository
from ailingva.lessons.models import Lesson, LessonStatus
from ailingva.lessons.schemas import LessonDetail, LessonList, LessonPublic
from ailingva.worker.queue import JobQueue

IDLE_MINUTES = 30


def get_lesson(db: Session, user_id: int, lesson_id: int) -> Lesson:
    lesson = db.get(Lesson, lesson_id)
    if lesson is None or lesson.user_id != user_id:
        raise AppError(ErrorCode.LESSON_NOT_FOUND, "Урок не найден.", 404)
    return lesson


def open_lesson(db: Session, user_id: int, lesson_id: int | None, *, now: datetime) -> Lesson:
    """The lesson to continue: `lesson_id` (it must be the student's and still going), or
    without it the student's open lesson, or a new one. The lesson is marked as used now."""
    if lesson_id is not None:
        lesson = get_lesson(db, user_id, lesson_id)
        if lesson.status != LessonStatus.ACTIVE or is_idle(lesson, now):
            raise AppError(ErrorCode.LESSON_ENDED, "Этот урок уже закончен: начните новый.", 409)
    else:
        # Held until the commit: turns started at once by one student join one lesson.
        repository.lock_student(db, user_id)
        lesson = current_lesson(db, user_id, now=now) or start_lesson(db, user_id)
    touch(db, lesson, now=now)
    return lesson


def current_lesson(db: Session, user_id: int, *, now: datetime) -> Lesson | None:
    """The student's open lesson (the newest, should there be two), unless it has gone idle."""
    lesson = db.exec(
        select(Lesson)
        .where(Lesson.user_id == user_id, Lesson.status == LessonStatus.ACTIVE)
        .order_by(col(Lesson.number).desc())
        .limit(1)
    ).first()
    return None if lesson is None or is_idle(lesson, now) else lesson


def is_idle(lesson: Lesson, now: datetime) -> bool:
    return lesson.last_active_at <= now - timedelta(minutes=IDLE_MINUTES)


def touch(db: Session, lesson: Lesson, *, now: datetime) -> None:
    """The student uses the lesson now (a turn, a voice session joining or going on)."""
    lesson.last_active_at = max(lesson.last_active_at, now)
    db.add(lesson)
    db.flush()


def keep_open(db: Session, lesson_id: int, *, now: datetime) -> None:
    """A live voice session uses its lesson, turn or no turn: it does not go idle under it."""
    lesson = db.get(Lesson, lesson_id)
    if lesson is not None:
        touch(db, lesson, now=now)


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


async def end_idle_lessons(
    engine: Engine, jobs: JobQueue, *, now: datetime | None = None, user_id: int | None = None
) -> list[int]:
    """End every open lesson (or the student's) unused for IDLE_MINUTES, then ask the brain
    for their summaries; the ids ended. Each lesson is ended once, however many sweeps race:
    only the update that still finds it open ends it. It ends when it was last used, so its
    study day (XP, streak) is the day the student was there."""
    cutoff = (now or utcnow()) - timedelta(minutes=IDLE_MINUTES)

    def work(db: Session) -> list[int]:
        idle = (col(Lesson.status) == LessonStatus.ACTIVE, col(Lesson.last_active_at) <= cutoff)
        query = select(Lesson.id).where(*idle)
        if user_id is not None:
            query = query.where(Lesson.user_id == user_id)
        candidates = [i for i in db.exec(query).all() if i is not None]
        if not candidates:  # the common case writes nothing (no write lock on SQLite)
            return []
        ended = db.execute(
            sa.update(Lesson)
            .where(col(Lesson.id).in_(candidates), *idle)
            .values(status=LessonStatus.ENDED, ended_at=Lesson.last_active_at)
            .returning(col(Lesson.id))
            .execution_options(synchronize_session=False)
        ).scalars()
        return sorted(ended)

    ended = await in_session(engine, work)
    for lesson_id in ended:
        await jobs.enqueue("summarise_lesson", lesson_id=lesson_id)
    return ended


async def finish_lesson(
    engine: Engine, jobs: JobQueue, user_id: int, lesson_id: int
) -> LessonPublic:
    """End the student's lesson (once) and, after the commit, ask the brain for its summary."""

    def work(db: Session) -> tuple[LessonPublic, bool]:
        lesson = get_lesson(db, user_id, lesson_id)
        ended = end_lesson(db, lesson, now=utcnow())
        return public_lessons(db, [lesson])[0], ended

    lesson, ended = await in_session(engine, work)
    if ended:
        await jobs.enqueue("summarise_lesson", lesson_id=lesson_id)
    return lesson


def lesson_list(db: Session, user_id: int, *, limit: int, offset: int) -> LessonList:
    """A page of the student's lessons, newest first, and how many there are in all."""
    rows = repository.newest_lessons(db, user_id, limit=limit, offset=offset)
    return LessonList(items=public_lessons(db, rows), total=repository.lesson_count(db, user_id))


def lesson_detail(db: Session, user_id: int, lesson_id: int) -> LessonDetail:
    lesson = get_lesson(db, user_id, lesson_id)
    turns = repository.conversation(db, lesson_id)
    return LessonDetail.model_validate(
        lesson.model_dump() | {"turn_count": len(turns), "turns": turns}
    )


def open_lesson_detail(db: Session, user_id: int, *, now: datetime) -> LessonDetail | None:
    lesson = current_lesson(db, user_id, now=now)
    return None if lesson is None or lesson.id is None else lesson_detail(db, user_id, lesson.id)


def public_lessons(db: Session, lessons: list[Lesson]) -> list[LessonPublic]:
    """The lessons as the routes give them, with their conversation turns counted."""
    counts = repository.turn_counts(db, [lesson.id for lesson in lessons if lesson.id is not None])
    return [
        LessonPublic.model_validate(
            lesson.model_dump() | {"turn_count": counts.get(lesson.id or 0, 0)}
        )
        for lesson in lessons
    ]
