"""`/api/progress`: what the student has learned."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ailingva.api.deps import SessionDep
from ailingva.auth.deps import CurrentUser
from ailingva.core.db import utcnow
from ailingva.core.errors import ErrorResponse
from ailingva.progress.schemas import ProgressPublic
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
