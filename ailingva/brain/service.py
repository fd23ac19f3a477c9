"""The ANALYSIS pipeline: what a student turn says about the student, and what the tutor should do.

Never commits: the jobs in `tasks.py` own the transactions. The grammar findings are those the
live pipeline stored with the student turn; the grammar engine is not run again here (it is busy
with the next voice turn).

Idempotency: the ANALYSIS turn (role=brain, pipeline=analysis, source_turn_id=the student turn)
is the marker of an analysed turn, and a unique index allows one per student turn. Everything one
analysis writes (events, words, rules) is in the marker's transaction, so a run either leaves one
complete set of results or nothing.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fsrs import Rating
from sqlmodel import Session, col, select

from ailingva.brain.level import LevelEstimate, estimate_level
from ailingva.brain.models import (
    BrainEvent,
    BrainEventKind,
    KnowledgeSnapshot,
    RuleStatus,
    TutorRule,
)
from ailingva.grammar.findings import MAX_CHECKED_CHARS, Category, Finding
from ailingva.learning import service as learning
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole

log = logging.getLogger(__name__)

# The analysis turn's seq lives in its own range, so it never takes a number the live
# conversation is about to use: seq = ANALYSIS_SEQ_OFFSET + the student turn's seq.
ANALYSIS_SEQ_OFFSET = 1_000_000

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

GRAMMAR_NOTES: dict[Category, str] = {
    Category.ARTICLES: "Артикли: перед исчисляемым существительным в единственном числе нужен "
    "a/an (какой-то, впервые упомянутый) или the (конкретный, уже известный).",
    Category.TENSE: "Времена: Present Perfect (I have seen) — когда важен результат к сейчас; "
    "Past Simple (I saw) — когда названо время в прошлом (yesterday, in 2020).",
    Category.VERB_FORM: "Формы глаголов: у неправильных глаголов свои формы "
    "(go — went — gone), после to — начальная форма.",
    Category.AGREEMENT: "Согласование: в Present Simple после he/she/it к глаголу добавляется "
    "-s (she works, he has).",
    Category.PREPOSITIONS: "Предлоги: английские предлоги часто не совпадают с русскими "
    "(depend on, arrive in/at, listen to).",
    Category.WORD_ORDER: "Порядок слов: подлежащее — сказуемое — дополнение; в вопросе "
    "вспомогательный глагол ставится перед подлежащим (Where do you live?).",
    Category.PLURAL: "Число: некоторые слова неисчисляемые (advice, information, news) и не "
    "имеют формы на -s.",
    Category.PRONOUNS: "Местоимения: подлежащее в английском не пропускают (It is cold), "
    "следите за формой (I — me, he — him).",
    Category.CALQUE: "Кальки с русского: не всё переводится дословно — I agree (не I am "
    "agree), explain to me, take a photo.",
    Category.SPELLING: "Орфография: проверьте написание слов.",
    Category.WORD_CHOICE: "Выбор слова: похожие на русские слова могут значить другое "
    "(magazine — журнал, shop — магазин).",
}

_ASKED_RE = re.compile(
    r"как\s+(?:сказать|будет)(?:\s+по[-\s]?английски)?\s*[:\-—]?\s*[«\"'“]?([^«»\"'“”?!.,;]{1,60})",
    re.IGNORECASE,
)
_QUOTED_ENGLISH_RE = re.compile(r"[«\"“'*]([A-Za-z][A-Za-z' \-]{0,40}?)[»\"”'*]")
_LATIN_RE = re.compile(r"[A-Za-z]")


# --- analysis of one student turn ------------------------------------------------------------


@dataclass
class TurnAnalysis:
    turn_id: int
    findings: list[Finding] = field(default_factory=list)
    weak_words: list[str] = field(default_factory=list)
    reviewed: dict[str, str] = field(default_factory=dict)  # word -> "good" | "again"
    known_words: list[str] = field(default_factory=list)
    rules_created: list[str] = field(default_factory=list)
    rules_retired: list[str] = field(default_factory=list)


def analysis_turn(db: Session, student_turn_id: int) -> LessonTurn | None:
    return db.exec(
        select(LessonTurn).where(
            LessonTurn.source_turn_id == student_turn_id,
            LessonTurn.pipeline == Pipeline.ANALYSIS,
        )
    ).first()


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


def analyse_student_turn(db: Session, turn_id: int, *, now: datetime) -> TurnAnalysis | None:
    """Analyse a student turn once; None when there is nothing (more) to do."""
    turn = db.get(LessonTurn, turn_id)
    if turn is None or turn.role != TurnRole.STUDENT or turn.id is None:
        return None
    if analysis_turn(db, turn.id) is not None:
        return None
    lesson = db.get(Lesson, turn.lesson_id)
    assert lesson is not None and lesson.id is not None
    user_id = lesson.user_id

    started = time.perf_counter()
    # Words are read from as much of the turn as the grammar engine checked: the text the stored
    # findings' offsets refer to, so no character may be dropped.
    text = turn.text[:MAX_CHECKED_CHARS]
    findings = _stored_findings(turn)
    result = TurnAnalysis(turn_id=turn.id, findings=findings)

    # Claim the turn first: a concurrent run of the same job fails here, not at the end.
    marker = LessonTurn(
        lesson_id=lesson.id,
        seq=ANALYSIS_SEQ_OFFSET + turn.seq,
        role=TurnRole.BRAIN,
        pipeline=Pipeline.ANALYSIS,
        source_turn_id=turn.id,
        corrections=[f.as_json() for f in findings],
        created_at=now,
    )
    db.add(marker)
    db.flush()

    def event(kind: BrainEventKind, payload: dict[str, Any]) -> None:
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
        event(BrainEventKind.ERROR_DETECTED, finding.as_json())

    _words(db, result, text, turn, lesson, now, event)
    _rules(db, result, user_id, now, event)
    marker.timings = {"analysis_ms": round((time.perf_counter() - started) * 1000, 1)}
    db.flush()
    return result


def _inside(token: learning.Token, findings: Sequence[Finding]) -> bool:
    return any(token.start < f.end and f.start < token.end for f in findings)


def _corrected_words(finding: Finding) -> list[str]:
    """The word(s) a word-level finding teaches: new words in the correction, else its words."""
    original = {t.word for t in learning.tokens(finding.original)}
    corrected = [t.word for t in learning.tokens(finding.correction)]
    new = [w for w in corrected if w not in original and learning.is_content_word(w)]
    return new or [w for w in corrected if learning.is_content_word(w)]


def asked_phrases(text: str) -> list[str]:
    """What the student asked for in Russian: "как сказать «магазин»?" -> ["магазин"]."""
    return [m.group(1).strip() for m in _ASKED_RE.finditer(text) if m.group(1).strip()]


def english_answer(tutor_text: str) -> list[str]:
    """The English words a tutor reply gives in quotes ("«Магазин» — это \"shop\".")."""
    words: list[str] = []
    for m in _QUOTED_ENGLISH_RE.finditer(tutor_text):
        words += [t.word for t in learning.tokens(m.group(1)) if learning.is_content_word(t.word)]
    return words[:3]


def _asked_words(db: Session, text: str, turn: LessonTurn) -> list[str]:
    """Weak words the student asked for: English in the question itself, or given by the tutor
    between the previous student turn (the question) and this one."""
    words = [
        t.word
        for phrase in asked_phrases(text)
        if _LATIN_RE.search(phrase)
        for t in learning.tokens(phrase)
        if learning.is_content_word(t.word)
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
    event: Any,
) -> None:
    user_id = lesson.user_id
    assert lesson.id is not None
    used = learning.tokens(text)
    wrong = {t.word for t in used if _inside(t, result.findings)}
    correct = [t.word for t in used if not _inside(t, result.findings)]

    # Grade due weak words the student used in this turn, before new weak words are added.
    for word in learning.weak_words_in(db, user_id, {t.word for t in used}):
        if word.word in wrong:
            rating = Rating.Again
        elif learning.is_due(word, now):
            rating = Rating.Good
        else:
            continue
        mastered = learning.review(word, rating, now=now)
        grade = "again" if rating == Rating.Again else "good"
        result.reviewed[word.word] = grade
        event(
            BrainEventKind.WEAK_WORD,
            {"word": word.word, "reason": "review", "rating": grade, "due_at": _iso(word.due_at)},
        )
        if mastered:
            result.known_words.append(word.word)
            event(BrainEventKind.WORD_MASTERED, {"word": word.word, "reason": "review"})

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
        row = learning.mark_weak(db, user_id=user_id, word=w, now=now)
        if row is not None:
            result.weak_words.append(row.word)
            event(
                BrainEventKind.WEAK_WORD,
                {"word": row.word, "reason": reason, "due_at": _iso(row.due_at)},
            )

    for w in learning.record_correct_uses(
        db, user_id=user_id, lesson_id=lesson.id, words=correct, now=now
    ):
        result.known_words.append(w)
        event(BrainEventKind.WORD_MASTERED, {"word": w, "reason": "used_across_lessons"})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def recent_analyses(db: Session, user_id: int, limit: int) -> list[LessonTurn]:
    """The student's last `limit` analysis turns, newest first."""
    return list(
        db.exec(
            select(LessonTurn)
            .join(Lesson, col(Lesson.id) == col(LessonTurn.lesson_id))
            .where(Lesson.user_id == user_id, LessonTurn.pipeline == Pipeline.ANALYSIS)
            .order_by(col(LessonTurn.created_at).desc(), col(LessonTurn.id).desc())
            .limit(limit)
        ).all()
    )


def _categories(turn: LessonTurn) -> Counter[str]:
    return Counter(str(c.get("category")) for c in turn.corrections)


def _rules(db: Session, result: TurnAnalysis, user_id: int, now: datetime, event: Any) -> None:
    window = recent_analyses(db, user_id, max(RULE_WINDOW_TURNS, RETIRE_AFTER_CLEAN_TURNS))
    counts: Counter[str] = Counter()
    for t in window[:RULE_WINDOW_TURNS]:
        counts += _categories(t)
    recent: Counter[str] = Counter()
    for t in window[:RETIRE_AFTER_CLEAN_TURNS]:
        recent += _categories(t)
    active = {
        r.pattern: r
        for r in db.exec(
            select(TutorRule).where(
                TutorRule.user_id == user_id, TutorRule.status == RuleStatus.ACTIVE
            )
        ).all()
    }

    for pattern, rule in active.items():
        expired = rule.expires_at is not None and rule.expires_at <= now
        faded = len(window) >= RETIRE_AFTER_CLEAN_TURNS and recent[pattern] == 0
        if expired or faded:
            rule.status = RuleStatus.RETIRED
            rule.retired_at = now
            result.rules_retired.append(pattern)
            reason = "expired" if expired else "pattern_faded"
            event(BrainEventKind.RULE_RETIRED, {"pattern": pattern, "reason": reason})

    for finding_category in dict.fromkeys(str(f.category) for f in result.findings):
        count = counts[finding_category]
        if count < RULE_MIN_ERRORS:
            continue
        event(
            BrainEventKind.GRAMMAR_PATTERN,
            {"category": finding_category, "errors": count, "window_turns": len(window)},
        )
        base, instruction = RULE_INSTRUCTIONS[Category(finding_category)]
        priority = base * 10 + min(count, 9)
        current = active.get(finding_category)
        if current is not None and current.status == RuleStatus.ACTIVE:
            current.evidence_count = count
            current.priority = priority
            current.expires_at = now + RULE_LIFETIME
            continue
        db.add(
            TutorRule(
                user_id=user_id,
                pattern=finding_category,
                instruction=instruction,
                priority=priority,
                evidence_count=count,
                created_at=now,
                expires_at=now + RULE_LIFETIME,
            )
        )
        result.rules_created.append(finding_category)
        event(
            BrainEventKind.RULE_CREATED,
            {"pattern": finding_category, "instruction": instruction, "priority": priority},
        )


# --- the end of a lesson: summary, XP, streak, level, snapshot -------------------------------

LEVEL_WINDOW_TURNS = 30
MAX_SUMMARY_WORDS = 20
MAX_NOTE_EXAMPLES = 2


def summarise_lesson(db: Session, lesson_id: int, *, now: datetime) -> dict[str, Any] | None:
    """Write the lesson's summary, XP, the student's streak and level, and a knowledge snapshot.

    Once per lesson: the summary is the marker, read under a row lock. Student turns whose
    analysis has not run yet are analysed first, so the summary sees the whole lesson; that is
    database work only (the turns carry their findings), so the lock is held briefly, and nothing
    live waits on it: only ending the lesson writes its row, and that came before this job.
    """
    lesson = db.get(Lesson, lesson_id, with_for_update=True, populate_existing=True)
    if lesson is None or lesson.summary is not None or lesson.id is None:
        return None
    user_id = lesson.user_id
    student_turns = db.exec(
        select(LessonTurn)
        .where(LessonTurn.lesson_id == lesson.id, LessonTurn.role == TurnRole.STUDENT)
        .order_by(col(LessonTurn.seq))
    ).all()
    for turn in student_turns:
        assert turn.id is not None
        analyse_student_turn(db, turn.id, now=now)
    analyses = {
        t.source_turn_id: t
        for t in db.exec(
            select(LessonTurn).where(
                LessonTurn.lesson_id == lesson.id, LessonTurn.pipeline == Pipeline.ANALYSIS
            )
        ).all()
    }

    notes = _grammar_notes([c for a in analyses.values() for c in a.corrections])
    practised, new = learning.lesson_words(db, user_id=user_id, lesson_id=lesson.id)
    word_events = db.exec(
        select(BrainEvent).where(
            BrainEvent.lesson_id == lesson.id, BrainEvent.kind == BrainEventKind.WEAK_WORD
        )
    ).all()
    weak = list(
        dict.fromkeys(
            str(e.payload["word"]) for e in word_events if e.payload.get("reason") != "review"
        )
    )
    good_reviews = {
        str(e.payload["word"]) for e in word_events if e.payload.get("rating") == "good"
    }
    turn_words = [len(learning.tokens(t.text)) for t in student_turns]
    clean_turns = sum(
        1
        for t, words in zip(student_turns, turn_words, strict=True)
        if words >= learning.MIN_TURN_WORDS and t.id in analyses and not analyses[t.id].corrections
    )

    estimate = _estimate_level(db, user_id)
    state, xp = learning.award_lesson(
        db,
        user_id,
        ended_at=lesson.ended_at or now,
        turn_words=turn_words,
        clean_turns=clean_turns,
        good_reviews=len(good_reviews),
        speaking_seconds=sum(t.audio_ms or 0 for t in student_turns) // 1000,
        level=estimate.level,
    )
    if student_turns:
        db.add(
            KnowledgeSnapshot(
                user_id=user_id,
                lesson_id=lesson.id,
                level=estimate.level,
                vocabulary_size=estimate.vocabulary_size,
                error_rate=estimate.errors_per_100_words,
                mean_utterance_words=estimate.mean_utterance_words,
                metrics=estimate.as_json(),
                created_at=now,
            )
        )
        db.add(
            BrainEvent(
                user_id=user_id,
                lesson_id=lesson.id,
                kind=BrainEventKind.LEVEL_ESTIMATE,
                payload=estimate.as_json(),
                created_at=now,
            )
        )

    summary: dict[str, Any] = {
        "student_turns": len(student_turns),
        "errors": sum(len(a.corrections) for a in analyses.values()),
        "practised_words": practised[:MAX_SUMMARY_WORDS],
        "new_words": new[:MAX_SUMMARY_WORDS],
        "weak_words": weak[:MAX_SUMMARY_WORDS],
        "reviewed_words": sorted(good_reviews),
        "grammar_notes": notes,
        "xp": xp.as_json(),
        "streak_days": state.streak_days,
        "level": state.level_estimate,
    }
    lesson.summary = summary
    lesson.xp_earned = xp.total
    db.flush()
    return summary


def _grammar_notes(corrections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One note in Russian per error category, most frequent first, with examples."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for c in corrections:
        by_category.setdefault(str(c.get("category")), []).append(c)
    notes = []
    for category, items in sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        known = category in Category._value2member_map_
        examples = list(
            dict.fromkeys((str(i.get("original", "")), str(i.get("correction", ""))) for i in items)
        )[:MAX_NOTE_EXAMPLES]
        notes.append(
            {
                "category": category,
                "count": len(items),
                "note": GRAMMAR_NOTES[Category(category)] if known else "",
                "examples": [{"original": o, "correction": c} for o, c in examples],
            }
        )
    return notes


def _estimate_level(db: Session, user_id: int) -> LevelEstimate:
    recent = recent_analyses(db, user_id, LEVEL_WINDOW_TURNS)
    sources = {
        t.id: t
        for t in db.exec(
            select(LessonTurn).where(
                col(LessonTurn.id).in_([a.source_turn_id for a in recent if a.source_turn_id])
            )
        ).all()
    }
    turn_words = [
        len(learning.tokens(sources[a.source_turn_id].text[:MAX_CHECKED_CHARS]))
        for a in recent
        if a.source_turn_id in sources
    ]
    return estimate_level(
        learning.vocabulary(db, user_id),
        turn_word_counts=turn_words,
        error_count=sum(len(a.corrections) for a in recent),
    )
