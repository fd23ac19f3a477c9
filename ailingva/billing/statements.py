"""The admin's view of the ledger: every student's entries with whose they are, filtered by
student, kind and period, a page at a time or in batches for the export. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, or_, select

from ailingva.auth.models import UserAccount
from ailingva.billing.models import TransactionKind, WalletTransaction
from ailingva.billing.schemas import AdminTransactionRow
from ailingva.core.db import contains_pattern
from ailingva.users.models import UserProfile


@dataclass(frozen=True)
class TransactionFilter:
    """Which entries: one student's (`user_id`), those of students whose email or name holds
    `search`, of one kind, created in [since, until)."""

    user_id: int | None = None
    search: str | None = None
    kind: TransactionKind | None = None
    since: datetime | None = None
    until: datetime | None = None


_refund = aliased(WalletTransaction)
_NAME = func.coalesce(UserProfile.display_name, "")
# A purchase is refunded when a refund entry names its payment.
_REFUNDED = (
    exists()
    .where(
        col(_refund.payment_id) == col(WalletTransaction.payment_id),
        col(_refund.kind) == TransactionKind.REFUND,
    )
    .correlate(WalletTransaction)
)


def _matching(filters: TransactionFilter) -> Any:
    rows = (
        select(WalletTransaction, UserAccount.email, _NAME, _REFUNDED)
        .join(UserAccount, col(UserAccount.id) == col(WalletTransaction.user_id))
        .outerjoin(UserProfile, col(UserProfile.user_id) == col(WalletTransaction.user_id))
    )
    if filters.user_id is not None:
        rows = rows.where(WalletTransaction.user_id == filters.user_id)
    if filters.search:
        pattern = contains_pattern(filters.search.strip())
        rows = rows.where(
            or_(
                func.lower(UserAccount.email).like(pattern, escape="\\"),
                func.lower(_NAME).like(pattern, escape="\\"),
            )
        )
    if filters.kind is not None:
        rows = rows.where(WalletTransaction.kind == filters.kind)
    if filters.since is not None:
        rows = rows.where(col(WalletTransaction.created_at) >= filters.since)
    if filters.until is not None:
        rows = rows.where(col(WalletTransaction.created_at) < filters.until)
    return rows


def _row(entry: WalletTransaction, email: str, name: str, refunded: bool) -> AdminTransactionRow:
    return AdminTransactionRow.model_validate(
        {
            **entry.model_dump(),
            "user_email": email,
            "user_name": name or email.split("@")[0],
            "refunded": bool(refunded) and entry.kind == TransactionKind.PURCHASE,
        }
    )


def transaction_page(
    db: Session, filters: TransactionFilter, *, limit: int, offset: int
) -> tuple[list[AdminTransactionRow], int]:
    """The newest entries first, and how many match in all."""
    rows = _matching(filters)
    total = db.exec(select(func.count()).select_from(rows.subquery())).one()
    page = db.exec(rows.order_by(col(WalletTransaction.id).desc()).offset(offset).limit(limit))
    return [_row(*found) for found in page.all()], total


def transactions_before(
    db: Session, filters: TransactionFilter, *, before_id: int | None, limit: int
) -> list[AdminTransactionRow]:
    """The next `limit` entries, newest first, older than `before_id`: a batch of the export
    (by key, not offset, so entries written meanwhile neither repeat nor push rows out)."""
    rows = _matching(filters)
    if before_id is not None:
        rows = rows.where(col(WalletTransaction.id) < before_id)
    batch = db.exec(rows.order_by(col(WalletTransaction.id).desc()).limit(limit))
    return [_row(*found) for found in batch.all()]
