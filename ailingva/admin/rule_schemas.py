"""Requests and responses of the rules screen: the rules in force, an admin's rule, a draft."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ailingva.brain.models import RuleScope, RuleSource
from ailingva.core.db import DbId
from ailingva.core.inputs import JsonBody
from ailingva.core.text import CleanTextAfter
from ailingva.grammar.findings import Category
from ailingva.users.models import CefrLevel

# An error category of the grammar engine, or "always": on every turn.
Trigger = Category | Literal["always"]
# Limits on what is sent (the document's), control characters dropped after.
Instruction = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=10, max_length=500), CleanTextAfter
]
Priority = Annotated[int, Field(ge=0, le=100)]
MAX_DRAFT_TEXT = 1000
PRIORITY_DEFAULT = 50  # above the brain's own (10 to 49): an admin's word comes first


class RuleStatusFilter(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"


class RulePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scope: RuleScope
    level: CefrLevel | None
    student_id: int | None = Field(description="The student of a one-student rule")
    student_label: str | None = Field(description="Their name and email")
    trigger: str = Field(description='An error category, or "always"')
    instruction: str
    priority: int
    enabled: bool
    source: RuleSource
    created_by: str | None = Field(description="The admin who wrote it (their email)")
    evidence_count: int = Field(description="The brain's: errors of its pattern lately")
    created_at: datetime
    expires_at: datetime | None
    in_prompt: bool | None = Field(
        default=None, description="A student's page: among the rules their prompt takes now"
    )


class RulePage(BaseModel):
    items: list[RulePublic]
    total: int


class RuleCreate(JsonBody):
    scope: RuleScope
    level: CefrLevel | None = None
    student_id: DbId | None = None
    trigger: Trigger = "always"
    instruction: Instruction = Field(description="In English: the tutor's prompt reads it")
    priority: Priority = PRIORITY_DEFAULT
    expires_at: datetime | None = None
    enabled: bool = True


class RuleUpdate(JsonBody):
    """The fields to change (an admin's rules only); a scope change names its level or student."""

    scope: RuleScope | None = None
    level: CefrLevel | None = None
    student_id: DbId | None = None
    trigger: Trigger | None = None
    instruction: Instruction | None = None
    priority: Priority | None = None
    expires_at: datetime | None = None


class DraftRequest(JsonBody):
    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=MAX_DRAFT_TEXT),
        CleanTextAfter,
    ] = Field(description="A teaching instruction, in Russian or English")


class RuleDraft(BaseModel):
    """A rule as the model read the admin's words: to review, edit and save (never saved)."""

    scope: RuleScope
    level: CefrLevel | None
    student_id: int | None
    student_label: str | None
    trigger: str
    instruction: str
    priority: int
    expires_in_days: int | None
    expires_at: datetime | None
    heard: str = Field(description="The words the draft was made from (a recording: as heard)")
    notes: list[str] = Field(description="What to check before saving, in Russian")
