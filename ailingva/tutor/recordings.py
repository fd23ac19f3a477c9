"""`/api/voice_chat`: the tutor's answer to an uploaded recording, with what it heard."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from ailingva.api.deps import EngineDep, JobsDep, ProvidersDep
from ailingva.auth.deps import ReleasedUser
from ailingva.core.db import DbId
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.providers.audio import FloatAudio, container_of, to_float16k
from ailingva.providers.base import STT_SAMPLE_RATE, ProviderError
from ailingva.tutor.conversation import converse
from ailingva.tutor.pipeline import Speech, transcribe
from ailingva.tutor.replies import collect_reply, student_of, tutor_unavailable
from ailingva.tutor.schemas import TutorReply

router = APIRouter()

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_RECORDING_SECONDS = 120
ACCEPTED_CONTAINERS = frozenset({"wav", "ogg", "webm", "mp3"})


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
    try:
        heard = await transcribe(current, Speech(samples))
    except ProviderError as exc:
        raise tutor_unavailable(exc) from exc
    if not heard.text:
        raise AppError(ErrorCode.NO_SPEECH, "В записи не слышно речи. Попробуйте ещё раз.", 422)
    events = converse(
        engine,
        current,
        jobs,
        student_of(user),
        text=heard.text,
        lesson_id=lesson_id,
        speak=speak,
        timings={"stt": heard.ms},
        student_audio_ms=round(len(samples) / STT_SAMPLE_RATE * 1000),
        uncertain=heard.uncertain,
    )
    return await collect_reply(events, transcript=heard.text)


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
