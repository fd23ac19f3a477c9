"""A lesson's turns for the tutor: give the tutor its context, store what was said.

Never commits: the caller's unit of work does (a request, or one short session per voice turn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, col, func, select

from ailingva.brain import memory as brain_memory
from ailingva.grammar.findings import Finding
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole
from ailingva.tutor.prompt import PromptInput, StudentProfile, history_start
from ailingva.users.models import UserProfile


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


def record_exchange(
    db: Session,
    lesson: Lesson,
    *,
    student_text: str,
    findings: Sequence[Finding],
    reply: str,
    timings: Mapping[str, float],
    prompt_text: str | None = None,
    student_audio_ms: int | None = None,
    reply_audio_ms: int | None = None,
    interrupted: bool = False,
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
    student = LessonTurn(
        lesson_id=lesson.id,
        seq=seq + 1,
        role=TurnRole.STUDENT,
        pipeline=Pipeline.STREAMING,
        text=student_text,
        prompt_text=prompt_text,
        corrections=[f.as_json() for f in findings],
        timings={k: v for k, v in timings.items() if k in STUDENT_STAGES},
        audio_ms=student_audio_ms,
    )
    tutor = LessonTurn(
        lesson_id=lesson.id,
        seq=seq + 2,
        role=TurnRole.TUTOR,
        pipeline=Pipeline.STREAMING,
        text=reply,
        timings={k: v for k, v in timings.items() if k not in STUDENT_STAGES},
        audio_ms=reply_audio_ms,
        interrupted=interrupted,
    )
    db.add(student)
    db.add(tutor)
    db.flush()
    return student, tutor


# Stages that belong to hearing the student rather than to answering.
STUDENT_STAGES = frozenset({"stt", "grammar"})
