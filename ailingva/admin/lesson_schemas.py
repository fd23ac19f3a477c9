"""What the monitor's lesson routes give: recent lessons of every student, and a lesson's turns
with the ANALYSIS of each student turn (`/api/admin/tutor/lessons`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from ailingva.admin.schemas import BrainEventPublic
from ailingva.lessons.schemas import Correction, LessonDetail, LessonPublic
from ailingva.worker.schemas import FailedJobPublic


class LessonStudent(BaseModel):
    id: int
    name: str
    email: str


class AdminLessonRow(LessonPublic):
    student: LessonStudent
    analysed_turns: int = Field(description="Student turns the brain has analysed")


class AdminLessonPage(BaseModel):
    items: list[AdminLessonRow]
    total: int


class AnalysisFinding(Correction):
    pipeline: Literal["live", "analysis"] = Field(
        "live", description="live: found while the student spoke; analysis: by the deep pass"
    )
    confidence: float | None = None


AnalysisStatus = Literal["done", "queued", "failed"]


class TurnAnalysis(BaseModel):
    """The ANALYSIS of one student turn: the job's status, what it found, what it wrote."""

    turn_id: int = Field(description="The student turn analysed")
    status: AnalysisStatus = Field(
        description="done; queued (waiting or running); failed (after its last try)"
    )
    analysed_at: datetime | None
    findings: list[AnalysisFinding]
    events: list[BrainEventPublic]
    failed_job: FailedJobPublic | None = Field(
        description="The last failure of the turn's job (its error; retry it by its id)"
    )


class AdminLessonDetail(LessonDetail):
    student: LessonStudent
    analyses: list[TurnAnalysis] = Field(description="One per student turn, in turn order")
