"""A lesson's turns for the tutor: give the tutor its context, store what was said.

Never commits: the caller's unit of work does (a request, or one short session per voice turn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlmodel import Session, col, func, select

from ailingva.brain import memory as brain_memory
from ailingva.core.db import utcnow
from ailingva.grammar.findings import Finding
from ailingva.lessons import service as lessons
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole
from ailingva.providers.registry import Providers
from ailingva.tutor.prompt import PromptInput, StudentProfile, history_start
from ailingva.users.models import UserProfile
from ailingva.users.service import default_name


def student_profile(db: Session, user_id: int, email: str) -> StudentProfile:
    profile = db.get(UserProfile, user_id)
    if profile is None:
        return StudentProfile(name=default_name(email))
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
        memory=brain_memory.tutor_memory(db, user_id, now=now, lesson_id=lesson_id),
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
    uncertain: Sequence[str] = ()  # what speech-to-text heard without confidence
    providers: Mapping[str, str] = field(default_factory=dict)  # used_providers()


def used_providers(providers: Providers, *, heard: bool, speak: bool) -> dict[str, str]:
    """The engines a turn used, by capability: speech-to-text when the student spoke, speech
    when the reply was spoken, the language model always."""
    used = {"llm": providers.llm.name}
    if heard:
        used["stt"] = providers.stt.name
    if speak:
        used["tts"] = providers.tts.name
    return used


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
    student.uncertain_text = list(exchange.uncertain)
    student.providers = {k: v for k, v in exchange.providers.items() if k == "stt"}
    tutor = new_turn(seq=seq + 2, role=TurnRole.TUTOR, text=exchange.reply)
    tutor.timings = {k: v for k, v in exchange.timings.items() if k not in hearing}
    tutor.audio_ms, tutor.interrupted = exchange.reply_audio_ms, exchange.interrupted
    tutor.providers = {k: v for k, v in exchange.providers.items() if k != "stt"}
    db.add_all((student, tutor))
    lessons.touch(db, lesson, now=utcnow())
    return student, tutor


# Stages that belong to hearing the student rather than to answering.
STUDENT_STAGES = frozenset({"stt", "grammar"})
