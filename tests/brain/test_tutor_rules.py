"""Tutor rules: born from a pattern of errors, ordered by priority, retired when it fades."""

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain import memory, tutor_rules
from ailingva.brain.models import BrainEvent, BrainEventKind, RuleStatus, TutorRule
from ailingva.core.db import utcnow
from ailingva.grammar.findings import Category
from tests.brain.helpers import new_lesson, new_user, say

ARTICLE_ERRORS = ["I have cat at home", "Last week I bought car", "We often go to cinema"]


def _memory(engine: Engine, user: int, *, now: datetime | None = None) -> memory.TutorMemory:
    with Session(engine) as db:
        return memory.tutor_memory(db, user, now=now or utcnow())


def _rules(engine: Engine, user: int) -> list[TutorRule]:
    with Session(engine) as db:
        return list(db.exec(select(TutorRule).where(TutorRule.user_id == user)).all())


def _events(engine: Engine, user: int, kind: BrainEventKind) -> list[BrainEvent]:
    with Session(engine) as db:
        return list(
            db.exec(
                select(BrainEvent).where(BrainEvent.user_id == user, BrainEvent.kind == kind)
            ).all()
        )


def test_three_article_errors_make_a_rule_the_tutor_follows(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    say(engine, lesson, ARTICLE_ERRORS[0])
    say(engine, lesson, ARTICLE_ERRORS[1])
    assert _rules(engine, user) == []  # two errors are not a pattern yet

    result = say(engine, lesson, ARTICLE_ERRORS[2])

    assert result is not None and result.rules_created == ["articles"]
    (rule,) = _rules(engine, user)
    assert rule.status == RuleStatus.ACTIVE and rule.evidence_count == 3
    assert rule.expires_at is not None and rule.expires_at > utcnow()
    assert "recast" in rule.instruction.lower() and "article" in rule.instruction.lower()
    assert _memory(engine, user).tips() == [rule.instruction]
    (pattern,) = _events(engine, user, BrainEventKind.GRAMMAR_PATTERN)
    assert pattern.payload == {"category": "articles", "errors": 3, "window_turns": 3}
    assert len(_events(engine, user, BrainEventKind.RULE_CREATED)) == 1

    say(engine, lesson, "I have cat and dog")  # more evidence: the same rule, not a second
    (rule,) = _rules(engine, user)
    assert rule.evidence_count == 4


def test_the_rule_retires_when_the_pattern_fades(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    for text in ARTICLE_ERRORS:
        say(engine, lesson, text)
    clean = [
        f"This is a clean sentence number {i}" for i in range(tutor_rules.RETIRE_AFTER_CLEAN_TURNS)
    ]
    for text in clean[:-1]:
        say(engine, lesson, text)
        assert _rules(engine, user)[0].status == RuleStatus.ACTIVE

    result = say(engine, lesson, clean[-1])

    assert result is not None and result.rules_retired == ["articles"]
    (rule,) = _rules(engine, user)
    assert rule.status == RuleStatus.RETIRED and rule.retired_at is not None
    assert _memory(engine, user).tips() == []
    (retired,) = _events(engine, user, BrainEventKind.RULE_RETIRED)
    assert retired.payload == {"pattern": "articles", "reason": "pattern_faded"}


def test_an_expired_rule_leaves_the_prompt_and_is_retired(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    for text in ARTICLE_ERRORS:
        say(engine, lesson, text)
    later = utcnow() + tutor_rules.RULE_LIFETIME + timedelta(minutes=1)
    assert _memory(engine, user, now=later).tips() == []

    say(engine, lesson, "A clean sentence", now=later)
    assert _rules(engine, user)[0].status == RuleStatus.RETIRED


def test_rules_come_in_priority_order(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    for text in ARTICLE_ERRORS:
        say(engine, lesson, text)
    for _ in range(3):
        say(engine, lesson, "Every day he go to work")
    memory = _memory(engine, user)
    assert memory.tips() == [
        tutor_rules.RULE_INSTRUCTIONS[c][1] for c in (Category.AGREEMENT, Category.ARTICLES)
    ]
