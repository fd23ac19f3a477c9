"""The wallet ledger: append-only entries in kopecks; the wallet row caches their sum.

Every entry has an idempotency key, so a retried write is answered with the entry it already
made. A debit is one conditional UPDATE (`balance + amount >= 0`): on PostgreSQL the row lock
serialises concurrent debits, on SQLite the write lock does, and neither can overdraw; a
credit past MAX_BALANCE_KOPECKS is refused the same way.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ailingva.billing.models import TransactionKind, Wallet, WalletTransaction
from ailingva.billing.rules import MAX_BALANCE_KOPECKS
from ailingva.core.errors import AppError, ErrorCode


class BalanceLimit(AppError):
    def __init__(self) -> None:
        super().__init__(
            ErrorCode.BALANCE_LIMIT,
            "Баланс не может превышать 100 000 000 ₽: операция не выполнена.",
            409,
        )


class InsufficientFunds(AppError):
    def __init__(self) -> None:
        super().__init__(
            ErrorCode.INSUFFICIENT_FUNDS, "Недостаточно средств на балансе. Пополните баланс.", 402
        )


def open_wallet(db: Session, user_id: int) -> None:
    """Create the user's wallet if it does not exist (safe under concurrency)."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(Wallet)
        .values(user_id=user_id, balance_kopecks=0)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )


def balance(db: Session, user_id: int) -> int:
    wallet = db.get(Wallet, user_id)
    return 0 if wallet is None else wallet.balance_kopecks


def ledger_sum(db: Session, user_id: int) -> int:
    total = db.exec(
        select(func.coalesce(func.sum(WalletTransaction.amount_kopecks), 0)).where(
            WalletTransaction.user_id == user_id
        )
    ).one()
    return int(total)


def find_entry(db: Session, idempotency_key: str) -> WalletTransaction | None:
    return db.exec(
        select(WalletTransaction).where(WalletTransaction.idempotency_key == idempotency_key)
    ).first()


def post_entry(
    db: Session,
    *,
    user_id: int,
    kind: TransactionKind,
    amount_kopecks: int,
    idempotency_key: str,
    description: str = "",
    usage_session_id: int | None = None,
    payment_id: int | None = None,
    created_by_id: int | None = None,
) -> tuple[WalletTransaction, bool]:
    """Append an entry and move the balance. Returns (entry, created): a repeated key returns
    the existing entry and created=False. A debit past zero raises InsufficientFunds."""
    if amount_kopecks == 0:
        raise ValueError("a ledger entry moves money")
    existing = find_entry(db, idempotency_key)
    if existing is not None:
        return _same_entry(existing, user_id, kind, amount_kopecks), False
    open_wallet(db, user_id)
    try:
        with db.begin_nested():
            new_balance = db.execute(
                update(Wallet)
                .where(
                    col(Wallet.user_id) == user_id,
                    col(Wallet.balance_kopecks) + amount_kopecks >= 0,
                    col(Wallet.balance_kopecks) + amount_kopecks <= MAX_BALANCE_KOPECKS,
                )
                .values(balance_kopecks=col(Wallet.balance_kopecks) + amount_kopecks)
                .returning(col(Wallet.balance_kopecks))
            ).scalar_one_or_none()
            if new_balance is None:
                raise InsufficientFunds() if amount_kopecks < 0 else BalanceLimit()
            entry = WalletTransaction(
                user_id=user_id,
                kind=kind,
                amount_kopecks=amount_kopecks,
                balance_after_kopecks=new_balance,
                idempotency_key=idempotency_key,
                description=description[:255],
                usage_session_id=usage_session_id,
                payment_id=payment_id,
                created_by_id=created_by_id,
            )
            db.add(entry)
            db.flush()
    except IntegrityError:
        # A concurrent request with the same key won the race; its entry is the answer.
        existing = find_entry(db, idempotency_key)
        if existing is None:
            raise
        return _same_entry(existing, user_id, kind, amount_kopecks), False
    return entry, True


def _same_entry(
    entry: WalletTransaction, user_id: int, kind: TransactionKind, amount_kopecks: int
) -> WalletTransaction:
    if (entry.user_id, entry.kind, entry.amount_kopecks) != (user_id, kind, amount_kopecks):
        raise AppError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "Этот ключ идемпотентности уже использован для другой операции.",
            409,
        )
    return entry
