"""What the live tutor's prompt reads of the brain: the student's active rules, due words, and
one confident finding of the deep pass on the student's last turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, or_, select

from ailingva.brain import repository
from ailingva.brain.deep import MENTION_CONFIDENCE
from ailingva.brain.models import RuleStatus, TutorRule
from ailingva.learning.words import due_review_words
from ailingva.lessons.models import LessonTurn, TurnRole

MAX_REVIEW_WORDS = 3
MAX_PROMPT_RULES = 5


@dataclass(frozen=True)
class TutorMemory:
    """What the tutor remembers about a student: instructions by priority, words due for review."""

    rules: list[str] = field(default_factory=list)
    review_words: list[str] = field(default_factory=list)
    # A slip the deep pass found in the student's previous turn, '"original" -> "correction"':
    # the next turn may mention it once, briefly (the turn after has a newer previous turn).
    mention: str | None = None


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


def tutor_memory(
    db: Session, user_id: int, *, now: datetime, lesson_id: int | None = None
) -> TutorMemory:
    """Active, unexpired rules (highest priority first), at most 3 due weak words and, in a
    lesson, the deep pass's most confident finding on the student's previous turn."""
    rules = rules_in_force(db, user_id, now=now, limit=MAX_PROMPT_RULES)
    words = due_review_words(db, user_id, now=now, limit=MAX_REVIEW_WORDS)
    mention = _mention(db, lesson_id) if lesson_id is not None else None
    return TutorMemory(
        rules=[rule.instruction for rule in rules], review_words=words, mention=mention
    )


def _mention(db: Session, lesson_id: int) -> str | None:
    last = db.exec(
        select(LessonTurn.id)
        .where(LessonTurn.lesson_id == lesson_id, LessonTurn.role == TurnRole.STUDENT)
        .order_by(col(LessonTurn.seq).desc())
    ).first()
    marker = repository.analysis_turn(db, last) if last is not None else None
    if marker is None:
        return None
    confident = [
        c
        for c in marker.corrections
        if c.get("pipeline") == "analysis"
        and isinstance(c.get("confidence"), float)
        and c["confidence"] >= MENTION_CONFIDENCE
    ]
    if not confident:
        return None
    best = max(confident, key=lambda c: float(c["confidence"]))
    original, correction = str(best.get("original", "")), str(best.get("correction", ""))
    return f'"{original}" -> "{correction}"' if correction else f'an extra "{original}"'
