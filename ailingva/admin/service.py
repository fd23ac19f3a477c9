"""Provider settings in the run-time settings store, one key each (`providers.<field>`).

API keys among them are stored encrypted (`{"ciphertext": ...}`) and leave this module only
decrypted for the registry or masked for the admin.
"""

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import SecretStr
from sqlmodel import Session, col, select

from ailingva.core.app_settings import AppSetting, put_setting
from ailingva.core.security import SecretBox
from ailingva.providers.settings import ProviderSettings

PROVIDER_PREFIX = "providers."
# Where model files live is the operator's choice at deploy time, not a run-time setting.
NOT_EDITABLE = frozenset({"models_dir"})
EDITABLE_PROVIDER_FIELDS = tuple(
    name for name in ProviderSettings.model_fields if name not in NOT_EDITABLE
)
SECRET_PROVIDER_FIELDS = frozenset(
    name
    for name, info in ProviderSettings.model_fields.items()
    if info.annotation is not None and SecretStr in getattr(info.annotation, "__args__", ())
)


def _provider_rows(db: Session) -> list[AppSetting]:
    return list(
        db.exec(select(AppSetting).where(col(AppSetting.key).startswith(PROVIDER_PREFIX))).all()
    )


def overridden_provider_fields(db: Session) -> set[str]:
    """Which provider settings an admin has set (nothing decrypted)."""
    return {row.key.removeprefix(PROVIDER_PREFIX) for row in _provider_rows(db)}


def provider_overrides(
    db: Session, box: SecretBox, *, except_fields: Collection[str] = ()
) -> dict[str, Any]:
    """The admin's provider settings, secrets decrypted: what the registry builds from.
    `except_fields` are left out (and not decrypted): the ones an update is replacing, so a
    key sealed with a lost SECRET_KEY can be entered again. InvalidToken for any other."""
    overrides: dict[str, Any] = {}
    for row in _provider_rows(db):
        name = row.key.removeprefix(PROVIDER_PREFIX)
        if name not in except_fields:
            overrides[name] = box.decrypt(row.value["ciphertext"]) if row.is_secret else row.value
    return overrides


def save_provider_overrides(
    db: Session, box: SecretBox, changes: Mapping[str, Any], *, updated_by_id: int
) -> None:
    """Store each changed field; None removes the admin's value (back to the environment's)."""
    for name, value in changes.items():
        key = PROVIDER_PREFIX + name
        if value is None:
            row = db.get(AppSetting, key)
            if row is not None:
                db.delete(row)
        elif name in SECRET_PROVIDER_FIELDS:
            sealed = {"ciphertext": box.encrypt(str(value))}
            put_setting(db, key, sealed, updated_by_id=updated_by_id, is_secret=True)
        else:
            put_setting(db, key, value, updated_by_id=updated_by_id)
    db.flush()
