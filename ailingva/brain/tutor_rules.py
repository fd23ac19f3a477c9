"""The tutor's rules for one student: born from a pattern of errors in the student's recent
analysed turns, retired when the pattern fades or the rule expires without fresh evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ailingva.brain import repository
from ailingva.brain.models import (
    BrainEventKind,
    RecordEvent,
    RuleSource,
    RuleStatus,
    TutorRule,
)
from ailingva.grammar.findings import Category, Finding
from ailingva.lessons.models import LessonTurn

# Rules: created when a category has RULE_MIN_ERRORS findings in the student's last
# RULE_WINDOW_TURNS analysed turns; retired when none of the last RETIRE_AFTER_CLEAN_TURNS turns
# had one (the pattern faded), or when the rule expires without fresh evidence.
RULE_WINDOW_TURNS = 10
RULE_MIN_ERRORS = 3
RETIRE_AFTER_CLEAN_TURNS = 8
RULE_LIFETIME = timedelta(days=14)

# Findings in these categories are about a word, which becomes a weak word.
WORD_CATEGORIES = frozenset(
    {Category.SPELLING, Category.WORD_CHOICE, Category.CALQUE, Category.VERB_FORM}
)

RULE_INSTRUCTIONS: dict[Category, tuple[int, str]] = {
    Category.ARTICLES: (
        3,
        "The student often drops or misuses articles (a/an/the). Recast their sentence with "
        "the correct article, and praise correct article use.",
    ),
    Category.TENSE: (
        4,
        "The student mixes up tenses (e.g. Present Perfect vs Past Simple). Recast with the "
        "right tense and ask questions that need it (Have you ever...? What did you do...?).",
    ),
    Category.VERB_FORM: (
        3,
        "The student makes verb form errors (irregular past, participles). Recast with the "
        "correct form and use that verb again in your reply.",
    ),
    Category.AGREEMENT: (
        4,
        "The student forgets subject-verb agreement (he works, she has). Recast with the "
        "correct form and ask about a third person to practise it.",
    ),
    Category.PREPOSITIONS: (
        2,
        "The student uses the wrong prepositions. Recast with the right preposition and use "
        "the same phrase again naturally.",
    ),
    Category.WORD_ORDER: (
        3,
        "The student's word order is off, especially in questions. Recast, and invite them to "
        "ask you a question.",
    ),
    Category.PLURAL: (
        2,
        "The student has trouble with plurals and uncountable nouns (advice, information). "
        "Recast with the right form.",
    ),
    Category.PRONOUNS: (
        2,
        "The student misuses or drops pronouns (including 'it is'). Recast with the pronoun.",
    ),
    Category.CALQUE: (
        3,
        "The student translates from Russian word for word (I am agree, explain me, make a "
        "photo). Recast with the natural English phrase and briefly say it in Russian terms.",
    ),
    Category.SPELLING: (1, "The student misspells words in text. Show the correct spelling."),
    Category.WORD_CHOICE: (
        2,
        "The student picks the wrong word or a false friend (magazine/shop). Recast with the "
        "right word and use it again in your reply.",
    ),
}


def _categories(turn: LessonTurn) -> Counter[str]:
    return Counter(str(c.get("category")) for c in turn.corrections)


def update_rules(
    db: Session, user_id: int, findings: Sequence[Finding], *, now: datetime, record: RecordEvent
) -> tuple[list[str], list[str]]:
    """Retire the rules whose pattern faded or that expired, then create or renew one for each
    category of `findings` (the turn just analysed) frequent enough in the recent window.
    Returns (created, retired) patterns."""
    window = repository.recent_analyses(
        db, user_id, max(RULE_WINDOW_TURNS, RETIRE_AFTER_CLEAN_TURNS)
    )
    counts: Counter[str] = Counter()
    for t in window[:RULE_WINDOW_TURNS]:
        counts += _categories(t)
    recent: Counter[str] = Counter()
    for t in window[:RETIRE_AFTER_CLEAN_TURNS]:
        recent += _categories(t)
    # The brain's own (an admin's rules for the student are the admin's to change); one an
    # admin switched off is renewed and retired like the others, and stays off.
    active = {
        r.trigger: r
        for r in db.exec(
            select(TutorRule).where(
                TutorRule.user_id == user_id,
                TutorRule.source == RuleSource.BRAIN,
                TutorRule.status == RuleStatus.ACTIVE,
            )
        ).all()
    }

    created: list[str] = []
    retired: list[str] = []
    for pattern, existing in active.items():
        expired = existing.expires_at is not None and existing.expires_at <= now
        faded = len(window) >= RETIRE_AFTER_CLEAN_TURNS and recent[pattern] == 0
        if expired or faded:
            existing.status = RuleStatus.RETIRED
            existing.retired_at = now
            retired.append(pattern)
            reason = "expired" if expired else "pattern_faded"
            record(BrainEventKind.RULE_RETIRED, {"pattern": pattern, "reason": reason})

    for category in dict.fromkeys(str(f.category) for f in findings):
        count = counts[category]
        if count < RULE_MIN_ERRORS:
            continue
        record(
            BrainEventKind.GRAMMAR_PATTERN,
            {"category": category, "errors": count, "window_turns": len(window)},
        )
        base, instruction = RULE_INSTRUCTIONS[Category(category)]
        priority = base * 10 + min(count, 9)
        rule = active.get(category)
        if rule is None or rule.status != RuleStatus.ACTIVE:  # none, or retired just above
            rule = TutorRule(
                user_id=user_id, trigger=category, instruction=instruction, created_at=now
            )
            db.add(rule)
            created.append(category)
            record(
                BrainEventKind.RULE_CREATED,
                {"pattern": category, "instruction": instruction, "priority": priority},
            )
        # Fresh evidence renews the rule: its weight follows the count, its lifetime restarts.
        rule.evidence_count = count
        rule.priority = priority
        rule.expires_at = now + RULE_LIFETIME
    return created, retired
