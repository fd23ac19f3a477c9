"""The database engine and the request-scoped session.

One request = one session that commits when the endpoint returns (before the response is sent,
so a failed commit is an error response, not a lie) and rolls back on any error.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from pydantic import Field as PydanticField
from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlmodel import Field, Session, SQLModel, create_engine

# Stable constraint names, so Alembic can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
T = TypeVar("T")
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(database_url: str) -> Engine:
    """The engine for `database_url`. Its errors and echo never show a statement's parameters
    (user data: names, messages, emails): the log gets the SQL text only."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            # Kept open: the requests' database gate (12), voice turns and jobs. Past the pool
            # size a connection is opened and closed for each use (pragmas and all).
            pool_size=15,
            max_overflow=5,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_cursor_execute", _refuse_write_in_read)
        return engine
    return create_engine(
        database_url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # The driver's own transaction handling skips BEGIN before reads and breaks SAVEPOINTs;
    # SQLAlchemy emits BEGIN itself instead (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's own lower() knows only ASCII; searches ("Анна" for "анна") need Unicode, as
    # PostgreSQL's lower() has.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


# An execution option: the connection's transaction only reads (see `for_reading`).
READING = "ailingva_reading"
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_reading_engines: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


class WriteInReadTransaction(Exception):
    """A transaction begun for reading was about to write (SQLite): nothing was written; the
    unit of work must run again as a writer (`api.deps` runs the request again)."""


def for_reading(engine: Engine) -> Engine:
    """The engine for units of work that only read, such as GET requests. On SQLite their
    transactions begin DEFERRED: a snapshot of the WAL that takes no lock, so reads neither wait
    for the writer nor make it wait. One that comes to a write raises WriteInReadTransaction
    before the statement runs. Elsewhere (PostgreSQL) it is the same engine."""
    reading = _reading_engines.get(engine)
    if reading is None:
        reading = _reading_engines[engine] = engine.execution_options(**{READING: True})
    return reading


def _sqlite_begin(connection: Any) -> None:
    # A writer takes the write lock at BEGIN: SQLite serialises writers anyway, and a
    # transaction that reads and then writes under a deferred BEGIN fails with SQLITE_BUSY
    # instead of waiting when another writer committed in between (the choice Rails made for
    # the same reason). A reader takes no lock (WAL): it reads the last committed state.
    reading = connection.get_execution_options().get(READING, False)
    connection.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")


def _refuse_write_in_read(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
    # A deferred transaction that has read cannot take the write lock safely: SQLite refuses
    # it at once when another writer holds it or has committed since the snapshot.
    if _WRITE.match(statement) and connection.get_execution_options().get(READING, False):
        raise WriteInReadTransaction(statement.split(None, 1)[0])


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work outside a request (CLI, WebSocket turn, job): commit or roll back."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


async def in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    """One short unit of work off the event loop: for WebSocket turns and endpoints that wait
    on a model, which must not hold a transaction (SQLite's write lock) while they wait."""

    def run() -> T:
        with session_scope(engine) as db:
            return work(db)

    return await asyncio.to_thread(run)


# Integer keys are 32-bit on every backend: a larger number can only be a bad request.
MAX_ID = 2**31 - 1
DbId = Annotated[int, PydanticField(ge=1, le=MAX_ID)]


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with `escape="\\"`) for `text` anywhere, lower-cased, its `%`, `_` and
    `\\` taken literally: compare it with `func.lower(column)`."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def utcnow() -> datetime:
    """The current time, aware and in UTC (tests move it with time-machine)."""
    return datetime.now(UTC)


def enum_type(enum_cls: type[StrEnum]) -> sa.Enum:
    """A portable enum column: VARCHAR plus a CHECK of the values, no native PG type to migrate."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        name=enum_cls.__name__.lower(),
    )


# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def updated_at_field() -> Any:
    return Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )
