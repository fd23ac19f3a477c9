"""`/api/admin/billing`: packages, adjustments, the ledger, refunds and the billing rules."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from ailingva.api.deps import IdPath, InstantQuery, Limit, Offset, SessionDep, SettingsDep
from ailingva.auth import repository as accounts
from ailingva.auth.deps import AdminUser
from ailingva.auth.models import UserAccount
from ailingva.billing import ledger, packages, purchases, wallet
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
from ailingva.core.audit import AuditAction, change, differences, record
from ailingva.core.db import DbId

router = APIRouter(prefix="/api/admin/billing", tags=["admin", "billing"], responses=ERRORS)


def _journal(
    db: SessionDep,
    admin: UserAccount,
    action: AuditAction,
    target: tuple[str, int | None, str],
    changes: dict[str, object],
    reason: str | None = None,
) -> None:
    target_type, target_id, label = target
    record(
        db,
        actor_id=admin.id,
        actor_email=admin.email,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label,
        changes=changes,
        reason=reason,
    )


def _package_fields(package: PackagePublic) -> dict[str, object]:
    return package.model_dump(exclude={"id"})


@router.get("/packages")
def admin_packages(db: SessionDep, _: AdminUser) -> list[PackagePublic]:
    return [PackagePublic.model_validate(p) for p in packages.all_packages(db)]


@router.post("/packages", status_code=201)
def create_package(body: PackageCreate, db: SessionDep, admin: AdminUser) -> PackagePublic:
    created = PackagePublic.model_validate(packages.create_package(db, body))
    _journal(
        db,
        admin,
        AuditAction.PACKAGE_CREATED,
        ("package", created.id, created.name),
        differences({}, _package_fields(created)),
    )
    return created


@router.patch("/packages/{package_id}")
def update_package(
    package_id: IdPath, body: PackageUpdate, db: SessionDep, admin: AdminUser
) -> PackagePublic:
    found = packages.get_package(db, package_id, active_only=False)
    before = _package_fields(PackagePublic.model_validate(found))
    updated = PackagePublic.model_validate(packages.update_package(db, package_id, body))
    changes = differences(before, _package_fields(updated))
    if changes:
        target = ("package", updated.id, updated.name)
        _journal(db, admin, AuditAction.PACKAGE_UPDATED, target, changes)
    return updated


@router.delete("/packages/{package_id}", status_code=204)
def retire_package(package_id: IdPath, db: SessionDep, admin: AdminUser) -> Response:
    """Packages are retired, not deleted: payments keep pointing at what was bought."""
    found = packages.get_package(db, package_id, active_only=False)
    was_active = found.is_active
    packages.retire_package(db, package_id)
    if was_active:
        target = ("package", package_id, found.name)
        _journal(db, admin, AuditAction.PACKAGE_RETIRED, target, {"is_active": change(True, False)})
    return Response(status_code=204)


@router.post("/adjustments", status_code=201)
def adjust(
    body: AdjustmentRequest,
    db: SessionDep,
    admin: AdminUser,
    idempotency_key: IdempotencyKey = None,
) -> AdminTransactionPublic:
    student = accounts.get_user(db, body.user_id)
    assert admin.id is not None
    key = idempotency_key or uuid.uuid4().hex
    already = ledger.find_entry(db, f"adjust:{key}")
    entry = wallet.adjust_balance(
        db,
        user_id=body.user_id,
        amount_kopecks=body.amount_kopecks,
        reason=body.reason,
        admin_id=admin.id,
        idempotency_key=key,
    )
    if already is None:  # a retried request moved no money again: nothing new to record
        _journal(
            db,
            admin,
            AuditAction.BALANCE_ADJUSTED,
            ("user", student.id, student.email),
            {
                "balance_kopecks": change(
                    entry.balance_after_kopecks - entry.amount_kopecks, entry.balance_after_kopecks
                ),
                "transaction_id": change(None, entry.id),
            },
            reason=body.reason,
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
    already = ledger.find_entry(db, f"refund:{payment_id}")
    entry = purchases.refund_payment(db, payment_provider(settings), found, admin_id=admin.id)
    if already is None:  # refunded now, not before
        student = accounts.get_user(db, found.user_id)
        _journal(
            db,
            admin,
            AuditAction.PAYMENT_REFUNDED,
            ("user", student.id, student.email),
            {
                "payment_id": change(None, found.id),
                "balance_kopecks": change(
                    entry.balance_after_kopecks - entry.amount_kopecks, entry.balance_after_kopecks
                ),
            },
        )
    return AdminTransactionPublic.model_validate(entry)


@router.get("/rules")
def rules(db: SessionDep, _: AdminUser) -> BillingRules:
    return get_rules(db)


@router.put("/rules")
def replace_rules(body: BillingRules, db: SessionDep, admin: AdminUser) -> BillingRules:
    assert admin.id is not None
    before = get_rules(db).model_dump()
    rules = put_rules(db, body, updated_by_id=admin.id)
    changes = differences(before, rules.model_dump())
    if changes:
        target = ("billing_rules", None, "Правила биллинга")
        _journal(db, admin, AuditAction.BILLING_RULES_CHANGED, target, changes)
    return rules
