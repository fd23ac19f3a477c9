"""`/api/admin/billing`: packages, adjustments, the ledger, refunds and the billing rules."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from ailingva.api.deps import IdPath, InstantQuery, Limit, Offset, SessionDep, SettingsDep
from ailingva.auth import repository as accounts
from ailingva.auth.deps import AdminUser
from ailingva.billing import packages, purchases, wallet
from ailingva.billing.endpoints import ERRORS, IdempotencyKey
from ailingva.billing.models import TransactionKind
from ailingva.billing.payments import payment_provider
from ailingva.billing.rules import BillingRules, get_rules, put_rules
from ailingva.billing.schemas import (
    AdjustmentRequest,
    AdminTransactionPage,
    AdminTransactionPublic,
    PackageCreate,
    PackagePublic,
    PackageUpdate,
)
from ailingva.core.db import DbId

router = APIRouter(prefix="/api/admin/billing", tags=["admin", "billing"], responses=ERRORS)


@router.get("/packages")
def admin_packages(db: SessionDep, _: AdminUser) -> list[PackagePublic]:
    return [PackagePublic.model_validate(p) for p in packages.all_packages(db)]


@router.post("/packages", status_code=201)
def create_package(body: PackageCreate, db: SessionDep, _: AdminUser) -> PackagePublic:
    return PackagePublic.model_validate(packages.create_package(db, body))


@router.patch("/packages/{package_id}")
def update_package(
    package_id: IdPath, body: PackageUpdate, db: SessionDep, _: AdminUser
) -> PackagePublic:
    return PackagePublic.model_validate(packages.update_package(db, package_id, body))


@router.delete("/packages/{package_id}", status_code=204)
def retire_package(package_id: IdPath, db: SessionDep, _: AdminUser) -> Response:
    """Packages are retired, not deleted: payments keep pointing at what was bought."""
    packages.retire_package(db, package_id)
    return Response(status_code=204)


@router.post("/adjustments", status_code=201)
def adjust(
    body: AdjustmentRequest,
    db: SessionDep,
    admin: AdminUser,
    idempotency_key: IdempotencyKey = None,
) -> AdminTransactionPublic:
    accounts.get_user(db, body.user_id)
    assert admin.id is not None
    entry = wallet.adjust_balance(
        db,
        user_id=body.user_id,
        amount_kopecks=body.amount_kopecks,
        reason=body.reason,
        admin_id=admin.id,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )
    return AdminTransactionPublic.model_validate(entry)


@router.get("/transactions")
def all_transactions(
    db: SessionDep,
    _: AdminUser,
    user_id: Annotated[DbId | None, Query()] = None,
    kind: TransactionKind | None = None,
    since: InstantQuery | None = None,
    until: InstantQuery | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AdminTransactionPage:
    items, total = wallet.transactions(
        db, user_id=user_id, kind=kind, since=since, until=until, limit=limit, offset=offset
    )
    return AdminTransactionPage(
        items=[AdminTransactionPublic.model_validate(t) for t in items], total=total
    )


@router.post("/payments/{payment_id}/refund", status_code=201)
def refund(
    payment_id: IdPath, db: SessionDep, settings: SettingsDep, admin: AdminUser
) -> AdminTransactionPublic:
    found = purchases.get_payment(db, payment_id)
    assert admin.id is not None
    entry = purchases.refund_payment(db, payment_provider(settings), found, admin_id=admin.id)
    return AdminTransactionPublic.model_validate(entry)


@router.get("/rules")
def rules(db: SessionDep, _: AdminUser) -> BillingRules:
    return get_rules(db)


@router.put("/rules")
def replace_rules(body: BillingRules, db: SessionDep, admin: AdminUser) -> BillingRules:
    assert admin.id is not None
    return put_rules(db, body, updated_by_id=admin.id)
