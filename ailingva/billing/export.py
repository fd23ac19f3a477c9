"""The ledger as a CSV file an accountant opens in Excel.

The format is Excel's own for a Russian locale, so a double click opens it right: UTF-8 with a
byte order mark (without it Excel reads Cyrillic as cp1251), `;` between fields (the list
separator of Russian Windows; a `,` would also clash with the decimal comma), amounts in
roubles with a decimal comma ("-1500,00"), times in UTC as ISO 8601 ("2026-12-01T09:30:00Z").
A text cell that starts like a formula is prefixed with `'`, so a name cannot run in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.billing.models import TransactionKind
from ailingva.billing.schemas import AdminTransactionRow
from ailingva.billing.statements import TransactionFilter, transactions_before

BOM = "\ufeff"
DELIMITER = ";"
# Entries read per short session: a long download never holds a transaction (on SQLite, the
# write lock that every transaction here takes) while the client reads.
BATCH = 500
HEADER = (
    "Номер",
    "Время (UTC)",
    "ID ученика",
    "Email",
    "Имя",
    "Операция",
    "Сумма, ₽",
    "Баланс после, ₽",
    "Описание",
    "Платёж",
    "Возвращён",
)
KIND_NAMES: dict[TransactionKind, str] = {
    TransactionKind.TRIAL_BONUS: "Пробные минуты",
    TransactionKind.PURCHASE: "Покупка пакета",
    TransactionKind.USAGE_CHARGE: "Занятие с репетитором",
    TransactionKind.REFERRAL_BONUS: "Бонус за друга",
    TransactionKind.ADMIN_ADJUSTMENT: "Корректировка",
    TransactionKind.REFUND: "Возврат",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def roubles(kopecks: int) -> str:
    """-150050 -> "-1500,50": a number Excel reads in a Russian locale."""
    sign = "-" if kopecks < 0 else ""
    whole, rest = divmod(abs(kopecks), 100)
    return f"{sign}{whole},{rest:02d}"


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _cells(row: AdminTransactionRow) -> tuple[str | int, ...]:
    return (
        row.id,
        utc_iso(row.created_at),
        row.user_id,
        _text(row.user_email),
        _text(row.user_name),
        KIND_NAMES[row.kind],
        roubles(row.amount_kopecks),
        roubles(row.balance_after_kopecks),
        _text(row.description),
        row.payment_id or "",
        "да" if row.refunded else "",
    )


def _lines(rows: Iterable[AdminTransactionRow], *, header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    if header:
        writer.writerow(HEADER)
    writer.writerows(_cells(row) for row in rows)
    return (BOM if header else "") + out.getvalue()


def csv_chunks(
    engine: Engine, filters: TransactionFilter, first: list[AdminTransactionRow]
) -> Iterator[str]:
    """The file: the header and `first` (the batch the request has read already, so that a
    failure to read shows as an error, not as a cut file), then the rest, batch by batch."""
    yield _lines(first, header=True)
    batch = first
    while len(batch) == BATCH:
        with Session(engine) as db:
            batch = transactions_before(db, filters, before_id=batch[-1].id, limit=BATCH)
        yield _lines(batch)
