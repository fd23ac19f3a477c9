"""The admin's billing screen, through its API: the ledger with whose each entry is, searched
and exported as CSV for Excel; refunds with a reason; the referral statistics over a period;
and a package change as the student's own page sees it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from ailingva.billing import export, statements
from ailingva.billing.models import Referral, ReferralCode, WalletTransaction
from tests.conftest import STRONG_PASSWORD, Account, unique_email

MakeClient = Callable[[], TestClient]
CSV_URL = "/api/admin/billing/transactions.csv"


def _student(make_client: MakeClient, name: str, **extra: str) -> tuple[TestClient, Account]:
    """A student signed in on a client of their own (`referral_code=` to come invited)."""
    client = make_client()
    email = unique_email()
    response = client.post(
        "/api/auth/register",
        json={"email": email, "password": STRONG_PASSWORD, "name": name, **extra},
    )
    assert response.status_code == 201, response.text
    return client, Account(email, STRONG_PASSWORD, name, response.json()["id"])


def _buy(client: TestClient) -> dict[str, object]:
    package = client.get("/api/billing/packages").json()[0]
    payment = client.post("/api/billing/purchase", json={"package_id": package["id"]})
    assert payment.status_code == 201, payment.text
    return dict(payment.json())


def _backdate(engine: Engine, model: type, where: object, when: str) -> None:
    with Session(engine) as db:
        db.execute(update(model).where(where).values(created_at=datetime.fromisoformat(when)))  # type: ignore[arg-type]
        db.commit()


def _csv(admin: TestClient, **params: str) -> list[list[str]]:
    response = admin.get(CSV_URL, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_each_entry_names_its_student_and_a_search_finds_them(
    make_client: MakeClient, admin: TestClient
) -> None:
    _, anna = _student(make_client, "Анна Смирнова")
    _, petr = _student(make_client, "Пётр")
    page = admin.get("/api/admin/billing/transactions").json()
    assert {(t["user_email"], t["user_name"]) for t in page["items"]} == {
        (anna.email, "Анна Смирнова"),
        (petr.email, "Пётр"),
    }
    by_name = admin.get("/api/admin/billing/transactions", params={"q": "аННа"}).json()
    assert [t["user_id"] for t in by_name["items"]] == [anna.id] and by_name["total"] == 1
    by_email = admin.get("/api/admin/billing/transactions", params={"q": petr.email[:12]}).json()
    assert [t["user_id"] for t in by_email["items"]] == [petr.id]
    wildcard = admin.get("/api/admin/billing/transactions", params={"q": "%"}).json()
    assert wildcard["total"] == 0
    too_long = admin.get("/api/admin/billing/transactions", params={"q": "x" * 101})
    assert too_long.status_code == 422


def test_a_refund_keeps_its_reason_and_marks_the_purchase(
    make_client: MakeClient, admin: TestClient
) -> None:
    student, anna = _student(make_client, "Анна")
    payment = _buy(student)
    short = admin.post(f"/api/admin/billing/payments/{payment['id']}/refund", json={"reason": "x"})
    assert short.status_code == 422
    url = f"/api/admin/billing/payments/{payment['id']}/refund"
    refund = admin.post(url, json={"reason": "Двойная оплата"})
    assert refund.status_code == 201, refund.text
    assert refund.json()["description"] == "Возврат платежа: Двойная оплата"
    rows = admin.get("/api/admin/billing/transactions", params={"user_id": anna.id}).json()
    flags = {t["kind"]: t["refunded"] for t in rows["items"]}
    assert flags == {"refund": False, "purchase": True, "trial_bonus": False}
    journal = admin.get("/api/admin/audit", params={"action": "payment.refunded"}).json()
    assert [e["reason"] for e in journal["items"]] == ["Двойная оплата"]


def test_the_csv_has_every_entry_the_filters_match_in_excels_format(
    make_client: MakeClient, admin: TestClient, engine: Engine
) -> None:
    buyer, anna = _student(make_client, "Анна")
    _, tricky = _student(make_client, "=1+2 Ева")
    payment = _buy(buyer)
    admin.post(f"/api/admin/billing/payments/{payment['id']}/refund", json={"reason": "Ошибка"})
    _backdate(
        engine,
        WalletTransaction,
        WalletTransaction.user_id == tricky.id,
        "2026-11-15T09:30:00+00:00",
    )

    header, *rows = _csv(admin)
    assert header == list(export.HEADER)
    kinds = ["Возврат", "Покупка пакета", "Пробные минуты", "Пробные минуты"]
    assert [row[5] for row in rows] == kinds
    refund, purchase, old_trial, trial = rows  # newest first: Ева signed up after Анна
    assert refund[2:5] == [str(anna.id), anna.email, "Анна"]
    assert refund[6:9] == ["-300,00", "300,00", "Возврат платежа: Ошибка"]
    assert purchase[6:8] == ["300,00", "600,00"] and purchase[9:] == [str(payment["id"]), "да"]
    assert trial[6] == "300,00" and trial[10] == ""
    assert old_trial[1] == "2026-11-15T09:30:00Z"
    assert old_trial[4] == "'=1+2 Ева"  # a formula is text in Excel, never run
    assert datetime.fromisoformat(refund[1]).tzinfo == UTC

    november = _csv(admin, since="2026-11-01T00:00:00Z", until="2026-12-01T00:00:00Z")
    assert [row[0] for row in november[1:]] == [old_trial[0]]
    purchases = _csv(admin, kind="purchase")
    assert [row[0] for row in purchases[1:]] == [purchase[0]]
    annas = _csv(admin, q="анна")
    assert {row[2] for row in annas[1:]} == {str(anna.id)} and len(annas) == 4
    assert _csv(admin, q="никто") == [list(export.HEADER)]
    assert admin.get(CSV_URL, params={"kind": "bribe"}).status_code == 422


def test_the_csv_reads_in_batches_without_repeating_or_losing_an_entry(
    make_client: MakeClient, admin: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH", 2)
    for n in range(5):
        _student(make_client, f"Ученик {n}")
    ids = [row[0] for row in _csv(admin)[1:]]
    listed = admin.get("/api/admin/billing/transactions").json()["items"]
    assert ids == [str(t["id"]) for t in listed] and len(ids) == 5


def test_the_csv_with_the_database_down_is_an_error_not_an_empty_file(
    make_client: MakeClient, admin: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _student(make_client, "Анна")

    def down(*_: object, **__: object) -> None:
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(statements, "transactions_before", down)
    response = admin.get(CSV_URL)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


def test_the_database_failing_mid_file_fails_the_download_not_a_shorter_file(
    make_client: MakeClient, admin: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the first batch the status line is sent: the stream breaks off (the browser marks
    the download failed) instead of ending as if the file were whole."""
    monkeypatch.setattr(export, "BATCH", 1)
    for n in range(3):
        _student(make_client, f"Ученик {n}")
    read = statements.transactions_before
    calls: list[int | None] = []

    def fails_second(db: object, filters: object, *, before_id: int | None, limit: int) -> object:
        calls.append(before_id)
        if len(calls) > 1:
            raise OperationalError("SELECT", {}, Exception("connection lost"))
        return read(db, filters, before_id=before_id, limit=limit)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "transactions_before", fails_second)
    monkeypatch.setattr(statements, "transactions_before", fails_second)
    # The test client reports the broken stream as the server does: the response had started.
    with pytest.raises(RuntimeError, match="response already started") as broken:
        admin.get(CSV_URL)
    assert isinstance(broken.value.__cause__, OperationalError)
    assert len(calls) == 2


def test_referral_statistics_over_a_period(
    make_client: MakeClient, admin: TestClient, engine: Engine
) -> None:
    rita_client, rita = _student(make_client, "Рита")
    boris_client, boris = _student(make_client, "Борис")
    rita_code = rita_client.get("/api/billing/referral").json()["code"]
    boris_code = boris_client.get("/api/billing/referral").json()["code"]
    friends = [
        _student(make_client, name, referral_code=code)
        for name, code in (("Фёдор", rita_code), ("Галя", rita_code), ("Дима", rita_code))
    ]
    lena = _student(make_client, "Лена", referral_code=boris_code)
    _buy(friends[0][0])
    refunded = _buy(friends[1][0])
    _buy(lena[0])
    admin.post(f"/api/admin/billing/payments/{refunded['id']}/refund", json={"reason": "Ошибка"})
    # Дима signed up and Борис took his link long ago.
    long_ago = "2025-01-10T12:00:00+00:00"
    _backdate(engine, Referral, Referral.referred_id == friends[2][1].id, long_ago)
    _backdate(engine, ReferralCode, ReferralCode.user_id == boris.id, long_ago)

    now = admin.get(
        "/api/admin/billing/referrals",
        params={"since": "2026-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"},
    ).json()
    assert {k: v for k, v in now.items() if k not in ("since", "until", "top_referrers")} == {
        "links_issued": 1,
        "signups": 3,
        "first_purchases": 3,
        "bonuses_paid_kopecks": 6 * 15_000,
        "bonuses_taken_back_kopecks": 2 * 15_000,
    }
    assert [
        (r["user_id"], r["name"], r["signups"], r["paid"], r["bonus_kopecks"])
        for r in now["top_referrers"]
    ] == [(rita.id, "Рита", 2, 2, 15_000), (boris.id, "Борис", 1, 1, 15_000)]

    ever = admin.get("/api/admin/billing/referrals").json()
    assert (ever["links_issued"], ever["signups"]) == (2, 4)
    assert ever["top_referrers"][0]["signups"] == 3 and ever["top_referrers"][0]["paid"] == 2
    then = admin.get(
        "/api/admin/billing/referrals", params={"until": "2025-02-01T00:00:00Z", "top": 1}
    ).json()
    assert (then["links_issued"], then["signups"], then["first_purchases"]) == (1, 1, 0)
    assert then["bonuses_paid_kopecks"] == 0
    assert [(r["user_id"], r["signups"], r["paid"]) for r in then["top_referrers"]] == [
        (rita.id, 1, 0)
    ]
    assert admin.get("/api/admin/billing/referrals", params={"top": 0}).status_code == 422


def test_a_package_change_is_what_the_student_sees(
    make_client: MakeClient, admin: TestClient
) -> None:
    student, _ = _student(make_client, "Анна")
    created = admin.post(
        "/api/admin/billing/packages", json={"name": "Разговорный", "minutes": 120}
    ).json()
    url = f"/api/admin/billing/packages/{created['id']}"

    def on_sale() -> dict[str, object] | None:
        found = [p for p in student.get("/api/billing/packages").json() if p["id"] == created["id"]]
        return found[0] if found else None

    student_fields = {k: v for k, v in created.items() if k != "sort_order"}
    assert on_sale() == student_fields and created["price_kopecks"] == 60_000
    edited = admin.patch(
        url, json={"name": "Разговорный+", "minutes": 150, "price_kopecks": 65_000}
    )
    assert edited.status_code == 200, edited.text
    seen = on_sale()
    assert seen is not None
    assert (seen["name"], seen["minutes"], seen["price_kopecks"]) == ("Разговорный+", 150, 65_000)

    assert admin.delete(url).status_code == 204
    assert on_sale() is None
    retired = [
        p for p in admin.get("/api/admin/billing/packages").json() if p["id"] == created["id"]
    ]
    assert retired[0]["is_active"] is False
    assert admin.patch(url, json={"is_active": True}).status_code == 200
    assert on_sale() is not None
    journal = admin.get("/api/admin/audit").json()["items"]
    assert [e["action"] for e in journal][:4] == [
        "package.updated",
        "package.retired",
        "package.updated",
        "package.created",
    ]


@pytest.mark.parametrize(
    "path",
    ["/api/admin/billing/transactions", "/api/admin/billing/transactions.csv", "/api/admin/users"],
)
def test_a_search_with_control_characters_is_searched_without_them(
    make_client: MakeClient, admin: TestClient, path: str
) -> None:
    """PostgreSQL refuses a NUL byte even in a LIKE pattern: it was a 500 there."""
    _student(make_client, "Анна")
    response = admin.get(path, params={"q": "ан\x00на"})
    assert response.status_code == 200, response.text
    assert "Анна" in response.text
