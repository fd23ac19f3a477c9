"""Settings an admin changes at run time (providers, models, prices)."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from ailingva.core.db import JSONType, updated_at_field


class AppSetting(SQLModel, table=True):
    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=128)
    # Secret values are stored encrypted ({"ciphertext": ...}) and shown masked.
    value: Any = Field(default=None, sa_type=JSONType)
    is_secret: bool = Field(default=False)
    updated_at: datetime = updated_at_field()
    updated_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
