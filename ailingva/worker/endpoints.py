"""`/api/admin/jobs`: background jobs that failed after their last retry."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import col, select

from ailingva.api.deps import SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.errors import ErrorResponse
from ailingva.worker.models import FailedJob
from ailingva.worker.schemas import FailedJobPublic

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 422)
}
admin_router = APIRouter(prefix="/api/admin/jobs", tags=["admin", "jobs"], responses=ERRORS)


@admin_router.get("/failed")
def failed_jobs(
    db: SessionDep, _: AdminUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[FailedJobPublic]:
    """Jobs that failed after their last retry, newest first."""
    rows = db.exec(
        select(FailedJob)
        .order_by(col(FailedJob.failed_at).desc(), col(FailedJob.id).desc())
        .limit(limit)
    ).all()
    return [FailedJobPublic.model_validate(r, from_attributes=True) for r in rows]
