"""Findings of issue #17 about money: duplicate purchases, a free package, the wallet's range,
referral bonuses after a refund, the webhook's read-back."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.billing import ledger
from ailingva.billing.models import TransactionKind
from ailingva.billing.rules import MAX_BALANCE_KOPECKS
from ailingva.core.config import Settings
from ailingva.core.errors import AppError
from ailingva.main import create_app
from tests.conftest import login, make_admin, register, unique_email
from tests.security.conftest import listener_on

MILLION_ROUBLES = 100_000_000  # kopecks: the largest single adjustment


@pytest.fixture
def admin(make_client: Callable[[], TestClient], engine: Engine) -> TestClient:
    client = make_client()
    login(client, make_admin(engine))
    return client


def _balance(client: TestClient) -> int:
    return int(client.get("/api/billing/balance").json()["balance_kopecks"])


def test_fifty_duplicate_purchases_all_answer_the_original_payment(client: TestClient) -> None:
    """Finding 5: 50 concurrent purchases with one `Idempotency-Key` moved the money once, but
    4 answered 500 (`uq_payment_user_idempotency_key`). Fixed: every duplicate answers 201
    with the same payment as the first, and the wallet is credited once."""
    register(client)
    package = client.get("/api/billing/packages").json()[0]
    headers = {"Idempotency-Key": f"checkout-{uuid.uuid4().hex}"}

    def buy(_: int) -> tuple[int, Any]:
        response = client.post(
            "/api/billing/purchase", json={"package_id": package["id"]}, headers=headers
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(buy, range(50)))
    assert {status for status, _ in answers} == {201}, answers
    assert len({body["id"] for _, body in answers}) == 1
    assert _balance(client) == 30_000 + package["price_kopecks"]


@pytest.mark.parametrize(
    "package",
    [
        {"name": "Даром", "minutes": 10, "price_kopecks": 0},
        {"name": "Почти даром", "minutes": 1, "discount_percent": 99},  # rounds to 0 ₽
    ],
)
def test_a_package_for_nothing_is_never_sold(
    client: TestClient, admin: TestClient, package: dict[str, Any]
) -> None:
    """Finding 5: a zero-price package (given, or rounded down) is shown to students and buying
    it answers 500. Fixed: the admin's create is refused with a coded 422; should one exist,
    students do not see it and buying it is a coded 4xx, never a 5xx."""
    created = admin.post("/api/admin/billing/packages", json=package)
    if created.status_code == 422:
        assert created.json()["error"]["code"]
        return
    assert created.status_code == 201, created.text
    register(client)
    shown = [p["id"] for p in client.get("/api/billing/packages").json()]
    assert created.json()["id"] not in shown
    bought = client.post("/api/billing/purchase", json={"package_id": created.json()["id"]})
    assert 400 <= bought.status_code < 500 and bought.json()["error"]["code"], bought.text


def test_the_wallet_does_not_overflow(client: TestClient, admin: TestClient) -> None:
    """Finding 5: the wallet is int32: the 22nd adjustment of 1,000,000 ₽ (past 2^31 kopecks)
    answers 500 on PostgreSQL. Fixed: amounts are 64-bit with a sane maximum: each adjustment
    is applied (201) or refused with a coded 4xx, and the balance is what was applied."""
    student = register(client)
    applied = 30_000
    for _ in range(25):
        response = admin.post(
            "/api/admin/billing/adjustments",
            json={"user_id": student.id, "amount_kopecks": MILLION_ROUBLES, "reason": "Тест"},
        )
        assert response.status_code < 500, response.text
        if response.status_code == 201:
            applied += MILLION_ROUBLES
        else:
            assert response.json()["error"]["code"]
    assert _balance(client) == applied


def test_referral_bonuses_go_with_a_refund(
    client: TestClient, make_client: Callable[[], TestClient], admin: TestClient
) -> None:
    """Finding 6: the referral bonuses survive a refund of the purchase that earned them.
    Fixed: refunding that purchase takes back both bonuses (the referrer's and the friend's),
    so both wallets are back to their trial."""
    register(client)
    code = client.get("/api/billing/referral").json()["code"]
    friend = make_client()
    response = friend.post(
        "/api/auth/register",
        json={
            "email": unique_email("friend"),
            "password": "Another good pass 7",
            "name": "Петя",
            "referral_code": code,
        },
    )
    assert response.status_code == 201, response.text
    package = friend.get("/api/billing/packages").json()[0]
    payment = friend.post("/api/billing/purchase", json={"package_id": package["id"]}).json()
    assert _balance(client) == 30_000 + 15_000  # the bonus was paid
    refund = admin.post(f"/api/admin/billing/payments/{payment['id']}/refund")
    assert refund.status_code == 201, refund.text
    assert _balance(client) == 30_000
    assert _balance(friend) == 30_000


class SlowYooKassa:
    """YooKassa's REST API (v3), enough for a purchase; its read-back waits on `gate`."""

    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self.reads: list[str] = []
        self.gate = threading.Event()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                payment_id = str(uuid.uuid4())
                state.payments[payment_id] = {
                    "id": payment_id,
                    "status": "pending",
                    "paid": False,
                    "amount": body["amount"],
                    "confirmation": {"type": "redirect", "confirmation_url": "https://pay/"},
                }
                self._json(state.payments[payment_id])

            def do_GET(self) -> None:
                payment_id = self.path.rsplit("/", 1)[-1]
                state.reads.append(payment_id)
                state.gate.wait(timeout=20)
                self._json(state.payments[payment_id])

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def slow_yookassa() -> Iterator[tuple[SlowYooKassa, str]]:
    state = SlowYooKassa()
    with listener_on("127.0.0.1", state.handler()) as url:
        yield state, f"{url}/v3"
    state.gate.set()


def test_webhook_read_back_does_not_block_the_request_path(
    settings: Settings, slow_yookassa: tuple[SlowYooKassa, str]
) -> None:
    """Finding 4: each notification whose id matches a payment makes a synchronous read-back
    (15 s timeout) on the request path, with no limit: 60 of them against a slow YooKassa
    fill the thread pool and `GET /api/auth/me` waits. Fixed: the webhook answers at once and
    reads back at most once per payment at a time (not once per post), off the request path;
    the rest of the API answers while YooKassa is slow."""
    yookassa, url = slow_yookassa
    app = create_app(
        settings.model_copy(
            update={
                "payment_provider": "yookassa",
                "yookassa_shop_id": "123456",
                "yookassa_secret_key": "test_secret_key",
                "yookassa_api_url": url,
                "public_url": "https://ailingva.example",
            }
        )
    )
    with TestClient(app) as client:
        register(client)
        package = client.get("/api/billing/packages").json()[0]
        client.post("/api/billing/purchase", json={"package_id": package["id"]})
        (provider_id,) = yookassa.payments
        notification = {
            "type": "notification",
            "event": "payment.succeeded",
            "object": {"id": provider_id, "status": "succeeded", "amount": {"value": "1.00"}},
        }
        pool = ThreadPoolExecutor(max_workers=61)
        posts = [
            pool.submit(client.post, "/api/billing/webhooks/yookassa", json=notification)
            for _ in range(60)
        ]
        me = pool.submit(client.get, "/api/auth/me")
        try:
            # While YooKassa has not answered a single read-back, the API answers.
            assert me.result(timeout=10).status_code == 200
        finally:
            yookassa.gate.set()
            statuses = {post.result(timeout=60).status_code for post in posts}
            pool.shutdown()
        assert statuses <= {200, 202, 204}, statuses
        assert len(yookassa.reads) <= 2, f"{len(yookassa.reads)} read-backs for 60 posts"


NUL = "\x00"


@pytest.fixture
def admin_seeing_500s(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    # Server errors as 500 responses (as a client sees them), not as exceptions in the test.
    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, make_admin(engine))
        yield client


def test_a_nul_byte_in_an_adjustment_reason(admin_seeing_500s: TestClient, app: FastAPI) -> None:
    """Finding 5 (from test_inputs.py): a NUL byte in the adjustment reason answered 500 (on
    PostgreSQL). Fixed: refused with a coded 422, or stored without it."""
    student = register(TestClient(app))
    response = admin_seeing_500s.post(
        "/api/admin/billing/adjustments",
        json={"user_id": student.id, "amount_kopecks": 100, "reason": f"Бонус{NUL}"},
    )
    if response.status_code == 422 and response.json()["error"]["code"]:
        return
    assert response.status_code == 201, response.text
    assert NUL not in response.json()["description"]


def test_a_nul_byte_in_a_package_name(admin_seeing_500s: TestClient) -> None:
    """Finding 5 (from test_inputs.py): the same for a package's name."""
    response = admin_seeing_500s.post(
        "/api/admin/billing/packages", json={"name": f"Пакет{NUL}", "minutes": 10}
    )
    if response.status_code == 422 and response.json()["error"]["code"]:
        return
    assert response.status_code == 201, response.text
    assert NUL not in response.json()["name"]


def test_a_credit_past_the_balance_limit_is_refused_with_a_code(
    client: TestClient, engine: Engine
) -> None:
    """The sane maximum behind the 64-bit columns: a credit that would take a wallet past
    MAX_BALANCE_KOPECKS is refused (`balance_limit`) and moves nothing."""
    student = register(client)
    with Session(engine) as db, pytest.raises(AppError) as refused:
        ledger.post_entry(
            db,
            user_id=student.id,
            kind=TransactionKind.ADMIN_ADJUSTMENT,
            amount_kopecks=MAX_BALANCE_KOPECKS,
            idempotency_key=f"adjust:{uuid.uuid4().hex}",
        )
    assert refused.value.code == "balance_limit"
    assert _balance(client) == 30_000
