"""The run-time settings store: JSON values under dotted keys, changed by admins.

Billing rules (`billing.rules`) and provider settings (`providers.<field>`) keep their values here.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Field, Session, SQLModel

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


def get_setting(db: Session, key: str) -> Any:
    row = db.get(AppSetting, key)
    return None if row is None else row.value


def put_setting(
    db: Session, key: str, value: Any, *, updated_by_id: int | None, is_secret: bool = False
) -> None:
    row = db.get(AppSetting, key) or AppSetting(key=key)
    row.value = value
    row.is_secret = is_secret
    row.updated_by_id = updated_by_id
    db.add(row)
    db.flush()
