"""Requests and responses of the admin's users, student page and journal."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ailingva.auth.models import Role
from ailingva.brain.models import BrainEventKind
from ailingva.core.inputs import JsonBody
from ailingva.core.text import CleanText
from ailingva.learning.models import WordStatus


class AccountStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class AdminUserRow(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    status: AccountStatus
    created_at: datetime
    last_login_at: datetime | None
    balance_kopecks: int


class AdminUserPage(BaseModel):
    items: list[AdminUserRow]
    total: int


Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), CleanText
]


class RoleChange(JsonBody):
    role: Role


class BlockRequest(JsonBody):
    reason: Reason | None = None


class SessionsRevoked(BaseModel):
    revoked: int = Field(description="Sign-ins (browsers and API clients) that were open")


class ProfilePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    level: str
    native_language: str
    goals: list[str]
    interests: list[str]
    explain_in_russian: bool


class LearningPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    xp: int
    streak_days: int
    longest_streak_days: int
    last_active_on: date | None
    lessons_completed: int
    level_estimate: str | None


class WalletPublic(BaseModel):
    balance_kopecks: int
    minutes_left: int
    price_per_minute_kopecks: int
    low_balance: bool


class StudentDetail(BaseModel):
    """The student's page: who they are, what they know, what they have paid."""

    account: AdminUserRow
    open_sign_ins: int
    voice_sessions_here: int = Field(description="Voice sessions this app process serves now")
    voice_minutes: int = Field(description="Voice minutes charged, all time")
    profile: ProfilePublic | None
    learning: LearningPublic | None
    wallet: WalletPublic
    weak_words: int
    known_words: int


class StudentWordPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    word: str
    status: WordStatus
    times_used: int
    times_correct: int
    times_wrong: int
    due_at: datetime | None = Field(description="The next review (weak words)")
    last_seen_at: datetime | None


class StudentWordPage(BaseModel):
    items: list[StudentWordPublic]
    total: int


class BrainEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: BrainEventKind
    lesson_id: int | None
    turn_id: int | None
    payload: dict[str, Any]
    created_at: datetime


class BrainEventPage(BaseModel):
    items: list[BrainEventPublic]
    total: int


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    actor_id: int | None
    actor_email: str
    action: str
    target_type: str
    target_id: int | None
    target_label: str
    changes: dict[str, Any] = Field(
        description='{field: {"from": ..., "to": ...}}; an API key only as "changed"'
    )
    reason: str | None


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int
    actions: list[str] = Field(description="Every action the journal knows, for the filter")
