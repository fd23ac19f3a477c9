"""`/api/admin/jobs`: the queue's depth, and background jobs that failed after their last
retry, with a retry that queues the job again by its name and arguments."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel, Field
from redis.exceptions import RedisError

from ailingva.api.deps import IdPath, JobsDep, SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.audit import AuditAction, change, record
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.worker.models import FailedJob
from ailingva.worker.queue import ArqJobQueue, job_key
from ailingva.worker.repository import latest_failed_jobs
from ailingva.worker.schemas import FailedJobPublic

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
router = APIRouter(prefix="/api/admin/jobs", tags=["admin", "jobs"], responses=ERRORS)


class QueueDepth(BaseModel):
    runner: Literal["in_process", "redis"]
    depth: int | None = Field(
        description="Jobs waiting (in process: and running); null when Redis does not answer"
    )


class JobRetried(BaseModel):
    name: str
    args: dict[str, Any]
    key: str = Field(description="The job's identity: a second retry while it waits is one job")


@router.get("/queue")
async def queue_depth(_: AdminUser, jobs: JobsDep) -> QueueDepth:
    runner: Literal["in_process", "redis"] = (
        "redis" if isinstance(jobs, ArqJobQueue) else "in_process"
    )
    try:
        depth: int | None = await jobs.depth()
    except (RedisError, OSError):
        depth = None
    return QueueDepth(runner=runner, depth=depth)


@router.get("/failed")
def failed_jobs(
    db: SessionDep, _: AdminUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[FailedJobPublic]:
    """Jobs that failed after their last retry, newest first."""
    return [
        FailedJobPublic.model_validate(r, from_attributes=True)
        for r in latest_failed_jobs(db, limit)
    ]


@router.post("/failed/{job_id}/retry")
def retry_failed_job(
    job_id: IdPath, db: SessionDep, admin: AdminUser, jobs: JobsDep, background: BackgroundTasks
) -> JobRetried:
    """Queue the job again (after the commit); its failure leaves the list and the journal
    keeps the retry. Should it fail again, it is listed again."""
    job = db.get(FailedJob, job_id)
    if job is None:
        raise AppError(ErrorCode.FAILED_JOB_NOT_FOUND, "Этой задачи уже нет в списке сбоев.", 404)
    if not jobs.knows(job.name):
        raise AppError(
            ErrorCode.UNKNOWN_JOB, f"Задачи «{job.name}» больше нет: повторить её нельзя.", 409
        )
    name, args = job.name, dict(job.args)
    key = job_key(name, args)
    record(
        db,
        actor_id=admin.id,
        actor_email=admin.email,
        action=AuditAction.JOB_RETRIED,
        target_type="job",
        target_id=job_id,
        target_label=key,
        changes={"status": change("failed", "queued")},
        reason=job.error[:255],
    )
    db.delete(job)
    background.add_task(jobs.enqueue_again, name, **args)
    return JobRetried(name=name, args=args, key=key)
