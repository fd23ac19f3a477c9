"""`/api/progress`: what the student has learned."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ailingva.api.deps import IdPath, SessionDep
from ailingva.auth.deps import CurrentUser
from ailingva.core.db import utcnow
from ailingva.core.errors import ErrorResponse
from ailingva.progress.outcome import lesson_outcome
from ailingva.progress.schemas import LessonOutcome, ProgressPublic
from ailingva.progress.service import progress

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 422)}
router = APIRouter(prefix="/api/progress", tags=["progress"], responses=ERRORS)


@router.get("/progress")
def get_progress(
    db: SessionDep, user: CurrentUser, days: Annotated[int, Query(ge=1, le=365)] = 30
) -> ProgressPublic:
    """Totals, charts over the last `days` days, weak words with review dates, lesson summaries."""
    assert user.id is not None
    return progress(db, user.id, now=utcnow(), days=days)


@router.get("/lessons/{lesson_id}", responses={404: {"model": ErrorResponse}})
def get_lesson_outcome(lesson_id: IdPath, db: SessionDep, user: CurrentUser) -> LessonOutcome:
    """What a lesson gave: XP, its corrections, new words (`ready` once the brain has
    summarised it, a moment after it ends)."""
    assert user.id is not None
    return lesson_outcome(db, user.id, lesson_id)
