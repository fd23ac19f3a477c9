"""The tutor's reply over HTTP, for the typed message, its stream and recordings: the whole
`TutorReply` of a conversation's events, or the 503 of a provider that failed."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator

from sqlalchemy import Engine

from ailingva.auth.models import UserAccount
from ailingva.core.errors import AppError, ErrorCode
from ailingva.lessons.schemas import Correction
from ailingva.providers.base import AudioChunk, ProviderError
from ailingva.providers.registry import ProviderRegistry
from ailingva.tutor.conversation import (
    ConversationEvent,
    ExchangeStored,
    Student,
    converse,
    wav_base64,
)
from ailingva.tutor.pipeline import ReplyAudio
from ailingva.tutor.schemas import TutorMessage, TutorReply
from ailingva.worker.queue import JobQueue

log = logging.getLogger(__name__)

UNAVAILABLE = "Репетитор сейчас недоступен. Попробуйте ещё раз через минуту."


def student_of(user: UserAccount) -> Student:
    assert user.id is not None
    return Student(user.id, user.email)


def typed_turn(
    body: TutorMessage,
    user: UserAccount,
    engine: Engine,
    providers: ProviderRegistry,
    jobs: JobQueue,
) -> AsyncGenerator[ConversationEvent, None]:
    return converse(
        engine,
        providers.current,
        jobs,
        student_of(user),
        text=body.text,
        lesson_id=body.lesson_id,
        speak=body.speak,
    )


def tutor_unavailable(exc: ProviderError) -> AppError:
    log.warning("tutor turn failed: %s", exc)
    return AppError(
        ErrorCode.TUTOR_UNAVAILABLE, UNAVAILABLE, 503, details={"provider_code": str(exc.code)}
    )


async def collect_reply(
    events: AsyncIterator[ConversationEvent], transcript: str | None = None
) -> TutorReply:
    """The whole reply once the exchange is stored, its spoken sentences in one WAV."""
    audio: list[AudioChunk] = []
    try:
        async for event in events:
            if isinstance(event, ReplyAudio):
                audio.append(event.chunk)
            elif isinstance(event, ExchangeStored):
                return tutor_reply(event, transcript, wav_base64(audio))
    except ProviderError as exc:
        raise tutor_unavailable(exc) from exc
    raise AppError(ErrorCode.INTERNAL_ERROR, UNAVAILABLE, 500)


def tutor_reply(stored: ExchangeStored, transcript: str | None, audio: str | None) -> TutorReply:
    return TutorReply(
        lesson_id=stored.lesson_id,
        lesson_number=stored.lesson_number,
        student_turn_id=stored.student_turn_id,
        tutor_turn_id=stored.tutor_turn_id,
        transcript=transcript,
        reply=stored.reply,
        corrections=[Correction.model_validate(f) for f in stored.findings],
        audio_base64=audio,
        timings=stored.timings,
    )
