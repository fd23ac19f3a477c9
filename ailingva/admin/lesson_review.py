"""The monitor's reads of lessons: recent lessons of every student (by student, period and
pipeline), and one lesson's conversation (the lessons' own read, as the student's page shows
it) with the ANALYSIS of each student turn: the brain's events and findings, or the job's
failure, or that it is still queued."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, exists, func, select

from ailingva.admin.accounts import name_or_email_has, user_row
from ailingva.admin.lesson_schemas import (
    AdminLessonDetail,
    AdminLessonPage,
    AdminLessonRow,
    AnalysisFinding,
    LessonStudent,
    TurnAnalysis,
)
from ailingva.admin.schemas import BrainEventPublic
from ailingva.auth.models import UserAccount
from ailingva.brain.models import BrainEvent
from ailingva.core.errors import AppError, ErrorCode
from ailingva.lessons import service as lessons
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole
from ailingva.users.models import UserProfile
from ailingva.worker.models import FailedJob
from ailingva.worker.schemas import FailedJobPublic

ANALYSIS_JOB = "analyse_turn"  # its kwargs: turn_id, the student turn


def recent_lessons(
    db: Session,
    *,
    student: str | None,
    since: datetime | None,
    until: datetime | None,
    pipeline: Pipeline | None,
    limit: int,
    offset: int,
) -> AdminLessonPage:
    """Newest first. `student`: an account id, or part of a name or email; `pipeline`: lessons
    with turns of that pipeline (analysis: some turn was analysed)."""
    name = func.coalesce(UserProfile.display_name, "")
    query = (
        select(Lesson, UserAccount.email, name)
        .join(UserAccount, col(UserAccount.id) == col(Lesson.user_id))
        .outerjoin(UserProfile, col(UserProfile.user_id) == col(Lesson.user_id))
    )
    if student and student.strip().isdigit():
        query = query.where(Lesson.user_id == int(student))
    elif student:
        query = query.where(name_or_email_has(student))
    if since is not None:
        query = query.where(col(Lesson.started_at) >= since)
    if until is not None:
        query = query.where(col(Lesson.started_at) < until)
    if pipeline is not None:
        query = query.where(
            exists().where(
                col(LessonTurn.lesson_id) == col(Lesson.id), col(LessonTurn.pipeline) == pipeline
            )
        )
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    rows = db.exec(
        query.order_by(col(Lesson.started_at).desc(), col(Lesson.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    public = lessons.public_lessons(db, [lesson for lesson, _, _ in rows])
    analysed = _analysed_turns(db, [p.id for p in public])
    items = [
        AdminLessonRow(
            **lesson.model_dump(),
            student=LessonStudent(id=row.user_id, name=shown or email.split("@")[0], email=email),
            analysed_turns=analysed.get(lesson.id, 0),
        )
        for lesson, (row, email, shown) in zip(public, rows, strict=True)
    ]
    return AdminLessonPage(items=items, total=total)


def lesson_review(db: Session, lesson_id: int) -> AdminLessonDetail:
    lesson = db.get(Lesson, lesson_id)
    if lesson is None:
        raise AppError(ErrorCode.LESSON_NOT_FOUND, "Урок не найден.", 404)
    detail = lessons.lesson_detail(db, lesson.user_id, lesson_id)
    account = user_row(db, lesson.user_id)
    said = [turn.id for turn in detail.turns if turn.role == TurnRole.STUDENT]
    return AdminLessonDetail(
        **detail.model_dump(),
        student=LessonStudent(id=account.id, name=account.name, email=account.email),
        analyses=_analyses(db, said),
    )


def _analyses(db: Session, turn_ids: Sequence[int]) -> list[TurnAnalysis]:
    if not turn_ids:
        return []
    markers = {
        marker.source_turn_id: marker
        for marker in db.exec(
            select(LessonTurn).where(
                col(LessonTurn.source_turn_id).in_(turn_ids),
                LessonTurn.pipeline == Pipeline.ANALYSIS,
            )
        ).all()
    }
    events: dict[int, list[BrainEventPublic]] = {}
    for event in db.exec(
        select(BrainEvent).where(col(BrainEvent.turn_id).in_(turn_ids)).order_by(col(BrainEvent.id))
    ).all():
        events.setdefault(event.turn_id or 0, []).append(BrainEventPublic.model_validate(event))
    failures: dict[int, FailedJobPublic] = {}
    for job in db.exec(
        select(FailedJob)
        .where(
            FailedJob.name == ANALYSIS_JOB,
            col(FailedJob.args)["turn_id"].as_integer().in_(turn_ids),
        )
        .order_by(col(FailedJob.id))
    ).all():  # the last failure of each turn's job stays
        failures[int(job.args["turn_id"])] = FailedJobPublic.model_validate(
            job, from_attributes=True
        )
    analyses = []
    for turn_id in turn_ids:
        marker = markers.get(turn_id)
        failed = failures.get(turn_id)
        analyses.append(
            TurnAnalysis(
                turn_id=turn_id,
                status="done" if marker else "failed" if failed else "queued",
                analysed_at=marker.created_at if marker else None,
                findings=[AnalysisFinding.model_validate(f) for f in marker.corrections]
                if marker
                else [],
                events=events.get(turn_id, []),
                failed_job=None if marker else failed,
            )
        )
    return analyses


def _analysed_turns(db: Session, lesson_ids: Sequence[int]) -> dict[int, int]:
    if not lesson_ids:
        return {}
    rows = db.exec(
        select(LessonTurn.lesson_id, func.count())
        .where(col(LessonTurn.lesson_id).in_(lesson_ids), LessonTurn.pipeline == Pipeline.ANALYSIS)
        .group_by(col(LessonTurn.lesson_id))
    ).all()
    return dict(rows)
