"""The YooKassa adapter against a local server that speaks YooKassa's REST protocol (v3):
create a payment, send the student to confirm, then webhooks — real, replayed and forged."""

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import login, make_admin, register
from tests.http_peer import JsonHandler, http_server

SHOP_ID, SECRET = "123456", "test_secret_key"


@dataclass
class FakeYooKassa:
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotence: dict[str, str] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    fail_next: bool = False
    # Called while a request is being answered: what the app holds while it waits on us.
    on_request: Callable[[], None] | None = None

    def set_status(self, payment_id: str, status: str, value: str | None = None) -> None:
        self.payments[payment_id]["status"] = status
        if value is not None:
            self.payments[payment_id]["amount"]["value"] = value


def _handler(state: FakeYooKassa) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{SHOP_ID}:{SECRET}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self.send_json(401, {"type": "error", "code": "invalid_credentials"})
                return False
            if state.on_request is not None:
                state.on_request()
            if state.fail_next:
                state.fail_next = False
                self.send_json(500, {"type": "error", "code": "internal_server_error"})
                return False
            return True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            payment_id = self.path.rsplit("/", 1)[-1]
            if self.path.startswith("/v3/payments/") and payment_id in state.payments:
                self.send_json(200, state.payments[payment_id])
            else:
                self.send_json(404, {"type": "error", "code": "not_found"})

        def do_POST(self) -> None:
            if not self._authorised():
                return
            key = self.headers.get("Idempotence-Key")
            if not key:
                self.send_json(400, {"type": "error", "code": "invalid_request"})
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/v3/payments":
                if key not in state.idempotence:
                    payment_id = str(uuid.uuid4())
                    state.idempotence[key] = payment_id
                    state.payments[payment_id] = {
                        "id": payment_id,
                        "status": "pending",
                        "paid": False,
                        "amount": body["amount"],
                        "metadata": body["metadata"],
                        "confirmation": {
                            "type": "redirect",
                            "confirmation_url": f"https://yoomoney.example/{payment_id}",
                        },
                    }
                self.send_json(200, state.payments[state.idempotence[key]])
            elif self.path == "/v3/refunds":
                state.refunds.append(body)
                self.send_json(200, {"id": str(uuid.uuid4()), "status": "succeeded", **body})
            else:
                self.send_json(404, {"type": "error", "code": "not_found"})

    return Handler


@pytest.fixture
def yookassa() -> Iterator[tuple[FakeYooKassa, str]]:
    state = FakeYooKassa()
    with http_server(_handler(state)) as url:
        yield state, f"{url}/v3"


@pytest.fixture
def shop(settings: Settings, yookassa: tuple[FakeYooKassa, str]) -> Iterator[TestClient]:
    _, url = yookassa
    app = create_app(
        settings.model_copy(
            update={
                "payment_provider": "yookassa",
                "yookassa_shop_id": SHOP_ID,
                "yookassa_secret_key": SECRET,
                "yookassa_api_url": url,
                "public_url": "https://ailingva.example",
            }
        )
    )
    with TestClient(app) as client:
        yield client


def _notify(client: TestClient, payment_id: str, event: str = "payment.succeeded") -> int:
    body = {
        "type": "notification",
        "event": event,
        "object": {
            "id": payment_id,
            "status": "succeeded",
            "amount": {"value": "999999.00", "currency": "RUB"},
        },
    }
    status = client.post("/api/billing/webhooks/yookassa", json=body).status_code
    _read_backs_done(client)
    return int(status)


def _read_backs_done(client: TestClient) -> None:
    """The webhook answers before it reads the payment back: wait for that read-back."""
    assert isinstance(client.app, FastAPI) and client.portal is not None
    client.portal.call(client.app.state.payment_confirmations.join)


def _buy(client: TestClient) -> dict[str, Any]:
    package = client.get("/api/billing/packages").json()[1]  # 300 min for 1350 RUB
    response = client.post("/api/billing/purchase", json={"package_id": package["id"]})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _balance(client: TestClient) -> int:
    return int(client.get("/api/billing/balance").json()["balance_kopecks"])


def test_payment_is_credited_once_after_yookassa_confirms(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str]
) -> None:
    state, _ = yookassa
    register(shop)
    payment = _buy(shop)
    assert payment["status"] == "pending"
    assert payment["confirmation_url"].startswith("https://yoomoney.example/")
    [(provider_id, sent)] = state.payments.items()
    assert sent["amount"] == {"value": "1350.00", "currency": "RUB"}
    assert sent["metadata"] == {"payment_id": str(payment["id"])}

    # The notification arrives before the student paid: it is forged or early. Nothing happens.
    assert _notify(shop, provider_id) == 204
    assert _balance(shop) == 30_000

    state.set_status(provider_id, "succeeded")
    for _ in range(3):  # YooKassa redelivers; replays credit nothing more
        assert _notify(shop, provider_id) == 204
    assert _balance(shop) == 30_000 + 150_000
    assert shop.get(f"/api/billing/payments/{payment['id']}").json()["status"] == "succeeded"


def test_canceled_payment_credits_nothing(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str]
) -> None:
    state, _ = yookassa
    register(shop)
    payment = _buy(shop)
    [provider_id] = state.payments
    state.set_status(provider_id, "canceled")
    assert _notify(shop, provider_id, "payment.canceled") == 204
    assert shop.get(f"/api/billing/payments/{payment['id']}").json()["status"] == "failed"
    assert _balance(shop) == 30_000


def test_unknown_and_malformed_notifications(shop: TestClient) -> None:
    register(shop)
    assert _notify(shop, "not-one-of-ours") == 204
    for body in ({}, {"event": "payment.succeeded"}, {"event": "x", "object": {"id": ""}}):
        response = shop.post("/api/billing/webhooks/yookassa", json=body)
        assert response.status_code == 422
    assert _balance(shop) == 30_000


def test_amount_mismatch_is_not_credited(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str]
) -> None:
    state, _ = yookassa
    register(shop)
    _buy(shop)
    [provider_id] = state.payments
    state.set_status(provider_id, "succeeded", value="1.00")
    # The webhook answers before the read-back, which finds the mismatch and credits nothing.
    assert (
        shop.post(
            "/api/billing/webhooks/yookassa",
            json={"event": "payment.succeeded", "object": {"id": provider_id}},
        ).status_code
        == 204
    )
    _read_backs_done(shop)
    assert _balance(shop) == 30_000


def test_provider_outage_is_a_clear_502_and_nothing_is_half_written(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str]
) -> None:
    state, _ = yookassa
    register(shop)
    state.fail_next = True
    package = shop.get("/api/billing/packages").json()[0]
    response = shop.post("/api/billing/purchase", json={"package_id": package["id"]})
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "payment_provider_error"
    assert state.payments == {}
    history = shop.get("/api/billing/transactions").json()
    assert [t["kind"] for t in history["items"]] == ["trial_bonus"]


def test_refund_goes_to_yookassa_once(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str], engine: Engine
) -> None:
    state, _ = yookassa
    register(shop)
    payment = _buy(shop)
    [provider_id] = state.payments
    state.set_status(provider_id, "succeeded")
    _notify(shop, provider_id)

    admin = TestClient(shop.app)
    login(admin, make_admin(engine))
    for _ in range(2):
        assert admin.post(f"/api/admin/billing/payments/{payment['id']}/refund").status_code == 201
    assert state.refunds == [
        {"payment_id": provider_id, "amount": {"value": "1350.00", "currency": "RUB"}}
    ]
    assert _balance(shop) == 30_000


def test_no_transaction_waits_on_yookassa(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str]
) -> None:
    """While YooKassa thinks, the app holds no database connection: an open transaction would
    hold SQLite's write lock and stall every other student's lesson until YooKassa answered."""
    state, _ = yookassa
    register(shop)
    assert isinstance(shop.app, FastAPI)
    pool = shop.app.state.engine.pool
    held: list[int] = []
    state.on_request = lambda: held.append(pool.checkedout())
    payment = _buy(shop)
    [provider_id] = state.payments
    state.set_status(provider_id, "succeeded")
    assert _notify(shop, provider_id) == 204
    assert held == [0, 0]  # the purchase's create, the webhook's read-back
    assert shop.get(f"/api/billing/payments/{payment['id']}").json()["status"] == "succeeded"


def test_the_page_offers_no_test_payments_with_yookassa(
    shop: TestClient, yookassa: tuple[FakeYooKassa, str]
) -> None:
    state, _ = yookassa
    register(shop)
    assert shop.get("/api/billing/balance").json()["test_payments"] is False
    # A "declined card" asked for anyway changes nothing: the real provider decides.
    package = shop.get("/api/billing/packages").json()[0]
    response = shop.post(
        "/api/billing/purchase", json={"package_id": package["id"], "test_outcome": "failed"}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert len(state.payments) == 1
