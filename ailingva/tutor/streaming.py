"""`/api/tutor/message/stream`: the tutor's answer to a typed message as it is made, one NDJSON
line (a `StreamEvent`) per conversation event."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ailingva.api.deps import EngineDep, JobsDep, ProvidersDep
from ailingva.auth.deps import ReleasedUser
from ailingva.core.errors import ErrorCode
from ailingva.lessons.schemas import Correction
from ailingva.providers.base import AudioChunk, ProviderError
from ailingva.tutor.conversation import ConversationEvent, ExchangeStored, LessonOpened, wav_base64
from ailingva.tutor.pipeline import CorrectionsFound, ReplyAudio, ReplyDelta, SpeechFailed
from ailingva.tutor.replies import tutor_reply, tutor_unavailable, typed_turn
from ailingva.tutor.schemas import (
    AudioEvent,
    CorrectionsEvent,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    LessonEvent,
    StreamEvent,
    TutorMessage,
    WaitingEvent,
)
from ailingva.tutor.waiting import Waiting

log = logging.getLogger(__name__)
router = APIRouter()

FAILED = "Что-то пошло не так, ответ не сохранён. Попробуйте ещё раз."

NO_BUFFERING = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


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
    """The same answer as it is made, one JSON object per line: `lesson`, `waiting` (when
    other students' turns are answered first), `corrections`,
    `delta`s of the reply, `audio` per spoken sentence (with `speak`), then `done` with the
    whole result, or `error`."""
    events = typed_turn(body, user, engine, providers, jobs)
    # Lesson errors (not found, ended) are answered with their HTTP status before streaming.
    first = await anext(events)
    return StreamingResponse(
        _ndjson(first, events), media_type="application/x-ndjson", headers=NO_BUFFERING
    )


async def _ndjson(
    first: ConversationEvent, events: AsyncGenerator[ConversationEvent, None]
) -> AsyncIterator[str]:
    try:
        async for line in _lines(first, events):
            yield line.model_dump_json() + "\n"
    except ProviderError as exc:
        error = tutor_unavailable(exc)
        yield ErrorEvent(code=error.code, message=error.message).model_dump_json() + "\n"
    except Exception:
        # The 200 has gone out: any other failure (the database refusing the exchange) still
        # ends the stream with a line the client reads, not a cut connection.
        log.exception("tutor stream failed")
        yield ErrorEvent(code=ErrorCode.INTERNAL_ERROR, message=FAILED).model_dump_json() + "\n"
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
        elif isinstance(event, Waiting):
            yield WaitingEvent(ahead=event.ahead)
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
            yield DoneEvent(result=tutor_reply(event, None, None))
        next_event = await anext(events, None)
        if next_event is None:
            return
        event = next_event


def _sentence_event(index: int, chunks: list[AudioChunk]) -> AudioEvent:
    return AudioEvent(sentence=index, wav_base64=wav_base64(chunks) or "")
