"""The student's page as an admin reads it: profile and level, wallet, words with their
reviews, the brain's events. Lessons and the ledger are the lessons' and billing's own reads,
the rules in force the rule book's."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from ailingva.admin.accounts import open_sign_ins, user_row
from ailingva.admin.schemas import (
    BrainEventPage,
    BrainEventPublic,
    LearningPublic,
    ProfilePublic,
    StudentDetail,
    StudentWordPage,
    StudentWordPublic,
    WalletPublic,
)
from ailingva.billing.metering import charged_usages
from ailingva.billing.wallet import balance_view
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.learning.models import LearningState, StudentWord, WordStatus
from ailingva.users.models import UserProfile


def student_detail(db: Session, user_id: int, *, now: datetime, voice_here: int) -> StudentDetail:
    account = user_row(db, user_id)
    profile = db.get(UserProfile, user_id)
    learning = db.get(LearningState, user_id)
    wallet = balance_view(db, user_id)
    counts = dict(
        db.exec(
            select(StudentWord.status, func.count())
            .where(StudentWord.user_id == user_id)
            .group_by(col(StudentWord.status))
        ).all()
    )
    return StudentDetail(
        account=account,
        open_sign_ins=open_sign_ins(db, user_id, now=now),
        voice_sessions_here=voice_here,
        voice_minutes=sum(u.minutes_charged for u in charged_usages(db, user_id)),
        profile=ProfilePublic.model_validate(profile) if profile else None,
        learning=LearningPublic.model_validate(learning) if learning else None,
        wallet=WalletPublic(
            balance_kopecks=wallet.balance_kopecks,
            minutes_left=wallet.minutes_left,
            price_per_minute_kopecks=wallet.price_per_minute_kopecks,
            low_balance=wallet.low_balance,
        ),
        weak_words=counts.get(WordStatus.WEAK, 0),
        known_words=counts.get(WordStatus.KNOWN, 0),
    )


def student_words(
    db: Session, user_id: int, *, status: WordStatus, limit: int, offset: int
) -> StudentWordPage:
    """Weak words by their next review (soonest first), known words by last use."""
    query = select(StudentWord).where(StudentWord.user_id == user_id, StudentWord.status == status)
    order = (
        (col(StudentWord.due_at).asc(), col(StudentWord.word))
        if status == WordStatus.WEAK
        else (col(StudentWord.last_seen_at).desc(), col(StudentWord.word))
    )
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.order_by(*order).offset(offset).limit(limit)).all()
    return StudentWordPage(items=[StudentWordPublic.model_validate(w) for w in rows], total=total)


def brain_events(
    db: Session, user_id: int, *, kind: BrainEventKind | None, limit: int, offset: int
) -> BrainEventPage:
    query = select(BrainEvent).where(BrainEvent.user_id == user_id)
    if kind is not None:
        query = query.where(BrainEvent.kind == kind)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.order_by(col(BrainEvent.id).desc()).offset(offset).limit(limit)).all()
    return BrainEventPage(items=[BrainEventPublic.model_validate(e) for e in rows], total=total)
