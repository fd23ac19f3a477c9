"""The Progress page's data."""

from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, Field

from ailingva.grammar.findings import Category
from ailingva.lessons.models import LessonStatus
from ailingva.lessons.schemas import Correction


class ProgressTotals(BaseModel):
    lessons: int
    turns: int = Field(description="Student turns, all lessons")
    minutes: int = Field(description="Voice minutes used: the minutes the voice sessions billed")
    xp: int
    streak_days: int
    longest_streak_days: int
    level: str | None = Field(description="CEFR-style estimate, e.g. B1")
    learned_words: int = Field(description="All the lessons' new words (learning/new_words.py)")
    weak_words: int


class DayCount(BaseModel):
    day: date
    value: int


class DayErrors(BaseModel):
    day: date
    total: int
    by_category: dict[str, int]


class DayWords(BaseModel):
    day: date
    new_words: int = Field(description="Words learned in the lessons started that day")
    total: int = Field(description="All words learned so far")


class WeakWordPublic(BaseModel):
    word: str
    due_at: datetime | None
    times_correct: int
    times_wrong: int


class LessonSummaryPublic(BaseModel):
    # Read from a Lesson row (its `id`) as well as from a dict of this model (`lesson_id`).
    lesson_id: int = Field(validation_alias=AliasChoices("lesson_id", "id"))
    number: int
    topic: str | None
    started_at: datetime
    ended_at: datetime | None
    xp_earned: int
    new_words: list[str] = Field(description="The lesson's new words, the most used first")
    minutes: int = Field(description="Voice minutes billed in the lesson")
    summary: dict[str, Any] | None = Field(
        description="practised_words, new_words, weak_words, reviewed_words, grammar_notes "
        "[{category, count, note, examples}], xp {total, breakdown}, student_turns, errors, level"
    )


class ProgressPublic(BaseModel):
    totals: ProgressTotals
    days: int = Field(description="The charts cover this many days, ending today")
    xp_by_day: list[DayCount]
    minutes_by_day: list[DayCount] = Field(description="Voice minutes billed, by day")
    errors_by_day: list[DayErrors]
    words_by_day: list[DayWords]
    error_categories: list[str]
    weak_words: list[WeakWordPublic]
    recent_lessons: list[LessonSummaryPublic]


class DeepFinding(BaseModel):
    """A mistake the deep analysis found after the turn (the live check had passed it)."""

    original: str
    correction: str
    category: Category
    explanation: str = Field(description="Short explanation in Russian")


class LessonOutcome(BaseModel):
    """What one lesson gave, for the card shown when it ends."""

    lesson_id: int
    number: int
    status: LessonStatus
    ready: bool = Field(
        description="The brain has summarised the lesson: `xp_earned` and `new_words` are final"
    )
    xp_earned: int
    student_turns: int
    corrections: list[Correction] = Field(description="The lesson's mistakes, each once")
    new_words: list[str] = Field(description="Words the student used for the first time")
    deep_findings: list[DeepFinding] = Field(
        description="What the deep analysis found beyond `corrections` (once `ready`)",
    )
