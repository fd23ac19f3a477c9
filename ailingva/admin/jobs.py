"""`/api/admin/jobs`: background jobs that failed after their last retry."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ailingva.api.deps import SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.errors import ErrorResponse
from ailingva.worker.repository import latest_failed_jobs
from ailingva.worker.schemas import FailedJobPublic

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 422)
}
router = APIRouter(prefix="/api/admin/jobs", tags=["admin", "jobs"], responses=ERRORS)


@router.get("/failed")
def failed_jobs(
    db: SessionDep, _: AdminUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[FailedJobPublic]:
    """Jobs that failed after their last retry, newest first."""
    return [
        FailedJobPublic.model_validate(r, from_attributes=True)
        for r in latest_failed_jobs(db, limit)
    ]
