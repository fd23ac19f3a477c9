"""Provider settings in the run-time settings store, one key each (`providers.<field>`).

API keys among them are stored encrypted (`{"ciphertext": ...}`) and leave this module only
decrypted for the registry or masked for the admin. A key is sealed together with the origins
of the URLs it was entered for (`{"key": ..., "origins": [...]}`), so changing a URL in the
store, by the API or in the database, cannot send the key anywhere else.
"""

import json
import logging
import uuid
from collections.abc import Collection, Mapping
from typing import Any

from cryptography.fernet import InvalidToken
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ailingva.auth.models import UserAccount
from ailingva.core.app_settings import AppSetting, get_setting, put_setting
from ailingva.core.audit import SECRET_CHANGED, SECRET_REMOVED, AuditAction, change, record
from ailingva.core.security import SecretBox
from ailingva.providers.base import ProviderError
from ailingva.providers.registry import ProviderRegistry
from ailingva.providers.settings import KEY_URL_FIELDS, BoundKey, ProviderSettings

log = logging.getLogger(__name__)

PROVIDER_PREFIX = "providers."
# Changes with every change of the provider settings: each app process compares it with the
# stamp its providers were built from (ProviderRegistry.version) and rebuilds when they differ.
STAMP_KEY = "provider_settings.stamp"
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
    """The admin's provider settings, secrets decrypted (a BoundKey; a plain string for a key
    sealed before keys were bound): what the registry builds from. `except_fields` are left
    out (and not decrypted): the ones an update is replacing, so a key sealed with a lost
    SECRET_KEY can be entered again. InvalidToken for any other."""
    overrides: dict[str, Any] = {}
    for row in _provider_rows(db):
        name = row.key.removeprefix(PROVIDER_PREFIX)
        if name not in except_fields:
            overrides[name] = _unseal(box, row.value) if row.is_secret else row.value
    return overrides


def _seal(box: SecretBox, key: str, origins: Collection[str]) -> dict[str, str]:
    return {"ciphertext": box.encrypt(json.dumps({"key": key, "origins": sorted(origins)}))}


def _unseal(box: SecretBox, sealed: Mapping[str, Any]) -> BoundKey | str:
    plaintext = box.decrypt(sealed["ciphertext"])
    try:
        opened = json.loads(plaintext)
    except ValueError:
        return plaintext
    if isinstance(opened, dict) and isinstance(opened.get("key"), str):
        return BoundKey(opened["key"], frozenset(opened.get("origins", ())))
    return plaintext


def lock_provider_settings(db: Session) -> None:
    """Lock the stamp (PostgreSQL) to the end of the transaction, so changes are made one at a
    time, each on top of the last one stored. Before the first change there is no stamp to
    lock: it is made (empty), and of two first changes at once the second waits on it too."""
    if db.get(AppSetting, STAMP_KEY, with_for_update=True) is not None:
        return
    try:
        with db.begin_nested():
            db.add(AppSetting(key=STAMP_KEY, value=None))
    except IntegrityError:
        pass  # made meanwhile by the other change
    db.get(AppSetting, STAMP_KEY, with_for_update=True, populate_existing=True)


def catch_up(db: Session, box: SecretBox, registry: ProviderRegistry) -> None:
    """Rebuild the registry if the stored provider settings changed since it was built (in
    another app process). Settings that do not build or open here are logged and skipped,
    the set in force staying, until the next change."""
    stamp = get_setting(db, STAMP_KEY)
    if stamp == registry.version:
        return
    try:
        registry.use(registry.build(provider_overrides(db, box)), version=stamp)
    except (ProviderError, ValueError, InvalidToken) as exc:
        log.warning("stored provider settings not taken up here: %s", type(exc).__name__)
        registry.version = stamp


def save_provider_overrides(
    db: Session,
    box: SecretBox,
    changes: Mapping[str, Any],
    *,
    in_force: ProviderSettings,
    updated_by_id: int,
) -> str:
    """Store each changed field; None removes the admin's value (back to the environment's).
    A key is sealed with the origins its URLs have in `in_force` (the settings the change
    makes). Answers the new stamp."""
    for name, value in changes.items():
        key = PROVIDER_PREFIX + name
        if value is None:
            row = db.get(AppSetting, key)
            if row is not None:
                db.delete(row)
        elif name in SECRET_PROVIDER_FIELDS:
            origins = in_force.url_origins(name) if name in KEY_URL_FIELDS else ()
            sealed = _seal(box, str(value), origins)
            put_setting(db, key, sealed, updated_by_id=updated_by_id, is_secret=True)
        else:
            put_setting(db, key, value, updated_by_id=updated_by_id)
    stamp = uuid.uuid4().hex
    put_setting(db, STAMP_KEY, stamp, updated_by_id=updated_by_id)
    db.flush()
    return stamp


def bind_unbound_keys(stored: Mapping[str, Any], in_force: ProviderSettings) -> dict[str, Any]:
    """`stored` with each key sealed before keys were bound (a plain string) bound to the
    hosts it is sent to now, so an update cannot move it elsewhere."""
    return {
        name: BoundKey(value, in_force.key_origins(name))
        if name in KEY_URL_FIELDS and isinstance(value, str)
        else value
        for name, value in stored.items()
    }


def keys_moved_away(
    before: ProviderSettings, after: ProviderSettings, changes: Collection[str]
) -> list[str]:
    """The keys in force `before` that `after` leaves out because a URL in `changes` moved to
    a host they were not entered for (a key the change enters or removes is not counted)."""
    return [
        key
        for key, urls in KEY_URL_FIELDS.items()
        if key not in changes
        and any(url in changes for url in urls)
        and getattr(before, key) is not None
        and getattr(after, key) is None
    ]


def _shown(value: Any) -> Any:
    """A setting's value as the journal keeps it (JSON: paths and enums as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record_provider_change(
    db: Session,
    admin: UserAccount,
    *,
    before: ProviderSettings,
    after: ProviderSettings,
    changes: Collection[str],
) -> None:
    """The journal's entry for a change of provider settings: each field from and to, an API
    key only as changed or removed."""
    recorded: dict[str, Any] = {}
    for name in sorted(changes):
        if name in SECRET_PROVIDER_FIELDS:
            recorded[name] = {
                "to": SECRET_REMOVED if getattr(after, name) is None else SECRET_CHANGED
            }
        else:
            old, new = _shown(getattr(before, name)), _shown(getattr(after, name))
            if old != new:
                recorded[name] = change(old, new)
    record(
        db,
        actor_id=admin.id,
        actor_email=admin.email,
        action=AuditAction.PROVIDER_SETTINGS_CHANGED,
        target_type="providers",
        target_label="Провайдеры",
        changes=recorded,
    )
