"""The analytics' SQL: aggregates by UTC day that answer the same on SQLite and PostgreSQL.

Days are cut in UTC (`utc_day`). Percentiles are nearest-rank (the value at position
ceil(p * n) of the day's sorted values): PostgreSQL's `percentile_disc`, and on SQLite, which has
no percentile function, the same rank found by a window over the sorted values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from ailingva.auth.models import Role, UserAccount
from ailingva.billing.models import Payment, TransactionKind, WalletTransaction
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole

# The voice turn's latency first (end of speech -> first audio), then its stages in order.
STAGES = (
    "end_to_first_audio",
    "turn_detect",
    "stt",
    "grammar",
    "llm_first_token",
    "first_sentence",
    "first_audio",
)
PERCENTILES = (50, 95)


class utc_day(FunctionElement[str]):
    """The UTC day of a timestamp (read it back with `as_day`)."""

    type = sa.String()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text (core.db.UTCDateTime).
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # A date, not text: the cast costs far less than to_char on every row.
    return f"CAST({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC' AS DATE)"


def as_day(value: str | date) -> date:
    """A `utc_day` as read back: text on SQLite, a date on PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class Span:
    """Days `first` to `last` (UTC), both included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    def calendar(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def holds(self, column: Any) -> list[ColumnElement[bool]]:
        return [col(column) >= self.start, col(column) < self.end]


def _is_postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _by_day(rows: Iterable[Sequence[Any]]) -> dict[date, tuple[Any, ...]]:
    return {as_day(row[0]): tuple(row[1:]) for row in rows}


def _student_turns(span: Span) -> list[ColumnElement[bool]]:
    return [
        col(LessonTurn.pipeline) == Pipeline.STREAMING,
        col(LessonTurn.role) == TurnRole.STUDENT,
        *span.holds(LessonTurn.created_at),
    ]


def _of_students() -> ColumnElement[bool]:
    """The lesson is a student's (admins try the tutor too). The admins are few: a hashed
    NOT IN of them is cheaper than joining every account."""
    admins = sa.select(col(UserAccount.id)).where(col(UserAccount.role) == Role.ADMIN)
    return col(Lesson.user_id).not_in(admins)


def turns_by_day(db: Session, span: Span) -> dict[date, tuple[int, int]]:
    """Per day: (active students, student turns)."""
    day = utc_day(LessonTurn.created_at)
    query = (
        sa.select(day, sa.func.count(sa.distinct(col(Lesson.user_id))), sa.func.count())
        .select_from(LessonTurn)
        .join(Lesson, col(Lesson.id) == col(LessonTurn.lesson_id))
        .where(*_student_turns(span), _of_students())
        .group_by(day)
    )
    return _by_day(db.execute(query).all())


def active_students(db: Session, span: Span) -> int:
    query = (
        sa.select(sa.func.count(sa.distinct(col(Lesson.user_id))))
        .select_from(LessonTurn)
        .join(Lesson, col(Lesson.id) == col(LessonTurn.lesson_id))
        .where(*_student_turns(span), _of_students())
    )
    return int(db.execute(query).scalar_one())


def count_by_day(
    db: Session, span: Span, column: Any, *where: ColumnElement[bool]
) -> dict[date, int]:
    """Rows per day of `column` (a timestamp) that meet `where`."""
    day = utc_day(column)
    query = sa.select(day, sa.func.count()).where(*span.holds(column), *where).group_by(day)
    return {d: n for d, (n,) in _by_day(db.execute(query).all()).items()}


def registrations_by_day(db: Session, span: Span) -> dict[date, int]:
    return count_by_day(db, span, UserAccount.created_at, col(UserAccount.role) == Role.STUDENT)


def lessons_by_day(db: Session, span: Span) -> dict[date, int]:
    day = utc_day(Lesson.started_at)
    query = (
        sa.select(day, sa.func.count())
        .where(*span.holds(Lesson.started_at), _of_students())
        .group_by(day)
    )
    return {d: n for d, (n,) in _by_day(db.execute(query).all()).items()}


def minutes_by_day(db: Session, span: Span) -> dict[date, int]:
    """The meter charges each started minute as one ledger entry (billing.metering)."""
    return count_by_day(
        db,
        span,
        WalletTransaction.created_at,
        col(WalletTransaction.kind) == TransactionKind.USAGE_CHARGE,
    )


def payments_by_day(db: Session, span: Span) -> dict[date, tuple[int, int]]:
    """Per day: (paid, refunded) in kopecks of money, from the ledger's entries of each
    payment: credited when it succeeded, taken back when it was refunded."""
    day = utc_day(WalletTransaction.created_at)
    kind = col(WalletTransaction.kind)

    def paid_when(which: TransactionKind) -> Any:
        return sa.func.coalesce(
            sa.func.sum(sa.case((kind == which, col(Payment.amount_kopecks)), else_=0)), 0
        )

    query = (
        sa.select(day, paid_when(TransactionKind.PURCHASE), paid_when(TransactionKind.REFUND))
        .select_from(WalletTransaction)
        .join(Payment, col(Payment.id) == col(WalletTransaction.payment_id))
        .where(
            kind.in_((TransactionKind.PURCHASE, TransactionKind.REFUND)),
            *span.holds(WalletTransaction.created_at),
        )
        .group_by(day)
    )
    return _by_day(db.execute(query).all())


def conversion(db: Session, span: Span) -> tuple[int, int]:
    """(students registered in the span, those of them with a paid purchase before its end)."""
    buyers = (
        sa.select(col(WalletTransaction.user_id))
        .where(
            col(WalletTransaction.kind) == TransactionKind.PURCHASE,
            col(WalletTransaction.payment_id).is_not(None),
            col(WalletTransaction.created_at) < span.end,
        )
        .distinct()
        .subquery()
    )
    query = (
        sa.select(sa.func.count(), sa.func.count(buyers.c.user_id))
        .select_from(UserAccount)
        .outerjoin(buyers, buyers.c.user_id == col(UserAccount.id))
        .where(col(UserAccount.role) == Role.STUDENT, *span.holds(UserAccount.created_at))
    )
    registered, paid = db.execute(query).one()
    return int(registered), int(paid)


def live_errors(db: Session, span: Span) -> dict[str, int]:
    """Corrections stored on student turns, by category."""
    if _is_postgres(db):
        elements = sa.func.jsonb_array_elements(col(LessonTurn.corrections)).table_valued(
            sa.column("value", postgresql.JSONB)
        )
        category: Any = elements.c.value["category"].astext
    else:
        elements = sa.func.json_each(col(LessonTurn.corrections)).table_valued("value")
        category = sa.func.json_extract(elements.c.value, "$.category")
    query = (
        sa.select(category, sa.func.count())
        .select_from(LessonTurn)
        .join(elements, sa.true())
        .join(Lesson, col(Lesson.id) == col(LessonTurn.lesson_id))
        .where(*_student_turns(span), _of_students())
        .group_by(category)
    )
    return {str(c): int(n) for c, n in db.execute(query).all()}


def analysis_errors(db: Session, span: Span) -> dict[str, int]:
    """Errors the ANALYSIS pass found (its events say `pipeline: analysis`), by category."""
    payload: Any = col(BrainEvent.payload)
    category = payload["category"].as_string()
    query = (
        sa.select(category, sa.func.count())
        .where(
            col(BrainEvent.kind) == BrainEventKind.ERROR_DETECTED,
            payload["pipeline"].as_string() == "analysis",
            *span.holds(BrainEvent.created_at),
        )
        .group_by(category)
    )
    return {str(c): int(n) for c, n in db.execute(query).all()}


def _streaming(span: Span) -> list[ColumnElement[bool]]:
    return [col(LessonTurn.pipeline) == Pipeline.STREAMING, *span.holds(LessonTurn.created_at)]


def _stage(name: str) -> Any:
    timings: Any = col(LessonTurn.timings)
    return timings[name].as_float()


Quantiles = tuple[float | None, float | None, int]  # p50, p95, turns


def latency(
    db: Session, span: Span
) -> tuple[dict[str, Quantiles], dict[str, dict[date, Quantiles]]]:
    """Per stage: the period's (p50, p95, turns) and the same per day."""
    if _is_postgres(db):
        return _latency_postgresql(db, span)
    overall: dict[str, Quantiles] = {}
    daily: dict[str, dict[date, Quantiles]] = {}
    for stage in STAGES:
        rows = _ranked_percentiles(db, span, stage)
        overall[stage] = rows.pop(None, (None, None, 0))
        daily[stage] = {as_day(d): q for d, q in rows.items() if d is not None}
    return overall, daily


def _latency_postgresql(
    db: Session, span: Span
) -> tuple[dict[str, Quantiles], dict[str, dict[date, Quantiles]]]:
    """One scan for the days and the period (GROUPING SETS) of the stages' values, read once
    into a narrow row; one ordered-set aggregate per stage gives both percentiles (it skips
    nulls: turns without that stage)."""
    values = (
        sa.select(
            utc_day(LessonTurn.created_at).label("day"),
            *(_stage(stage).label(stage) for stage in STAGES),
        )
        .where(*_streaming(span))
        .subquery()
    )
    fractions = postgresql.array([p / 100 for p in PERCENTILES])
    columns = []
    for stage in STAGES:
        value = values.c[stage]
        columns += [sa.func.percentile_disc(fractions).within_group(value), sa.func.count(value)]
    query = sa.select(sa.func.grouping(values.c.day), values.c.day, *columns).group_by(
        sa.text("GROUPING SETS ((day), ())")
    )
    overall: dict[str, Quantiles] = {}
    daily: dict[str, dict[date, Quantiles]] = {stage: {} for stage in STAGES}
    for row in db.execute(query).all():
        for i, stage in enumerate(STAGES):
            found, turns = row[2 + 2 * i], int(row[3 + 2 * i])
            p50, p95 = found if found else (None, None)
            if row[0]:  # the period's row
                overall[stage] = (p50, p95, turns)
            elif turns:
                daily[stage][as_day(row[1])] = (p50, p95, turns)
    return overall, daily


def _ranked_percentiles(db: Session, span: Span, stage: str) -> dict[str | None, Quantiles]:
    """SQLite: each day's values ranked by a window; the p-th percentile is the first value
    whose rank reaches p% of the day's count (rank * 100 >= p * n, in integers). The period's
    row has the day None."""
    value = _stage(stage)
    measured = sa.select(utc_day(LessonTurn.created_at).label("day"), value.label("value")).where(
        *_streaming(span), value.is_not(None)
    )
    base = measured.subquery()
    answers: dict[str | None, Quantiles] = {}
    for by_day in (True, False):
        partition = [base.c.day] if by_day else []
        ranked = sa.select(
            base.c.day,
            base.c.value,
            sa.func.row_number().over(partition_by=partition, order_by=base.c.value).label("rank"),
            sa.func.count().over(partition_by=partition).label("n"),
        ).subquery()

        query = sa.select(
            ranked.c.day if by_day else sa.null(),
            *(_first_at_rank(ranked, p) for p in PERCENTILES),
            sa.func.count(),
        ).select_from(ranked)
        if by_day:
            query = query.group_by(ranked.c.day)
        for day, p50, p95, turns in db.execute(query).all():
            if turns:
                answers[day] = (p50, p95, int(turns))
    return answers


def _first_at_rank(ranked: Any, p: int) -> Any:
    return sa.func.min(sa.case((ranked.c.rank * 100 >= p * ranked.c.n, ranked.c.value)))


def providers(db: Session, span: Span) -> list[tuple[str, str, int]]:
    """(capability, provider name, turns) of the live conversation's turns."""
    providers_column = col(LessonTurn.providers)
    if _is_postgres(db):
        pairs = sa.func.jsonb_each_text(providers_column).table_valued("key", "value")
    else:
        pairs = sa.func.json_each(providers_column).table_valued("key", "value")
    query = (
        sa.select(pairs.c.key, pairs.c.value, sa.func.count())
        .select_from(LessonTurn)
        .join(pairs, sa.true())
        .where(*_streaming(span))
        .group_by(pairs.c.key, pairs.c.value)
    )
    return [(str(k), str(v), int(n)) for k, v, n in db.execute(query).all()]
