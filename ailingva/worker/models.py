"""Jobs that failed after their last retry: kept for an admin to see."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ailingva.core.db import JSONType, UTCDateTime, utcnow


class FailedJob(SQLModel, table=True):
    __tablename__ = "failed_job"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    args: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    error: str = Field(sa_type=sa.Text)
    attempts: int = Field(ge=1)
    failed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
