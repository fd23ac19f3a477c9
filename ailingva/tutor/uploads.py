"""An uploaded recording (the student's, or an admin's dictated rule): read within a size
limit, decoded to 16 kHz samples, refused with a clear code when it cannot be."""

from __future__ import annotations

import asyncio

from fastapi import UploadFile

from ailingva.core.errors import AppError, ErrorCode
from ailingva.providers.audio import FloatAudio, container_of, to_float16k
from ailingva.providers.base import STT_SAMPLE_RATE, ProviderError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_RECORDING_SECONDS = 120
ACCEPTED_CONTAINERS = frozenset({"wav", "ogg", "webm", "mp3"})


async def read_upload(audio: UploadFile) -> bytes:
    """The file's bytes, one past the limit at most (decode_recording refuses those)."""
    return await audio.read(MAX_UPLOAD_BYTES + 1)


async def decode_recording(data: bytes) -> FloatAudio:
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
