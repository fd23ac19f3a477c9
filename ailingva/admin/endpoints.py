"""`/api/admin/settings`: the providers, models, voices and keys in force, changed at run time."""

from collections.abc import Collection
from typing import Any

from cryptography.fernet import InvalidToken
from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, Field, SecretStr, ValidationError
from sqlmodel import Session

from ailingva.admin import service as admin_service
from ailingva.admin.service import EDITABLE_PROVIDER_FIELDS, SECRET_PROVIDER_FIELDS
from ailingva.api.deps import ProvidersDep, SecretBoxDep, SessionDep
from ailingva.auth.deps import AdminUser
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.core.security import mask_secret
from ailingva.providers.base import ProviderError
from ailingva.providers.registry import Providers
from ailingva.providers.settings import ProviderSettings

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}},
)


class SettingItem(BaseModel):
    key: str
    value: Any = Field(description="The value in force; API keys only masked (…last 4)")
    is_secret: bool
    overridden: bool = Field(description="Set by an admin (else from the environment/defaults)")


class ActiveProviders(BaseModel):
    stt: str
    llm: str
    tts: str


class ProviderSettingsPublic(BaseModel):
    items: list[SettingItem]
    active: ActiveProviders


class ProviderSettingsUpdate(BaseModel):
    """Fields to change; null puts a field back to the environment's value."""

    values: dict[str, Any] = Field(min_length=1, max_length=len(EDITABLE_PROVIDER_FIELDS))


def _settings_public(db: Session, providers: Providers) -> ProviderSettingsPublic:
    """The settings of `providers` (the set in force, or the one an update just built)."""
    overridden = admin_service.overridden_provider_fields(db)
    items = []
    for name in EDITABLE_PROVIDER_FIELDS:
        value = getattr(providers.settings, name)
        if isinstance(value, SecretStr):
            value = mask_secret(value.get_secret_value())
        items.append(
            SettingItem(
                key=name,
                value=value,
                is_secret=name in SECRET_PROVIDER_FIELDS,
                overridden=name in overridden,
            )
        )
    active = ActiveProviders(stt=providers.stt.name, llm=providers.llm.name, tts=providers.tts.name)
    return ProviderSettingsPublic(items=items, active=active)


@router.get("/settings")
def provider_settings(
    db: SessionDep, _: AdminUser, box: SecretBoxDep, registry: ProvidersDep
) -> ProviderSettingsPublic:
    """Which providers, models, voices and keys are in force (keys masked)."""
    admin_service.catch_up(db, box, registry)
    return _settings_public(db, registry.current)


@router.put("/settings", responses={422: {"model": ErrorResponse}})
def update_provider_settings(
    body: ProviderSettingsUpdate,
    db: SessionDep,
    admin: AdminUser,
    box: SecretBoxDep,
    registry: ProvidersDep,
    background: BackgroundTasks,
) -> ProviderSettingsPublic:
    """Change providers at run time. The new set is built (and so checked) before anything is
    stored; it replaces the old one once the change is committed. Turns in flight finish on
    the set they started with."""
    unknown = sorted(set(body.values) - set(EDITABLE_PROVIDER_FIELDS))
    if unknown:
        raise AppError(
            ErrorCode.UNKNOWN_SETTING, f"Неизвестные настройки: {', '.join(unknown)}.", 422
        )
    # One change at a time, each on top of the last one stored (perhaps by another process).
    admin_service.lock_provider_settings(db)
    admin_service.catch_up(db, box, registry)
    try:
        stored = admin_service.provider_overrides(db, box, except_fields=body.values)
    except InvalidToken as exc:
        raise AppError(
            ErrorCode.INVALID_SETTING,
            "Сохранённый ключ не расшифровать (SECRET_KEY сменился): введите его заново.",
            422,
        ) from exc
    in_force = registry.current.settings
    stored = admin_service.bind_unbound_keys(stored, in_force)
    merged = {**stored, **body.values}
    merged = {k: v for k, v in merged.items() if v is not None}
    try:
        _refuse_moving_keys(in_force, registry.settings_with(merged), body.values)
        built = registry.build(merged)
    except (ProviderError, ValueError) as exc:
        # The message names the field, never its value (it may be a key).
        raise AppError(ErrorCode.INVALID_SETTING, _setting_problem(exc), 422) from exc
    assert admin.id is not None
    stamp = admin_service.save_provider_overrides(
        db, box, body.values, in_force=built.settings, updated_by_id=admin.id
    )
    admin_service.record_provider_change(
        db, admin, before=in_force, after=built.settings, changes=body.values
    )
    background.add_task(registry.use, built, version=stamp)
    return _settings_public(db, built)


def _refuse_moving_keys(
    in_force: ProviderSettings, after: ProviderSettings, changes: Collection[str]
) -> None:
    """A key goes only to the host it was entered for: a stolen admin session must not be able
    to point a URL at its own server and receive the key with the next turn."""
    moved = admin_service.keys_moved_away(in_force, after, changes)
    if moved:
        raise AppError(
            ErrorCode.KEY_HOST_CHANGED,
            f"Адрес сервиса сменился: введите ключ ({', '.join(moved)}) заново для нового адреса "
            "или удалите его (null).",
            422,
            details={"keys": moved},
        )


def _setting_problem(exc: Exception) -> str:
    if isinstance(exc, ProviderError):
        return f"Настройки не подходят: {exc.message}"
    if isinstance(exc, ValidationError):
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
        return f"Неверные значения: {fields}."
    return f"Настройки не подходят: {exc}"
