"""Invitations seen by the admin: links taken, friends signed up, first purchases, the bonuses
paid and taken back, and the students who brought the most friends, over a period. Never
commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, case, col, func, select

from ailingva.auth.models import UserAccount
from ailingva.billing.models import Referral, ReferralCode, TransactionKind, WalletTransaction
from ailingva.billing.schemas import ReferralReport, TopReferrer
from ailingva.users.models import UserProfile


def _in_period(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    found: list[Any] = [col(column).is_not(None)]
    if since is not None:
        found.append(col(column) >= since)
    if until is not None:
        found.append(col(column) < until)
    return found


def _count(db: Session, model: type, *where: Any) -> int:
    return int(db.exec(select(func.count()).select_from(model).where(*where)).one())


def _top_referrers(
    db: Session, since: datetime | None, until: datetime | None, limit: int
) -> list[TopReferrer]:
    signups = func.count(col(Referral.id))
    paid = func.count(col(Referral.rewarded_at))
    leaders = db.exec(
        select(Referral.referrer_id, signups, paid)
        .where(*_in_period(Referral.created_at, since, until))
        .group_by(col(Referral.referrer_id))
        .order_by(signups.desc(), paid.desc(), col(Referral.referrer_id))
        .limit(limit)
    ).all()
    if not leaders:
        return []
    ids = [user_id for user_id, _, _ in leaders]
    people = {
        user_id: (email, name)
        for user_id, email, name in db.exec(
            select(UserAccount.id, UserAccount.email, func.coalesce(UserProfile.display_name, ""))
            .outerjoin(UserProfile, col(UserProfile.user_id) == col(UserAccount.id))
            .where(col(UserAccount.id).in_(ids))
        ).all()
    }
    # The inviter's side only: "referral:<id>:referrer" and its take-back "...:back:<p>:referrer".
    bonuses = dict(
        db.exec(
            select(WalletTransaction.user_id, func.sum(WalletTransaction.amount_kopecks))
            .where(
                col(WalletTransaction.user_id).in_(ids),
                WalletTransaction.kind == TransactionKind.REFERRAL_BONUS,
                col(WalletTransaction.idempotency_key).like("referral:%:referrer"),
                *_in_period(WalletTransaction.created_at, since, until),
            )
            .group_by(col(WalletTransaction.user_id))
        ).all()
    )
    rows = []
    for user_id, count, paid_count in leaders:
        email, name = people[user_id]
        rows.append(
            TopReferrer(
                user_id=user_id,
                email=email,
                name=name or email.split("@")[0],
                signups=count,
                paid=paid_count,
                bonus_kopecks=int(bonuses.get(user_id, 0)),
            )
        )
    return rows


def referral_report(
    db: Session, *, since: datetime | None, until: datetime | None, top: int
) -> ReferralReport:
    amount = col(WalletTransaction.amount_kopecks)
    paid, taken_back = db.exec(
        select(
            func.coalesce(func.sum(case((amount > 0, amount), else_=0)), 0),
            func.coalesce(func.sum(case((amount < 0, -amount), else_=0)), 0),
        ).where(
            WalletTransaction.kind == TransactionKind.REFERRAL_BONUS,
            *_in_period(WalletTransaction.created_at, since, until),
        )
    ).one()
    return ReferralReport(
        since=since,
        until=until,
        links_issued=_count(db, ReferralCode, *_in_period(ReferralCode.created_at, since, until)),
        signups=_count(db, Referral, *_in_period(Referral.created_at, since, until)),
        first_purchases=_count(db, Referral, *_in_period(Referral.rewarded_at, since, until)),
        bonuses_paid_kopecks=int(paid),
        bonuses_taken_back_kopecks=int(taken_back),
        top_referrers=_top_referrers(db, since, until, top),
    )
