"""What the live tutor's prompt reads of the brain: the rules in force for the student (the
brain's and the admins'), due words, and one confident finding of the deep pass on the
student's last turn."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, or_, select

from ailingva.brain import repository
from ailingva.brain.deep import MENTION_CONFIDENCE
from ailingva.brain.models import ALWAYS, RuleScope, RuleSource, RuleStatus, TutorRule
from ailingva.learning.words import due_review_words
from ailingva.lessons.models import LessonTurn, TurnRole
from ailingva.users.models import CefrLevel, UserProfile

MAX_REVIEW_WORDS = 3
MAX_PROMPT_RULES = 5


@dataclass(frozen=True)
class PromptRule:
    instruction: str
    priority: int
    # The error category that brings the rule into a turn's prompt; None: in every turn's
    # (an `always` rule, or one whose category is a weakness the student has).
    trigger: str | None = None


@dataclass(frozen=True)
class TutorMemory:
    """What the tutor remembers about a student: instructions by priority, words due for review."""

    rules: tuple[PromptRule, ...] = ()  # highest priority first
    review_words: list[str] = field(default_factory=list)
    # A slip the deep pass found in the student's previous turn, '"original" -> "correction"':
    # the next turn may mention it once, briefly (the turn after has a newer previous turn).
    mention: str | None = None

    def tips(self, categories: Collection[str] = ()) -> list[str]:
        """The instructions for a turn whose errors are of `categories`: the rules in force on
        every turn and those the turn's errors trigger, at most MAX_PROMPT_RULES, highest
        priority first."""
        chosen = [r.instruction for r in self.rules if r.trigger is None or r.trigger in categories]
        return list(dict.fromkeys(chosen))[:MAX_PROMPT_RULES]


def _student_level(db: Session, user_id: int) -> str:
    profile = db.get(UserProfile, user_id)
    return str(profile.level if profile is not None else CefrLevel.A2)


def rules_in_force(
    db: Session, user_id: int, *, now: datetime, enabled_only: bool = True
) -> list[TutorRule]:
    """The active, unexpired rules for the student, highest priority first: their own (the
    brain's and an admin's), their level's and every student's. `enabled_only=False` keeps the
    rules an admin switched off (their brain rules still say what the student gets wrong)."""
    query = (
        select(TutorRule)
        .where(
            TutorRule.status == RuleStatus.ACTIVE,
            or_(col(TutorRule.expires_at).is_(None), col(TutorRule.expires_at) > now),
            or_(
                col(TutorRule.user_id) == user_id,
                TutorRule.scope == RuleScope.ALL,
                (col(TutorRule.scope) == RuleScope.LEVEL)
                & (col(TutorRule.level) == _student_level(db, user_id)),
            ),
        )
        .order_by(col(TutorRule.priority).desc(), col(TutorRule.id))
    )
    if enabled_only:
        query = query.where(col(TutorRule.enabled).is_(True))
    return list(db.exec(query).all())


def prompt_rules(db: Session, user_id: int, *, now: datetime) -> tuple[PromptRule, ...]:
    """The rules in force, each with what brings it into a turn's prompt. The student's
    weaknesses are the categories of their brain rules (switched off or not)."""
    rules = rules_in_force(db, user_id, now=now, enabled_only=False)
    weak = {r.trigger for r in rules if r.source == RuleSource.BRAIN}
    standing = {ALWAYS, *weak}
    return tuple(
        PromptRule(r.instruction, r.priority, None if r.trigger in standing else r.trigger)
        for r in rules
        if r.enabled
    )


def tutor_memory(
    db: Session, user_id: int, *, now: datetime, lesson_id: int | None = None
) -> TutorMemory:
    """The rules in force (highest priority first), at most 3 due weak words and, in a
    lesson, the deep pass's most confident finding on the student's previous turn."""
    words = due_review_words(db, user_id, now=now, limit=MAX_REVIEW_WORDS)
    mention = _mention(db, lesson_id) if lesson_id is not None else None
    return TutorMemory(
        rules=prompt_rules(db, user_id, now=now), review_words=words, mention=mention
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
