"""A turn of the text chat or of an uploaded recording, from the student's words to the stored
exchange: the lesson is opened, the tutor answers (tutor_turn, in line with other students'),
the exchange is stored, and the brain's analysis is enqueued after the commit.

The database is touched in short sessions before and after the model works, never during.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.core.db import in_session, utcnow
from ailingva.grammar.findings import Finding
from ailingva.lessons import service as lessons
from ailingva.providers.audio import chunk_to_wav
from ailingva.providers.base import AudioChunk
from ailingva.providers.registry import Providers
from ailingva.tutor import service
from ailingva.tutor.pipeline import CorrectionsFound, ReplyAudio, ReplyDone, TurnEvent
from ailingva.tutor.prompt import PromptInput
from ailingva.tutor.waiting import Waiting, turn_in_line
from ailingva.worker.queue import JobQueue


@dataclass(frozen=True)
class Student:
    user_id: int
    email: str


@dataclass(frozen=True)
class LessonOpened:
    lesson_id: int
    number: int


@dataclass(frozen=True)
class ExchangeStored:
    lesson_id: int
    lesson_number: int
    student_turn_id: int
    tutor_turn_id: int
    findings: tuple[Finding, ...]
    reply: str
    timings: dict[str, float] = field(default_factory=dict)


ConversationEvent = LessonOpened | Waiting | TurnEvent | ExchangeStored


async def prepare_turn(
    engine: Engine, jobs: JobQueue, student: Student, lesson_id: int | None
) -> tuple[LessonOpened, PromptInput]:
    """Open (or continue) the lesson and read what the tutor's prompt needs; commits. A lesson
    of the student's left idle is ended first, so it is not continued."""
    await lessons.end_idle_lessons(engine, jobs, user_id=student.user_id)

    def work(db: Session) -> tuple[LessonOpened, PromptInput]:
        lesson = lessons.open_lesson(db, student.user_id, lesson_id, now=utcnow())
        assert lesson.id is not None
        return LessonOpened(lesson.id, lesson.number), read_prompt(db, student, lesson.id)

    return await in_session(engine, work)


def read_prompt(db: Session, student: Student, lesson_id: int) -> PromptInput:
    """What the tutor's prompt needs now: profile, the brain's memory, the lesson so far."""
    return service.prompt_input(
        db, user_id=student.user_id, email=student.email, lesson_id=lesson_id, now=utcnow()
    )


async def store_exchange(
    engine: Engine,
    jobs: JobQueue,
    student: Student,
    lesson: LessonOpened,
    exchange: service.Exchange,
) -> ExchangeStored:
    """Store the exchange, commit, then hand the student turn to the brain."""

    def work(db: Session) -> tuple[int, int]:
        row = lessons.get_lesson(db, student.user_id, lesson.lesson_id)
        student_turn, tutor_turn_row = service.record_exchange(db, row, exchange)
        assert student_turn.id is not None and tutor_turn_row.id is not None
        return student_turn.id, tutor_turn_row.id

    student_turn_id, tutor_turn_id = await in_session(engine, work)
    await jobs.enqueue("analyse_turn", turn_id=student_turn_id)
    return ExchangeStored(
        lesson.lesson_id,
        lesson.number,
        student_turn_id,
        tutor_turn_id,
        tuple(exchange.findings),
        exchange.reply,
        dict(exchange.timings),
    )


async def converse(
    engine: Engine,
    providers: Providers,
    jobs: JobQueue,
    student: Student,
    *,
    text: str,
    lesson_id: int | None,
    speak: bool,
    timings: Mapping[str, float] | None = None,
    student_audio_ms: int | None = None,
    uncertain: Sequence[str] = (),
) -> AsyncGenerator[ConversationEvent, None]:
    """One text turn as events, ending with ExchangeStored. A consumer that stops early (the
    client went away) leaves nothing stored: the student may send the message again."""
    lesson, prompt = await prepare_turn(engine, jobs, student, lesson_id)
    yield lesson
    findings: tuple[Finding, ...] = ()
    prompt_text = text
    audio_ms = 0.0
    async with aclosing(turn_in_line(providers, prompt, text, speak=speak)) as turn:
        async for event in turn:
            yield event
            if isinstance(event, ReplyAudio):
                audio_ms += event.chunk.duration * 1000
            elif isinstance(event, CorrectionsFound):
                findings, prompt_text = event.findings, event.prompt_text
            elif isinstance(event, ReplyDone):
                exchange = service.Exchange(
                    student_text=text,
                    findings=findings,
                    reply=event.reply,
                    timings={**(timings or {}), **event.timings},
                    prompt_text=prompt_text,
                    student_audio_ms=student_audio_ms,
                    reply_audio_ms=round(audio_ms) if speak else None,
                    uncertain=uncertain,
                    providers=service.used_providers(
                        providers, heard=student_audio_ms is not None, speak=speak
                    ),
                )
                yield await store_exchange(engine, jobs, student, lesson, exchange)


def wav_base64(chunks: list[AudioChunk]) -> str | None:
    if not chunks:
        return None
    pcm = b"".join(c.pcm for c in chunks)
    return base64.b64encode(chunk_to_wav(AudioChunk(pcm, chunks[0].sample_rate))).decode()
