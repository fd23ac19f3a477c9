"""The ANALYSIS of one student turn: what it says about the student (errors, weak and known
words) and, through the tutor's rules, what the tutor should do next.

Never commits: the jobs in `tasks.py` own the transactions. The grammar findings are those the
live pipeline stored with the student turn (the live rules are not run again), plus what the deep
pass (`deep.py`: candidate edits scored by the local language model) adds to them; every
ERROR_DETECTED event says which pass found it (`pipeline`: live or analysis).

Idempotency: the ANALYSIS turn (role=brain, pipeline=analysis, source_turn_id=the student turn)
is the marker of an analysed turn, and a unique index allows one per student turn. Everything one
analysis writes (events, words, rules) is in the marker's transaction, so a run either leaves one
complete set of results or nothing.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fsrs import Rating
from sqlmodel import Session, col, select

from ailingva.brain import repository, tutor_rules
from ailingva.brain.deep import DeepPass
from ailingva.brain.models import BrainEvent, BrainEventKind, RecordEvent
from ailingva.grammar.findings import MAX_CHECKED_CHARS, Category, Finding
from ailingva.learning.words import (
    Token,
    is_content_word,
    is_due,
    mark_weak,
    record_correct_uses,
    review,
    tokens,
    weak_words_in,
)
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole

log = logging.getLogger(__name__)

# The analysis turn's seq lives in its own range, so it never takes a number the live
# conversation is about to use: seq = ANALYSIS_SEQ_OFFSET + the student turn's seq.
ANALYSIS_SEQ_OFFSET = 1_000_000

# Findings in these categories are about a word, which becomes a weak word.
WORD_CATEGORIES = frozenset(
    {Category.SPELLING, Category.WORD_CHOICE, Category.CALQUE, Category.VERB_FORM}
)

_ASKED_RE = re.compile(
    r"как\s+(?:сказать|будет)(?:\s+по[-\s]?английски)?\s*[:\-—]?\s*[«\"'“]?([^«»\"'“”?!.,;]{1,60})",
    re.IGNORECASE,
)
_QUOTED_ENGLISH_RE = re.compile(r"[«\"“'*]([A-Za-z][A-Za-z' \-]{0,40}?)[»\"”'*]")
_LATIN_RE = re.compile(r"[A-Za-z]")


@dataclass
class TurnAnalysis:
    turn_id: int
    findings: list[Finding] = field(default_factory=list)
    weak_words: list[str] = field(default_factory=list)
    reviewed: dict[str, str] = field(default_factory=dict)  # word -> "good" | "again"
    known_words: list[str] = field(default_factory=list)
    rules_created: list[str] = field(default_factory=list)
    rules_retired: list[str] = field(default_factory=list)


def _stored_findings(turn: LessonTurn) -> list[Finding]:
    """The findings the live pipeline stored with the turn (its grammar check of this very text).

    An entry that is not a finding of this text is skipped, with a warning: one bad row must not
    stop the analysis, and a span that does not quote the text would mark the wrong words.
    """
    findings = []
    for entry in turn.corrections:
        try:
            finding = Finding.from_json(entry)
            if turn.text[finding.start : finding.end] != finding.original:
                raise ValueError("its span does not quote the turn's text")
        except ValueError as exc:
            log.warning("turn %s: stored correction skipped (%s): %.200r", turn.id, exc, entry)
            continue
        findings.append(finding)
    return findings


def analyse_student_turn(
    db: Session, turn_id: int, *, now: datetime, deep: DeepPass | None = None
) -> TurnAnalysis | None:
    """Analyse a student turn once (with the deep pass when one is given); None when there is
    nothing (more) to do."""
    turn = db.get(LessonTurn, turn_id)
    if turn is None or turn.role != TurnRole.STUDENT or turn.id is None:
        return None
    if repository.analysis_turn(db, turn.id) is not None:
        return None
    lesson = db.get(Lesson, turn.lesson_id)
    assert lesson is not None and lesson.id is not None
    user_id = lesson.user_id

    started = time.perf_counter()
    # Words are read from as much of the turn as the grammar engine checked: the text the stored
    # findings' offsets refer to, so no character may be dropped.
    text = turn.text[:MAX_CHECKED_CHARS]
    live = _stored_findings(turn)
    found = deep.analyse(text, live) if deep is not None else []
    confidence = {d.finding: d.confidence for d in found}
    findings = sorted([*live, *confidence], key=lambda f: f.start)
    result = TurnAnalysis(turn_id=turn.id, findings=findings)

    def as_json(finding: Finding) -> dict[str, Any]:
        if finding not in confidence:
            return {**finding.as_json(), "pipeline": "live"}
        return {**finding.as_json(), "pipeline": "analysis", "confidence": confidence[finding]}

    # Claim the turn first: a concurrent run of the same job fails here, not at the end.
    marker = LessonTurn(
        lesson_id=lesson.id,
        seq=ANALYSIS_SEQ_OFFSET + turn.seq,
        role=TurnRole.BRAIN,
        pipeline=Pipeline.ANALYSIS,
        source_turn_id=turn.id,
        corrections=[as_json(f) for f in findings],
        created_at=now,
    )
    db.add(marker)
    db.flush()

    def record(kind: BrainEventKind, payload: dict[str, Any]) -> None:
        db.add(
            BrainEvent(
                user_id=user_id,
                lesson_id=lesson.id,
                turn_id=turn.id,
                kind=kind,
                payload=payload,
                created_at=now,
            )
        )

    for finding in findings:
        record(BrainEventKind.ERROR_DETECTED, as_json(finding))

    _words(db, result, text, turn, lesson, now, record)
    result.rules_created, result.rules_retired = tutor_rules.update_rules(
        db, user_id, findings, now=now, record=record
    )
    marker.timings = {
        "analysis_ms": round((time.perf_counter() - started) * 1000, 1),
        "deep_findings": len(found),
    }
    db.flush()
    return result


def _inside(token: Token, findings: Sequence[Finding]) -> bool:
    return any(token.start < f.end and f.start < token.end for f in findings)


def _corrected_words(finding: Finding) -> list[str]:
    """The word(s) a word-level finding teaches: new words in the correction, else its words."""
    original = {t.word for t in tokens(finding.original)}
    corrected = [t.word for t in tokens(finding.correction)]
    new = [w for w in corrected if w not in original and is_content_word(w)]
    return new or [w for w in corrected if is_content_word(w)]


def asked_phrases(text: str) -> list[str]:
    """What the student asked for in Russian: "как сказать «магазин»?" -> ["магазин"]."""
    return [m.group(1).strip() for m in _ASKED_RE.finditer(text) if m.group(1).strip()]


def english_answer(tutor_text: str) -> list[str]:
    """The English words a tutor reply gives in quotes ("«Магазин» — это \"shop\".")."""
    words: list[str] = []
    for m in _QUOTED_ENGLISH_RE.finditer(tutor_text):
        words += [t.word for t in tokens(m.group(1)) if is_content_word(t.word)]
    return words[:3]


def _asked_words(db: Session, text: str, turn: LessonTurn) -> list[str]:
    """Weak words the student asked for: English in the question itself, or given by the tutor
    between the previous student turn (the question) and this one."""
    words = [
        t.word
        for phrase in asked_phrases(text)
        if _LATIN_RE.search(phrase)
        for t in tokens(phrase)
        if is_content_word(t.word)
    ]
    previous = db.exec(
        select(LessonTurn)
        .where(
            LessonTurn.lesson_id == turn.lesson_id,
            LessonTurn.role == TurnRole.STUDENT,
            col(LessonTurn.seq) < turn.seq,
        )
        .order_by(col(LessonTurn.seq).desc())
    ).first()
    if previous is None or not any(not _LATIN_RE.search(p) for p in asked_phrases(previous.text)):
        return words
    replies = db.exec(
        select(LessonTurn.text)
        .where(
            LessonTurn.lesson_id == turn.lesson_id,
            LessonTurn.role == TurnRole.TUTOR,
            col(LessonTurn.seq) > previous.seq,
            col(LessonTurn.seq) < turn.seq,
        )
        .order_by(col(LessonTurn.seq))
    ).all()
    for reply in replies:
        words += english_answer(reply)
    return words


def _words(
    db: Session,
    result: TurnAnalysis,
    text: str,
    turn: LessonTurn,
    lesson: Lesson,
    now: datetime,
    record: RecordEvent,
) -> None:
    user_id = lesson.user_id
    assert lesson.id is not None
    used = tokens(text)
    wrong = {t.word for t in used if _inside(t, result.findings)}
    # Words speech-to-text was unsure of may not be what the student said: no credit for them.
    unsure = {t.word for heard in turn.uncertain_text for t in tokens(heard)}
    correct = [t.word for t in used if not _inside(t, result.findings) and t.word not in unsure]

    # Grade due weak words the student used in this turn, before new weak words are added.
    for word in weak_words_in(db, user_id, {t.word for t in used}):
        if word.word in wrong:
            rating = Rating.Again
        elif is_due(word, now) and word.word not in unsure:
            rating = Rating.Good
        else:
            continue
        mastered = review(word, rating, now=now)
        grade = "again" if rating == Rating.Again else "good"
        result.reviewed[word.word] = grade
        record(
            BrainEventKind.WEAK_WORD,
            {"word": word.word, "reason": "review", "rating": grade, "due_at": _iso(word.due_at)},
        )
        if mastered:
            result.known_words.append(word.word)
            record(BrainEventKind.WORD_MASTERED, {"word": word.word, "reason": "review"})

    reasons: dict[str, str] = {}
    for finding in result.findings:
        if finding.category in WORD_CATEGORIES:
            for w in _corrected_words(finding):
                reasons.setdefault(w, "corrected")
    for w in _asked_words(db, text, turn):
        reasons.setdefault(w, "asked")
    for w, reason in list(reasons.items())[:10]:
        if w in result.reviewed:
            continue
        row = mark_weak(db, user_id=user_id, word=w, now=now)
        if row is not None:
            result.weak_words.append(row.word)
            record(
                BrainEventKind.WEAK_WORD,
                {"word": row.word, "reason": reason, "due_at": _iso(row.due_at)},
            )

    for w in record_correct_uses(db, user_id=user_id, lesson_id=lesson.id, words=correct, now=now):
        result.known_words.append(w)
        record(BrainEventKind.WORD_MASTERED, {"word": w, "reason": "used_across_lessons"})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
