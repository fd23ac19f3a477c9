"""The voice session's meter: each started minute is charged at the price the session opened
with, idempotently. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from ailingva.billing import ledger
from ailingva.billing.models import TransactionKind, UsageSession, UsageStatus
from ailingva.billing.rules import get_rules
from ailingva.billing.wallet import BalanceView, balance_view


def open_usage(db: Session, *, user_id: int, lesson_id: int | None, now: datetime) -> UsageSession:
    """Start metering a voice session: the price is fixed for its whole life."""
    rules = get_rules(db)
    usage = UsageSession(
        user_id=user_id,
        lesson_id=lesson_id,
        started_at=now,
        price_per_minute_kopecks=rules.price_per_minute_kopecks,
    )
    db.add(usage)
    db.flush()
    return usage


def charge_usage_minute(db: Session, usage: UsageSession, minute: int) -> bool:
    """Charge minute number `minute` (1-based) of a session. True if this call charged it;
    a retry of a charged minute changes nothing. InsufficientFunds when the wallet is empty."""
    assert usage.id is not None
    _, created = ledger.post_entry(
        db,
        user_id=usage.user_id,
        kind=TransactionKind.USAGE_CHARGE,
        amount_kopecks=-usage.price_per_minute_kopecks,
        idempotency_key=f"usage:{usage.id}:{minute}",
        description=f"Голосовая практика, минута {minute}",
        usage_session_id=usage.id,
    )
    if created:
        db.execute(
            update(UsageSession)
            .where(col(UsageSession.id) == usage.id)
            .values(
                minutes_charged=col(UsageSession.minutes_charged) + 1,
                amount_kopecks=col(UsageSession.amount_kopecks) + usage.price_per_minute_kopecks,
            )
        )
    return created


def close_usage(db: Session, usage: UsageSession, *, now: datetime) -> None:
    if usage.status == UsageStatus.ACTIVE:
        usage.status = UsageStatus.CLOSED
        usage.ended_at = now
        db.add(usage)


def start_metering(
    db: Session, *, user_id: int, lesson_id: int | None, now: datetime
) -> tuple[UsageSession, BalanceView]:
    """Open a voice session's meter and charge its first minute (InsufficientFunds if the
    wallet cannot pay it; then nothing is written)."""
    usage = open_usage(db, user_id=user_id, lesson_id=lesson_id, now=now)
    charge_usage_minute(db, usage, 1)
    return usage, balance_view(db, user_id)


def _usage(db: Session, usage_id: int) -> UsageSession:
    usage = db.get(UsageSession, usage_id)
    assert usage is not None
    return usage


def meter_minute(db: Session, usage_id: int, minute: int) -> BalanceView:
    """Charge minute `minute` of a running session; InsufficientFunds when it cannot be paid."""
    usage = _usage(db, usage_id)
    charge_usage_minute(db, usage, minute)
    return balance_view(db, usage.user_id)


def stop_metering(db: Session, usage_id: int, *, now: datetime) -> UsageSession:
    usage = _usage(db, usage_id)
    close_usage(db, usage, now=now)
    db.flush()
    return usage


def charged_usages(db: Session, user_id: int) -> list[UsageSession]:
    """The student's voice sessions that were charged: the billing meter's record of the
    minutes spoken (progress and the admin's student page count minutes from it)."""
    return list(
        db.exec(
            select(UsageSession).where(
                UsageSession.user_id == user_id, UsageSession.minutes_charged > 0
            )
        ).all()
    )
