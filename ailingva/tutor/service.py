"""Lessons and their turns: open a lesson, give the tutor its context, store what was said.

Never commits: the caller's unit of work does (a request, or one short session per voice turn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from ailingva.brain import memory as brain_memory
from ailingva.core.errors import AppError, ErrorCode
from ailingva.grammar.findings import Finding
from ailingva.lessons.models import Lesson, LessonStatus, LessonTurn, Pipeline, TurnRole
from ailingva.tutor.prompt import PromptInput, StudentProfile, history_start
from ailingva.users.models import UserProfile


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
    """A new lesson numbered after the student's last. Two lessons started at the same moment
    on PostgreSQL race for the number: the loser retries with the next one."""
    for _ in range(3):
        last = db.exec(select(func.max(Lesson.number)).where(Lesson.user_id == user_id)).one()
        lesson = Lesson(user_id=user_id, number=(last or 0) + 1)
        try:
            with db.begin_nested():
                db.add(lesson)
                db.flush()
        except sa.exc.IntegrityError:
            continue
        return lesson
    raise AppError(ErrorCode.CONFLICT, "Не удалось начать урок, попробуйте ещё раз.", 409)


def end_lesson(db: Session, lesson: Lesson, *, now: datetime) -> bool:
    """End the lesson; True if this call ended it (the caller then enqueues its summary)."""
    if lesson.status == LessonStatus.ENDED:
        return False
    lesson.status = LessonStatus.ENDED
    lesson.ended_at = now
    db.add(lesson)
    db.flush()
    return True


def student_profile(db: Session, user_id: int, email: str) -> StudentProfile:
    profile = db.get(UserProfile, user_id)
    if profile is None:
        return StudentProfile(name=email.split("@")[0])
    return StudentProfile(
        name=profile.display_name,
        level=str(profile.level),
        goals=tuple(profile.goals),
        interests=tuple(profile.interests),
    )


def history(db: Session, lesson_id: int) -> list[tuple[str, str]]:
    """The part of the lesson's conversation the model sees, oldest first."""
    streaming = (LessonTurn.lesson_id == lesson_id, LessonTurn.pipeline == Pipeline.STREAMING)
    total = db.exec(select(func.count()).select_from(LessonTurn).where(*streaming)).one()
    rows = db.exec(
        select(LessonTurn.role, func.coalesce(LessonTurn.prompt_text, LessonTurn.text))
        .where(*streaming)
        .order_by(col(LessonTurn.seq))
        .offset(history_start(total))
    ).all()
    return [(str(role), text) for role, text in rows if text]


def prompt_input(
    db: Session, *, user_id: int, email: str, lesson_id: int, now: datetime
) -> PromptInput:
    return PromptInput(
        profile=student_profile(db, user_id, email),
        memory=brain_memory.tutor_memory(db, user_id, now=now),
        history=history(db, lesson_id),
    )


@dataclass(frozen=True)
class Exchange:
    """One student turn and the tutor's answer, as they are stored."""

    student_text: str
    findings: Sequence[Finding]
    reply: str
    timings: Mapping[str, float]
    prompt_text: str | None = None  # the student's message as the model was given it
    student_audio_ms: int | None = None
    reply_audio_ms: int | None = None
    interrupted: bool = False


def record_exchange(
    db: Session, lesson: Lesson, exchange: Exchange
) -> tuple[LessonTurn, LessonTurn]:
    """Store a student turn and the tutor's answer (STREAMING pipeline)."""
    assert lesson.id is not None
    # Analysis turns are numbered apart (the brain's), so the conversation counts only its own.
    last = db.exec(
        select(func.max(LessonTurn.seq)).where(
            LessonTurn.lesson_id == lesson.id, LessonTurn.pipeline == Pipeline.STREAMING
        )
    ).one()
    seq = last or 0
    new_turn = partial(LessonTurn, lesson_id=lesson.id, pipeline=Pipeline.STREAMING)
    hearing = {k: v for k, v in exchange.timings.items() if k in STUDENT_STAGES}
    student = new_turn(seq=seq + 1, role=TurnRole.STUDENT, text=exchange.student_text)
    student.prompt_text = exchange.prompt_text
    student.corrections = [f.as_json() for f in exchange.findings]
    student.timings, student.audio_ms = hearing, exchange.student_audio_ms
    tutor = new_turn(seq=seq + 2, role=TurnRole.TUTOR, text=exchange.reply)
    tutor.timings = {k: v for k, v in exchange.timings.items() if k not in hearing}
    tutor.audio_ms, tutor.interrupted = exchange.reply_audio_ms, exchange.interrupted
    db.add_all((student, tutor))
    db.flush()
    return student, tutor


# Stages that belong to hearing the student rather than to answering.
STUDENT_STAGES = frozenset({"stt", "grammar"})


def lessons_of(db: Session, user_id: int, *, limit: int, offset: int) -> tuple[list[Lesson], int]:
    total = db.exec(select(func.count()).select_from(Lesson).where(Lesson.user_id == user_id)).one()
    rows = db.exec(
        select(Lesson)
        .where(Lesson.user_id == user_id)
        .order_by(col(Lesson.number).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def turn_counts(db: Session, lesson_ids: Sequence[int]) -> dict[int, int]:
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


def conversation(db: Session, lesson_id: int) -> list[LessonTurn]:
    return list(
        db.exec(
            select(LessonTurn)
            .where(LessonTurn.lesson_id == lesson_id, LessonTurn.pipeline == Pipeline.STREAMING)
            .order_by(col(LessonTurn.seq))
        ).all()
    )
