"""The student's profile: who they are and how they like to be taught."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from ailingva.core.db import JSONType, created_at_field, enum_type, updated_at_field


class CefrLevel(StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


class UserProfile(SQLModel, table=True):
    __tablename__ = "user_profile"

    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", primary_key=True)
    display_name: str = Field(max_length=80)
    level: CefrLevel = Field(default=CefrLevel.A2, sa_type=enum_type(CefrLevel))
    native_language: str = Field(default="ru", max_length=8)
    # What the student wants from English ("travel", "job interview", ...), in their words.
    goals: list[str] = Field(default_factory=list, sa_type=JSONType)
    interests: list[str] = Field(default_factory=list, sa_type=JSONType)
    tts_voice: str | None = Field(default=None, max_length=64)
    speech_rate: float = Field(default=1.0)
    explain_in_russian: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
