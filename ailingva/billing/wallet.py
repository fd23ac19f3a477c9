"""The student's wallet as they see it: balance, the trial bonus, the transaction list, and
an admin's adjustments. Every movement is a ledger entry. Never commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ailingva.billing import ledger
from ailingva.billing.models import TransactionKind, WalletTransaction
from ailingva.billing.rules import get_rules


@dataclass(frozen=True)
class BalanceView:
    balance_kopecks: int
    price_per_minute_kopecks: int
    minutes_left: int
    low_balance: bool


def balance_view(db: Session, user_id: int) -> BalanceView:
    rules = get_rules(db)
    balance = ledger.balance(db, user_id)
    minutes = balance // rules.price_per_minute_kopecks
    return BalanceView(
        balance,
        rules.price_per_minute_kopecks,
        minutes,
        minutes <= rules.low_balance_warning_minutes,
    )


def canonical_email(email: str) -> str:
    """One trial per person: "anna+2@x.ru" and "Anna@x.ru" are the same mailbox."""
    local, _, domain = email.strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def grant_trial(db: Session, *, user_id: int, email: str) -> WalletTransaction | None:
    """The registration bonus: trial minutes at today's price, once per mailbox, ever."""
    rules = get_rules(db)
    if rules.trial_minutes == 0:
        return None
    digest = hashlib.sha256(canonical_email(email).encode()).hexdigest()
    key = f"trial:{digest}"
    if ledger.find_entry(db, key) is not None:
        return None
    entry, _ = ledger.post_entry(
        db,
        user_id=user_id,
        kind=TransactionKind.TRIAL_BONUS,
        amount_kopecks=rules.trial_minutes * rules.price_per_minute_kopecks,
        idempotency_key=key,
        description=f"Пробный период: {rules.trial_minutes} минут",
    )
    return entry


def transactions(
    db: Session, *, user_id: int, limit: int, offset: int
) -> tuple[list[WalletTransaction], int]:
    """The student's own entries, newest first (the admin's list is `statements`)."""
    query = select(WalletTransaction).where(WalletTransaction.user_id == user_id)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = db.exec(query.order_by(col(WalletTransaction.id).desc()).offset(offset).limit(limit))
    return list(page.all()), total


def adjust_balance(
    db: Session,
    *,
    user_id: int,
    amount_kopecks: int,
    reason: str,
    admin_id: int | None,
    idempotency_key: str,
) -> WalletTransaction:
    entry, _ = ledger.post_entry(
        db,
        user_id=user_id,
        kind=TransactionKind.ADMIN_ADJUSTMENT,
        amount_kopecks=amount_kopecks,
        idempotency_key=f"adjust:{idempotency_key}",
        description=reason,
        created_by_id=admin_id,
    )
    return entry
