"""What the live tutor's prompt reads of the brain: the student's active rules and due words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, or_, select

from ailingva.brain.models import RuleStatus, TutorRule
from ailingva.learning.words import due_review_words

MAX_REVIEW_WORDS = 3
MAX_PROMPT_RULES = 5


@dataclass(frozen=True)
class TutorMemory:
    """What the tutor remembers about a student: instructions by priority, words due for review."""

    rules: list[str] = field(default_factory=list)
    review_words: list[str] = field(default_factory=list)


def rules_in_force(
    db: Session, user_id: int, *, now: datetime, limit: int | None = None
) -> list[TutorRule]:
    """The student's active, unexpired rules, highest priority first: the prompt takes the
    first MAX_PROMPT_RULES."""
    query = (
        select(TutorRule)
        .where(
            TutorRule.user_id == user_id,
            TutorRule.status == RuleStatus.ACTIVE,
            or_(col(TutorRule.expires_at).is_(None), col(TutorRule.expires_at) > now),
        )
        .order_by(col(TutorRule.priority).desc(), col(TutorRule.id))
    )
    return list(db.exec(query.limit(limit) if limit is not None else query).all())


def tutor_memory(db: Session, user_id: int, *, now: datetime) -> TutorMemory:
    """Active, unexpired rules (highest priority first) and at most 3 due weak words."""
    rules = rules_in_force(db, user_id, now=now, limit=MAX_PROMPT_RULES)
    words = due_review_words(db, user_id, now=now, limit=MAX_REVIEW_WORDS)
    return TutorMemory(rules=[rule.instruction for rule in rules], review_words=words)
