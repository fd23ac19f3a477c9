"""`/api/admin/settings`: the providers, models, voices and keys in force, changed at run time."""

from collections.abc import Collection, Mapping
from typing import Any

from cryptography.fernet import InvalidToken
from fastapi import APIRouter, BackgroundTasks
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, SecretStr, ValidationError
from sqlmodel import Session

from ailingva.admin import service as admin_service
from ailingva.admin.provider_check import ProviderCheckResult, check_provider
from ailingva.admin.provider_options import ProviderOptions, provider_options
from ailingva.admin.service import EDITABLE_PROVIDER_FIELDS, SECRET_PROVIDER_FIELDS
from ailingva.api.deps import (
    LimiterDep,
    ProvidersDep,
    SecretBoxDep,
    SessionDep,
    SettingsDep,
    release_db,
)
from ailingva.auth.deps import AdminUser
from ailingva.auth.models import UserAccount
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse
from ailingva.core.ratelimit import AttemptLimiter, Claim
from ailingva.core.security import SecretBox, mask_secret
from ailingva.providers.base import ProviderError
from ailingva.providers.registry import Capability, ProviderRegistry, Providers
from ailingva.providers.settings import ProviderSettings

# A check is a real call, perhaps billed by a cloud: not a way to hammer a provider.
CHECKS_PER_ADMIN = AttemptLimiter.window(10, 60)

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


class ProviderCheckRequest(BaseModel):
    capability: Capability
    values: dict[str, Any] = Field(
        default_factory=dict,
        max_length=len(EDITABLE_PROVIDER_FIELDS),
        description="The form's unsaved values, as for PUT: checked with, never stored",
    )


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


@router.get("/settings/options")
def provider_settings_options(
    _: AdminUser, settings: SettingsDep, registry: ProvidersDep
) -> ProviderOptions:
    """What the providers screen offers: families per capability, local models (and which
    are pulled here), voices. The fake engines only outside production."""
    return provider_options(
        registry.current.settings.models_dir, offer_fake=settings.environment != "production"
    )


@router.post(
    "/settings/check",
    responses={422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}},
)
async def check_provider_settings(
    body: ProviderCheckRequest,
    db: SessionDep,
    admin: AdminUser,
    box: SecretBoxDep,
    registry: ProvidersDep,
    limiter: LimiterDep,
) -> ProviderCheckResult:
    """One tiny real call through the capability's provider (with the form's unsaved values
    on top of the stored ones, as saving them would build it; a stored key never goes to a
    new host): 200 with `ok` false and the provider's error when it fails."""
    settings = await run_in_threadpool(
        _settings_to_check, body.values, db, box, registry, limiter, admin
    )
    return await check_provider(body.capability, settings, registry.current.tts)


def _settings_to_check(
    values: Mapping[str, Any],
    db: Session,
    box: SecretBox,
    registry: ProviderRegistry,
    limiter: AttemptLimiter,
    admin: UserAccount,
) -> ProviderSettings:
    """The settings a check uses, once they pass the rules of saving and the admin has a check
    left; the request's transaction ends here, not held while the provider answers."""
    _, merged = _proposed(values, db, box, registry)
    settings = registry.settings_with(merged)
    claimed = limiter.claim(CHECKS_PER_ADMIN, "provider-check", str(admin.id))
    if not isinstance(claimed, Claim):
        raise AppError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            f"Слишком много проверок подряд: попробуйте через {claimed} с.",
            429,
            headers={"Retry-After": str(claimed)},
        )
    release_db(db)
    return settings


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
    # One change at a time, each on top of the last one stored (perhaps by another process).
    admin_service.lock_provider_settings(db)
    in_force, merged = _proposed(body.values, db, box, registry)
    try:
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


def _proposed(
    values: Mapping[str, Any], db: Session, box: SecretBox, registry: ProviderRegistry
) -> tuple[ProviderSettings, dict[str, Any]]:
    """The settings in force, and the overrides that saving `values` would build from: the
    stored ones with `values` on top. Refused (422): an unknown field, a stored key that no
    longer decrypts, a key that a changed URL would carry to another host, invalid values."""
    unknown = sorted(set(values) - set(EDITABLE_PROVIDER_FIELDS))
    if unknown:
        raise AppError(
            ErrorCode.UNKNOWN_SETTING, f"Неизвестные настройки: {', '.join(unknown)}.", 422
        )
    admin_service.catch_up(db, box, registry)
    try:
        stored = admin_service.provider_overrides(db, box, except_fields=values)
    except InvalidToken as exc:
        raise AppError(
            ErrorCode.INVALID_SETTING,
            "Сохранённый ключ не расшифровать (SECRET_KEY сменился): введите его заново.",
            422,
        ) from exc
    in_force = registry.current.settings
    stored = admin_service.bind_unbound_keys(stored, in_force)
    merged = {**stored, **values}
    merged = {k: v for k, v in merged.items() if v is not None}
    try:
        _refuse_moving_keys(in_force, registry.settings_with(merged), values)
    except ValueError as exc:
        raise AppError(ErrorCode.INVALID_SETTING, _setting_problem(exc), 422) from exc
    return in_force, merged


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
