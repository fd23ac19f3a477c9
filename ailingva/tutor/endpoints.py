"""`/api/tutor/message`: the tutor answers a typed message in one reply.

The streaming variant is `tutor.streaming`, recordings are `tutor.recordings`; both answer with
the `TutorReply` made here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator

from fastapi import APIRouter
from sqlalchemy import Engine

from ailingva.api.deps import EngineDep, JobsDep, ProvidersDep
from ailingva.auth.deps import ReleasedUser
from ailingva.auth.models import UserAccount
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
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

router = APIRouter(
    tags=["tutor"],
    responses={401: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)

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
    """The whole answer once the exchange is stored, its spoken sentences in one WAV."""
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


@router.post("/api/tutor/message", response_model_exclude_none=True)
async def message(
    body: TutorMessage,
    user: ReleasedUser,
    engine: EngineDep,
    providers: ProvidersDep,
    jobs: JobsDep,
) -> TutorReply:
    """The tutor's answer to a typed message: reply, corrections and (with `speak`) audio."""
    return await collect_reply(typed_turn(body, user, engine, providers, jobs))
