"""Invitations: a student's code, who came with it, and the bonuses on the friend's first
purchase. Never commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ailingva.billing import ledger
from ailingva.billing.models import Referral, ReferralCode, TransactionKind, WalletTransaction
from ailingva.billing.rules import get_rules
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError, ErrorCode

REFERRAL_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely
REFERRAL_CODE_LENGTH = 8


@dataclass(frozen=True)
class ReferralStats:
    invited: int
    rewarded: int
    bonus_earned_kopecks: int


def _find_code(db: Session, code: str) -> ReferralCode | None:
    return db.exec(select(ReferralCode).where(ReferralCode.code == code)).first()


def referral_code(db: Session, user_id: int) -> str:
    existing = db.get(ReferralCode, user_id)
    if existing is not None:
        return existing.code
    while True:
        code = "".join(secrets.choice(REFERRAL_CODE_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))
        if _find_code(db, code) is None:
            break
    db.add(ReferralCode(user_id=user_id, code=code))
    db.flush()
    return code


def find_referrer(db: Session, referral_code: str, *, referred_id: int | None = None) -> int:
    """The id of the code's owner; a 422 for a code that does not exist (or is one's own)."""
    code = _find_code(db, referral_code.strip().upper())
    if code is None or code.user_id == referred_id:
        raise AppError(
            ErrorCode.UNKNOWN_REFERRAL_CODE,
            "Такого кода приглашения нет. Проверьте его или зарегистрируйтесь без кода.",
            422,
        )
    return code.user_id


def attach_referrer(db: Session, *, user_id: int, referral_code: str) -> Referral:
    referrer_id = find_referrer(db, referral_code, referred_id=user_id)
    referral = Referral(referrer_id=referrer_id, referred_id=user_id)
    db.add(referral)
    db.flush()
    return referral


def referral_stats(db: Session, user_id: int) -> ReferralStats:
    invited = db.exec(
        select(func.count()).select_from(Referral).where(Referral.referrer_id == user_id)
    ).one()
    rewarded = db.exec(
        select(func.count())
        .select_from(Referral)
        .where(Referral.referrer_id == user_id, col(Referral.rewarded_at).is_not(None))
    ).one()
    # Only what the user earned as the inviter, not their own welcome bonus as someone's friend.
    earned = db.exec(
        select(func.coalesce(func.sum(WalletTransaction.amount_kopecks), 0)).where(
            WalletTransaction.user_id == user_id,
            WalletTransaction.kind == TransactionKind.REFERRAL_BONUS,
            col(WalletTransaction.idempotency_key).like("referral:%:referrer"),
        )
    ).one()
    return ReferralStats(invited, rewarded, int(earned))


def reward_referral(db: Session, *, referred_id: int, payment_id: int) -> None:
    """Both sides' bonuses, once, when the invited student first pays; the entries name the
    payment that earned them, so its refund takes them back."""
    referral = db.exec(select(Referral).where(Referral.referred_id == referred_id)).first()
    if referral is None or referral.rewarded_at is not None:
        return
    rules = get_rules(db)
    assert referral.id is not None
    bonuses = (
        (referral.referrer_id, rules.referral_bonus_referrer_kopecks, "referrer"),
        (referral.referred_id, rules.referral_bonus_referred_kopecks, "referred"),
    )
    for user_id, amount, side in bonuses:
        if amount > 0:
            ledger.post_entry(
                db,
                user_id=user_id,
                kind=TransactionKind.REFERRAL_BONUS,
                amount_kopecks=amount,
                idempotency_key=f"referral:{referral.id}:{side}",
                description="Бонус за приглашение друга",
                payment_id=payment_id,
            )
    referral.rewarded_at = utcnow()
    db.add(referral)


def take_back_referral_bonuses(db: Session, *, payment_id: int, admin_id: int | None) -> None:
    """The payment is refunded: the bonuses it earned leave both wallets, as far as they are
    still there (a bonus already spent on minutes is not a debt). The referral stays rewarded:
    a friend's next purchase does not pay it again."""
    bonuses = db.exec(
        select(WalletTransaction).where(
            WalletTransaction.payment_id == payment_id,
            WalletTransaction.kind == TransactionKind.REFERRAL_BONUS,
            col(WalletTransaction.amount_kopecks) > 0,
        )
    ).all()
    for bonus in bonuses:
        amount = min(bonus.amount_kopecks, ledger.balance(db, bonus.user_id))
        if amount > 0:
            # "referral:<id>:back:<payment>:<side>": ends like the bonus's own key, so the
            # inviter's earnings (referral_stats) count the bonus less what was taken back.
            head, side = bonus.idempotency_key.rsplit(":", 1)
            ledger.post_entry(
                db,
                user_id=bonus.user_id,
                kind=TransactionKind.REFERRAL_BONUS,
                amount_kopecks=-amount,
                idempotency_key=f"{head}:back:{payment_id}:{side}",
                description="Бонус за приглашение отменён: платёж возвращён",
                payment_id=payment_id,
                created_by_id=admin_id,
            )
