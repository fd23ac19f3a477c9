"""The tutor's routes: `/api/tutor/message` answers a typed message in one reply; its stream
(`tutor.streaming`) and recordings (`tutor.recordings`) join this router, under its tag."""

from __future__ import annotations

from fastapi import APIRouter

from ailingva.api.deps import EngineDep, JobsDep, ProvidersDep
from ailingva.auth.deps import ReleasedUser
from ailingva.core.errors import ErrorResponse
from ailingva.tutor import recordings, streaming
from ailingva.tutor.replies import collect_reply, typed_turn
from ailingva.tutor.schemas import TutorMessage, TutorReply

# Also for the stream and the recordings: a lesson not the student's (404) or ended (409), the
# tutor's model failing (503; the stream says so in a line once it has begun).
router = APIRouter(
    tags=["tutor"],
    responses={code: {"model": ErrorResponse} for code in (401, 404, 409, 422, 503)},
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


router.include_router(streaming.router)
router.include_router(recordings.router)
