"""`/api/voice_chat`: the tutor's answer to an uploaded recording, with what it heard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from ailingva.api.deps import EngineDep, JobsDep, ProvidersDep
from ailingva.auth.deps import ReleasedUser
from ailingva.core.db import DbId
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.providers.base import STT_SAMPLE_RATE, ProviderError
from ailingva.tutor.conversation import converse
from ailingva.tutor.pipeline import Speech, transcribe
from ailingva.tutor.replies import collect_reply, student_of, tutor_unavailable
from ailingva.tutor.schemas import TutorReply
from ailingva.tutor.uploads import decode_recording, read_upload

router = APIRouter()


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
    data = await read_upload(audio)
    samples = await decode_recording(data)
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
