"""`/api/admin/tutor/lessons` (the original's route): recent lessons of every student, and one
lesson's turns with their STREAMING stage timings and their ANALYSIS."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ailingva.admin.lesson_review import lesson_review, recent_lessons
from ailingva.admin.lesson_schemas import AdminLessonDetail, AdminLessonPage
from ailingva.api.deps import IdPath, InstantQuery, Limit, Offset, SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.errors import ErrorResponse
from ailingva.lessons.models import Pipeline

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 422)
}
router = APIRouter(prefix="/api/admin/tutor", tags=["admin"], responses=ERRORS)

StudentQuery = Annotated[
    str | None, Query(max_length=100, description="An account id, or part of a name or email")
]


@router.get("/lessons")
def lessons(
    db: SessionDep,
    _: AdminUser,
    student: StudentQuery = None,
    since: InstantQuery | None = None,
    until: InstantQuery | None = None,
    pipeline: Annotated[Pipeline | None, Query(description="Lessons with turns of it")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> AdminLessonPage:
    """Recent lessons of every student, newest first; `since` and `until` bound when they
    started (at or after, before)."""
    return recent_lessons(
        db, student=student, since=since, until=until, pipeline=pipeline, limit=limit, offset=offset
    )


@router.get("/lessons/{lesson_id}")
def lesson(lesson_id: IdPath, db: SessionDep, _: AdminUser) -> AdminLessonDetail:
    """A lesson's turns with each stage's milliseconds, and the analysis of each student turn."""
    return lesson_review(db, lesson_id)
