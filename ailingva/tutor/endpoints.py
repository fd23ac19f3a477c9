"""`/api/tutor` and `/api/voice_chat`: the tutor answers typed messages and recordings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from ailingva.api.deps import EngineDep, JobsDep, ProvidersDep
from ailingva.auth.deps import ReleasedUser
from ailingva.auth.models import UserAccount
from ailingva.core.db import DbId
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.lessons.schemas import Correction
from ailingva.providers.audio import FloatAudio, container_of, to_float16k
from ailingva.providers.base import STT_SAMPLE_RATE, AudioChunk, ProviderError
from ailingva.providers.registry import ProviderRegistry
from ailingva.tutor.conversation import (
    ConversationEvent,
    ExchangeStored,
    LessonOpened,
    Student,
    converse,
    wav_base64,
)
from ailingva.tutor.pipeline import CorrectionsFound, ReplyAudio, ReplyDelta, SpeechFailed
from ailingva.tutor.schemas import (
    AudioEvent,
    CorrectionsEvent,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    LessonEvent,
    StreamEvent,
    TutorMessage,
    TutorReply,
)
from ailingva.worker.queue import JobQueue

log = logging.getLogger(__name__)

router = APIRouter(
    tags=["tutor"],
    responses={401: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_RECORDING_SECONDS = 120
ACCEPTED_CONTAINERS = frozenset({"wav", "ogg", "webm", "mp3"})
UNAVAILABLE = "Репетитор сейчас недоступен. Попробуйте ещё раз через минуту."


def _student(user: UserAccount) -> Student:
    assert user.id is not None
    return Student(user.id, user.email)


def _typed_turn(
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
        _student(user),
        text=body.text,
        lesson_id=body.lesson_id,
        speak=body.speak,
    )


def _unavailable(exc: ProviderError) -> AppError:
    log.warning("tutor turn failed: %s", exc)
    return AppError(
        ErrorCode.TUTOR_UNAVAILABLE, UNAVAILABLE, 503, details={"provider_code": str(exc.code)}
    )


async def _reply(
    events: AsyncIterator[ConversationEvent], transcript: str | None = None
) -> TutorReply:
    audio: list[AudioChunk] = []
    try:
        async for event in events:
            if isinstance(event, ReplyAudio):
                audio.append(event.chunk)
            elif isinstance(event, ExchangeStored):
                return _result(event, transcript, wav_base64(audio))
    except ProviderError as exc:
        raise _unavailable(exc) from exc
    raise AppError(ErrorCode.INTERNAL_ERROR, UNAVAILABLE, 500)


def _result(stored: ExchangeStored, transcript: str | None, audio: str | None) -> TutorReply:
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
    return await _reply(_typed_turn(body, user, engine, providers, jobs))


@router.post(
    "/api/tutor/message/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "model": StreamEvent}},
)
async def message_stream(
    body: TutorMessage,
    user: ReleasedUser,
    engine: EngineDep,
    providers: ProvidersDep,
    jobs: JobsDep,
) -> StreamingResponse:
    """The same answer as it is made, one JSON object per line: `lesson`, `corrections`,
    `delta`s of the reply, `audio` per spoken sentence (with `speak`), then `done` with the
    whole result, or `error`."""
    events = _typed_turn(body, user, engine, providers, jobs)
    # Lesson errors (not found, ended) are answered with their HTTP status before streaming.
    first = await anext(events)
    return StreamingResponse(
        _ndjson(first, events), media_type="application/x-ndjson", headers=NO_BUFFERING
    )


NO_BUFFERING = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def _ndjson(
    first: ConversationEvent, events: AsyncGenerator[ConversationEvent, None]
) -> AsyncIterator[str]:
    try:
        async for line in _lines(first, events):
            yield line.model_dump_json() + "\n"
    except ProviderError as exc:
        log.warning("tutor turn failed: %s", exc)
        yield ErrorEvent(code=ErrorCode.TUTOR_UNAVAILABLE, message=UNAVAILABLE).model_dump_json()
        yield "\n"
    finally:
        await events.aclose()


async def _lines(
    first: ConversationEvent, events: AsyncIterator[ConversationEvent]
) -> AsyncIterator[StreamEvent]:
    sentence_audio: dict[int, list[AudioChunk]] = {}
    event = first
    while True:
        if isinstance(event, LessonOpened):
            yield LessonEvent(lesson_id=event.lesson_id, lesson_number=event.number)
        elif isinstance(event, CorrectionsFound):
            yield CorrectionsEvent(
                corrections=[Correction.model_validate(f) for f in event.findings]
            )
        elif isinstance(event, ReplyDelta):
            yield DeltaEvent(text=event.text)
        elif isinstance(event, ReplyAudio):
            # A browser plays whole files: each sentence is sent once it is all spoken.
            for index in [i for i in sentence_audio if i < event.sentence]:
                yield _sentence_event(index, sentence_audio.pop(index))
            sentence_audio.setdefault(event.sentence, []).append(event.chunk)
        elif isinstance(event, SpeechFailed):
            yield ErrorEvent(code=str(event.error.code), message="Не удалось озвучить ответ.")
        elif isinstance(event, ExchangeStored):
            for index in sorted(sentence_audio):
                yield _sentence_event(index, sentence_audio.pop(index))
            yield DoneEvent(result=_result(event, None, None))
        next_event = await anext(events, None)
        if next_event is None:
            return
        event = next_event


def _sentence_event(index: int, chunks: list[AudioChunk]) -> AudioEvent:
    return AudioEvent(sentence=index, wav_base64=wav_base64(chunks) or "")


@router.post(
    "/api/voice_chat",
    response_model_exclude_none=True,
    responses={413: {"model": ErrorResponse}, 415: {"model": ErrorResponse}},
)
async def voice_chat(
    audio: Annotated[UploadFile, File(description="A recording: WAV, OGG, WebM or MP3")],
    user: ReleasedUser,
    engine: EngineDep,
    providers: ProvidersDep,
    jobs: JobsDep,
    lesson_id: Annotated[DbId | None, Form()] = None,
    speak: Annotated[bool, Form()] = True,
) -> TutorReply:
    """The tutor's answer to a recording, with what it heard (`transcript`)."""
    data = await audio.read(MAX_UPLOAD_BYTES + 1)
    samples = await _decode_recording(data)
    current = providers.current
    stt_start = asyncio.get_running_loop().time()
    try:
        heard = await current.stt.transcribe(samples, "en")
    except ProviderError as exc:
        raise _unavailable(exc) from exc
    stt_ms = round((asyncio.get_running_loop().time() - stt_start) * 1000, 1)
    text = heard.text.strip()
    if not text:
        raise AppError(ErrorCode.NO_SPEECH, "В записи не слышно речи. Попробуйте ещё раз.", 422)
    events = converse(
        engine,
        current,
        jobs,
        _student(user),
        text=text[:1000],
        lesson_id=lesson_id,
        speak=speak,
        timings={"stt": stt_ms},
        student_audio_ms=round(len(samples) / STT_SAMPLE_RATE * 1000),
    )
    return await _reply(events, transcript=text)


async def _decode_recording(data: bytes) -> FloatAudio:
    if not data:
        raise AppError(ErrorCode.AUDIO_EMPTY, "Файл пустой: запишите фразу ещё раз.", 422)
    if len(data) > MAX_UPLOAD_BYTES:
        raise AppError(
            ErrorCode.AUDIO_TOO_LARGE,
            f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.",
            413,
        )
    if container_of(data) not in ACCEPTED_CONTAINERS:
        raise AppError(
            ErrorCode.AUDIO_UNSUPPORTED, "Нужна запись в формате WAV, OGG, WebM или MP3.", 415
        )
    try:
        samples = await asyncio.to_thread(to_float16k, data, provider="upload")
    except ProviderError as exc:
        raise AppError(
            ErrorCode.AUDIO_UNDECODABLE, "Не удалось прочитать запись: файл повреждён.", 422
        ) from exc
    if len(samples) > MAX_RECORDING_SECONDS * STT_SAMPLE_RATE:
        raise AppError(
            ErrorCode.AUDIO_TOO_LONG,
            f"Запись длиннее {MAX_RECORDING_SECONDS // 60} минут: отправьте фразу покороче.",
            422,
        )
    return samples
