"""`/api/billing` for students, `/api/admin/billing` for admins, and the payment webhook."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from ailingva.api.deps import IdPath, SessionDep, SettingsDep
from ailingva.auth import service as auth_service
from ailingva.auth.deps import AdminUser, CurrentUser
from ailingva.billing import service
from ailingva.billing.models import (
    BillingPackage,
    Payment,
    PaymentStatus,
    TransactionKind,
    WalletTransaction,
)
from ailingva.billing.payments import payment_provider
from ailingva.billing.rules import BillingRules, get_rules, put_rules
from ailingva.billing.schemas import (
    AdjustmentRequest,
    AdminTransactionPage,
    AdminTransactionPublic,
    BalancePublic,
    PackageCreate,
    PackagePublic,
    PackageUpdate,
    PaymentPublic,
    PurchaseRequest,
    ReferralPublic,
    TransactionPage,
    TransactionPublic,
    YooKassaNotification,
)
from ailingva.core.config import Settings
from ailingva.core.db import DbId
from ailingva.core.errors import AppError, ErrorCode, ErrorResponse

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 402, 403, 404, 409, 422, 502)
}
router = APIRouter(prefix="/api/billing", tags=["billing"], responses=ERRORS)
admin_router = APIRouter(prefix="/api/admin/billing", tags=["admin", "billing"], responses=ERRORS)

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
Page = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]


def _public_url(settings: Settings, request: Request) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _user_id(user: CurrentUser) -> int:
    assert user.id is not None
    return user.id


def _package(p: BillingPackage) -> PackagePublic:
    return PackagePublic.model_validate(p, from_attributes=True)


def _payment(p: Payment) -> PaymentPublic:
    return PaymentPublic.model_validate(p, from_attributes=True)


def _transaction(t: WalletTransaction) -> TransactionPublic:
    return TransactionPublic.model_validate(t, from_attributes=True)


@router.get("/balance")
def balance(db: SessionDep, settings: SettingsDep, user: CurrentUser) -> BalancePublic:
    view = service.balance_view(db, _user_id(user))
    return BalancePublic(**view.__dict__, test_payments=settings.payment_provider == "test")


@router.get("/transactions")
def transactions(
    db: SessionDep, user: CurrentUser, limit: Page = 20, offset: Offset = 0
) -> TransactionPage:
    items, total = service.transactions(db, user_id=_user_id(user), limit=limit, offset=offset)
    return TransactionPage(items=[_transaction(t) for t in items], total=total)


@router.get("/packages")
def packages(db: SessionDep, _: CurrentUser) -> list[PackagePublic]:
    return [_package(p) for p in service.all_packages(db, active_only=True)]


@router.post("/purchase", status_code=201)
def purchase(
    body: PurchaseRequest,
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> PaymentPublic:
    """Buy a package. The test provider answers at once (`status` succeeded or failed); a real
    one answers `pending` with a `confirmation_url` to send the student to."""
    provider = payment_provider(settings, test_outcome=body.test_outcome)
    payment, new = service.open_payment(
        db,
        provider,
        user_id=_user_id(user),
        package_id=body.package_id,
        idempotency_key=idempotency_key,
    )
    if new:
        description = service.payment_description(db, payment)
        db.commit()  # the order is on record, and no transaction waits on the provider
        return_url = f"{_public_url(settings, request)}/billing"
        try:
            service.ask_provider(
                db, provider, payment, description=description, return_url=return_url
            )
        except AppError:
            service.settle_payment(db, payment, PaymentStatus.FAILED, 0)
            db.commit()  # the order ends failed, not pending forever
            raise
    return _payment(payment)


@router.get("/payments/{payment_id}")
def payment(payment_id: IdPath, db: SessionDep, user: CurrentUser) -> PaymentPublic:
    found = db.get(Payment, payment_id)
    if found is None or found.user_id != user.id:
        raise AppError(ErrorCode.NOT_FOUND, "Платёж не найден.", 404)
    return _payment(found)


@router.get("/referral")
def referral(
    request: Request, db: SessionDep, settings: SettingsDep, user: CurrentUser
) -> ReferralPublic:
    user_id = _user_id(user)
    code = service.referral_code(db, user_id)
    stats = service.referral_stats(db, user_id)
    rules = get_rules(db)
    return ReferralPublic(
        code=code,
        link=f"{_public_url(settings, request)}/register?ref={code}",
        invited=stats.invited,
        rewarded=stats.rewarded,
        bonus_earned_kopecks=stats.bonus_earned_kopecks,
        bonus_referrer_kopecks=rules.referral_bonus_referrer_kopecks,
        bonus_referred_kopecks=rules.referral_bonus_referred_kopecks,
    )


@router.post("/webhooks/yookassa", status_code=204)
def yookassa_webhook(body: YooKassaNotification, db: SessionDep, settings: SettingsDep) -> Response:
    """YooKassa's notification is only a hint: the payment's status and amount are read back
    from YooKassa's API before anything is credited, and crediting happens once per payment."""
    if settings.payment_provider == "yookassa":
        found = service.find_payment(db, "yookassa", body.object.id)
        if found is not None:
            db.commit()  # ends the read: no transaction (SQLite's write lock) waits on YooKassa
            confirmed = payment_provider(settings).fetch(body.object.id)
            service.settle_payment(db, found, confirmed.status, confirmed.amount_kopecks)
    return Response(status_code=204)


# --- admin ----------------------------------------------------------------------------------


@admin_router.get("/packages")
def admin_packages(db: SessionDep, _: AdminUser) -> list[PackagePublic]:
    return [_package(p) for p in service.all_packages(db)]


@admin_router.post("/packages", status_code=201)
def create_package(body: PackageCreate, db: SessionDep, _: AdminUser) -> PackagePublic:
    price = body.price_kopecks
    if price is None:
        price = service.package_price(body.minutes, body.discount_percent, get_rules(db))
    package = BillingPackage(
        name=body.name,
        minutes=body.minutes,
        discount_percent=body.discount_percent,
        price_kopecks=price,
        sort_order=body.sort_order,
    )
    db.add(package)
    db.flush()
    return _package(package)


@admin_router.patch("/packages/{package_id}")
def update_package(
    package_id: IdPath, body: PackageUpdate, db: SessionDep, _: AdminUser
) -> PackagePublic:
    package = service.get_package(db, package_id, active_only=False)
    for field, value in body.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(package, field, value)
    db.add(package)
    db.flush()
    return _package(package)


@admin_router.delete("/packages/{package_id}", status_code=204)
def retire_package(package_id: IdPath, db: SessionDep, _: AdminUser) -> Response:
    """Packages are retired, not deleted: payments keep pointing at what was bought."""
    package = service.get_package(db, package_id, active_only=False)
    package.is_active = False
    db.add(package)
    return Response(status_code=204)


@admin_router.post("/adjustments", status_code=201)
def adjust(
    body: AdjustmentRequest,
    db: SessionDep,
    admin: AdminUser,
    idempotency_key: IdempotencyKey = None,
) -> AdminTransactionPublic:
    auth_service.get_user(db, body.user_id)
    assert admin.id is not None
    entry = service.adjust_balance(
        db,
        user_id=body.user_id,
        amount_kopecks=body.amount_kopecks,
        reason=body.reason,
        admin_id=admin.id,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )
    return AdminTransactionPublic.model_validate(entry, from_attributes=True)


@admin_router.get("/transactions")
def all_transactions(
    db: SessionDep,
    _: AdminUser,
    user_id: Annotated[DbId | None, Query()] = None,
    kind: TransactionKind | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Page = 50,
    offset: Offset = 0,
) -> AdminTransactionPage:
    items, total = service.transactions(
        db, user_id=user_id, kind=kind, since=since, until=until, limit=limit, offset=offset
    )
    return AdminTransactionPage(
        items=[AdminTransactionPublic.model_validate(t, from_attributes=True) for t in items],
        total=total,
    )


@admin_router.post("/payments/{payment_id}/refund", status_code=201)
def refund(
    payment_id: IdPath, db: SessionDep, settings: SettingsDep, admin: AdminUser
) -> AdminTransactionPublic:
    found = db.get(Payment, payment_id)
    if found is None:
        raise AppError(ErrorCode.NOT_FOUND, "Платёж не найден.", 404)
    assert admin.id is not None
    entry = service.refund_payment(db, payment_provider(settings), found, admin_id=admin.id)
    return AdminTransactionPublic.model_validate(entry, from_attributes=True)


@admin_router.get("/rules")
def rules(db: SessionDep, _: AdminUser) -> BillingRules:
    return get_rules(db)


@admin_router.put("/rules")
def replace_rules(body: BillingRules, db: SessionDep, admin: AdminUser) -> BillingRules:
    assert admin.id is not None
    return put_rules(db, body, updated_by_id=admin.id)
