"""The run-time settings store: JSON values under dotted keys, changed by admins."""

from typing import Any

from sqlmodel import Session

from ailingva.admin.models import AppSetting


def get_setting(db: Session, key: str) -> Any:
    row = db.get(AppSetting, key)
    return None if row is None else row.value


def put_setting(db: Session, key: str, value: Any, *, updated_by_id: int | None) -> None:
    row = db.get(AppSetting, key) or AppSetting(key=key)
    row.value = value
    row.updated_by_id = updated_by_id
    db.add(row)
    db.flush()
