"""The queue's table: jobs that failed after their last retry."""

from sqlmodel import Session, col, select

from ailingva.worker.models import FailedJob


def latest_failed_jobs(db: Session, limit: int) -> list[FailedJob]:
    """Newest first."""
    return list(
        db.exec(
            select(FailedJob)
            .order_by(col(FailedJob.failed_at).desc(), col(FailedJob.id).desc())
            .limit(limit)
        ).all()
    )
