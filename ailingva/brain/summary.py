"""The end of a lesson: its summary, XP, the student's streak and level, a knowledge snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ailingva.brain import repository
from ailingva.brain.analysis import analyse_student_turn
from ailingva.brain.deep import DeepPass
from ailingva.brain.level import LevelEstimate, estimate_level
from ailingva.brain.models import BrainEvent, BrainEventKind, KnowledgeSnapshot
from ailingva.grammar.findings import MAX_CHECKED_CHARS, Category
from ailingva.learning.new_words import lesson_new_words
from ailingva.learning.words import practised_words, tokens, vocabulary
from ailingva.learning.xp import MIN_TURN_WORDS, award_lesson
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole

LEVEL_WINDOW_TURNS = 30
MAX_SUMMARY_WORDS = 20
MAX_NOTE_EXAMPLES = 2

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


def summarise_lesson(
    db: Session, lesson_id: int, *, now: datetime, deep: DeepPass | None = None
) -> dict[str, Any] | None:
    """Write the lesson's summary, XP, the student's streak and level, and a knowledge snapshot.

    Once per lesson: the summary is the marker, read under a row lock. Student turns whose
    analysis has not run yet are analysed first (with the deep pass, about a second a turn), so
    the summary sees the whole lesson and the error-free XP counts what the analysis found;
    nothing live waits on the lock: only ending the lesson writes its row, and that came before
    this job.
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
        analyse_student_turn(db, turn.id, now=now, deep=deep)
    analyses = {
        t.source_turn_id: t
        for t in db.exec(
            select(LessonTurn).where(
                LessonTurn.lesson_id == lesson.id, LessonTurn.pipeline == Pipeline.ANALYSIS
            )
        ).all()
    }

    notes = _grammar_notes([c for a in analyses.values() for c in a.corrections])
    practised = practised_words(db, user_id=user_id, lesson_id=lesson.id)
    new = lesson_new_words(db, user_id, lesson.id)
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
    turn_words = [len(tokens(t.text)) for t in student_turns]
    clean_turns = sum(
        1
        for t, words in zip(student_turns, turn_words, strict=True)
        if words >= MIN_TURN_WORDS and t.id in analyses and not analyses[t.id].corrections
    )

    estimate = _estimate_level(db, user_id)
    state, xp = award_lesson(
        db,
        user_id,
        ended_at=lesson.ended_at or now,
        turn_words=turn_words,
        clean_turns=clean_turns,
        good_reviews=len(good_reviews),
        level=estimate.level,
    )
    if student_turns:
        _record_level(db, user_id, lesson.id, estimate, now=now)

    summary: dict[str, Any] = {
        "student_turns": len(student_turns),
        "errors": sum(len(a.corrections) for a in analyses.values()),
        "practised_words": practised[:MAX_SUMMARY_WORDS],
        "new_words": new[:MAX_SUMMARY_WORDS],
        "weak_words": weak[:MAX_SUMMARY_WORDS],
        "reviewed_words": sorted(good_reviews),
        "grammar_notes": notes,
        "deep_findings": _deep_findings([c for a in analyses.values() for c in a.corrections]),
        "xp": xp.as_json(),
        "streak_days": state.streak_days,
        "level": state.level_estimate,
    }
    lesson.summary = summary
    lesson.xp_earned = xp.total
    db.flush()
    return summary


def _record_level(
    db: Session, user_id: int, lesson_id: int, estimate: LevelEstimate, *, now: datetime
) -> None:
    """The knowledge snapshot after the lesson, and the estimate as an event."""
    db.add(
        KnowledgeSnapshot(
            user_id=user_id,
            lesson_id=lesson_id,
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
            lesson_id=lesson_id,
            kind=BrainEventKind.LEVEL_ESTIMATE,
            payload=estimate.as_json(),
            created_at=now,
        )
    )


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


def _deep_findings(corrections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the deep pass added to the live corrections, with its Russian explanations."""
    keys = ("original", "correction", "category", "explanation")
    found = [{k: c.get(k) for k in keys} for c in corrections if c.get("pipeline") == "analysis"]
    return found[:MAX_SUMMARY_WORDS]


def _estimate_level(db: Session, user_id: int) -> LevelEstimate:
    recent = repository.recent_analyses(db, user_id, LEVEL_WINDOW_TURNS)
    sources = {
        t.id: t
        for t in db.exec(
            select(LessonTurn).where(
                col(LessonTurn.id).in_([a.source_turn_id for a in recent if a.source_turn_id])
            )
        ).all()
    }
    turn_words = [
        len(tokens(sources[a.source_turn_id].text[:MAX_CHECKED_CHARS]))
        for a in recent
        if a.source_turn_id in sources
    ]
    return estimate_level(
        vocabulary(db, user_id),
        turn_word_counts=turn_words,
        error_count=sum(len(a.corrections) for a in recent),
    )
