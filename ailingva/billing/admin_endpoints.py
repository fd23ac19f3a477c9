"""`/api/admin/billing`: packages, adjustments, the ledger (a page, or all of it as CSV),
refunds, the billing rules and the referral statistics."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from ailingva.api.deps import (
    EngineDep,
    IdPath,
    InstantQuery,
    Limit,
    Offset,
    SearchText,
    SessionDep,
    SettingsDep,
)
from ailingva.auth import repository as accounts
from ailingva.auth.deps import AdminUser
from ailingva.auth.models import UserAccount
from ailingva.billing import export, ledger, packages, purchases, statements, wallet
from ailingva.billing.endpoints import ERRORS, IdempotencyKey
from ailingva.billing.models import TransactionKind
from ailingva.billing.payments import payment_provider
from ailingva.billing.referral_report import referral_report
from ailingva.billing.rules import BillingRules, get_rules, put_rules
from ailingva.billing.schemas import (
    AdjustmentRequest,
    AdminPackagePublic,
    AdminTransactionPage,
    AdminTransactionPublic,
    PackageCreate,
    PackageUpdate,
    ReferralReport,
    RefundRequest,
)
from ailingva.billing.statements import TransactionFilter
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


def _package_fields(package: AdminPackagePublic) -> dict[str, object]:
    return package.model_dump(exclude={"id"})


@router.get("/packages")
def admin_packages(db: SessionDep, _: AdminUser) -> list[AdminPackagePublic]:
    return [AdminPackagePublic.model_validate(p) for p in packages.all_packages(db)]


@router.post("/packages", status_code=201)
def create_package(body: PackageCreate, db: SessionDep, admin: AdminUser) -> AdminPackagePublic:
    created = AdminPackagePublic.model_validate(packages.create_package(db, body))
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
) -> AdminPackagePublic:
    found = packages.get_package(db, package_id, active_only=False)
    before = _package_fields(AdminPackagePublic.model_validate(found))
    updated = AdminPackagePublic.model_validate(packages.update_package(db, package_id, body))
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


def _transaction_filter(
    user_id: Annotated[DbId | None, Query()] = None,
    q: SearchText = None,
    kind: TransactionKind | None = None,
    since: InstantQuery | None = None,
    until: InstantQuery | None = None,
) -> TransactionFilter:
    return TransactionFilter(user_id=user_id, search=q, kind=kind, since=since, until=until)


TransactionFilterDep = Annotated[TransactionFilter, Depends(_transaction_filter)]


@router.get("/transactions")
def all_transactions(
    db: SessionDep,
    _: AdminUser,
    filters: TransactionFilterDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AdminTransactionPage:
    items, total = statements.transaction_page(db, filters, limit=limit, offset=offset)
    return AdminTransactionPage(items=items, total=total)


@router.get(
    "/transactions.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The entries as CSV"}},
)
def export_transactions(
    db: SessionDep, engine: EngineDep, _: AdminUser, filters: TransactionFilterDep
) -> StreamingResponse:
    """Every entry the filters match (no paging), newest first, as a CSV file for Excel: see
    `billing/export.py` for the format."""
    first = statements.transactions_before(db, filters, before_id=None, limit=export.BATCH)
    return StreamingResponse(
        export.csv_chunks(engine, filters, first),
        media_type="text/csv; charset=utf-8",
        # No file name: the page names the file by the period it picked (in the admin's own
        # time zone); a client that sets none gets the path's, transactions.csv.
        headers={"Content-Disposition": "attachment"},
    )


@router.post("/payments/{payment_id}/refund", status_code=201)
def refund(
    payment_id: IdPath,
    db: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    body: RefundRequest | None = None,
) -> AdminTransactionPublic:
    """The payment's money back to the student; the reason goes to the ledger and the journal."""
    found = purchases.get_payment(db, payment_id)
    assert admin.id is not None
    reason = body.reason if body is not None else None
    already = ledger.find_entry(db, f"refund:{payment_id}")
    entry = purchases.refund_payment(
        db, payment_provider(settings), found, admin_id=admin.id, reason=reason
    )
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
            reason=reason,
        )
    return AdminTransactionPublic.model_validate(entry)


@router.get("/referrals")
def referral_statistics(
    db: SessionDep,
    _: AdminUser,
    since: InstantQuery | None = None,
    until: InstantQuery | None = None,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> ReferralReport:
    """Invitations over [since, until): links taken, sign-ups through them, first purchases,
    bonuses paid and taken back, and the students who brought the most friends."""
    return referral_report(db, since=since, until=until, top=top)


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
