"""Admins manage packages, prices and balances; students cannot."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import register

ADMIN_ROUTES = [
    ("get", "/api/admin/billing/packages", None),
    ("post", "/api/admin/billing/packages", {"name": "X", "minutes": 10}),
    ("patch", "/api/admin/billing/packages/1", {"name": "X"}),
    ("delete", "/api/admin/billing/packages/1", None),
    (
        "post",
        "/api/admin/billing/adjustments",
        {"user_id": 1, "amount_kopecks": 100, "reason": "gift"},
    ),
    ("get", "/api/admin/billing/transactions", None),
    ("post", "/api/admin/billing/payments/1/refund", None),
    ("get", "/api/admin/billing/rules", None),
    ("put", "/api/admin/billing/rules", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_students_get_403_on_every_admin_billing_route(
    client: TestClient, method: str, path: str, body: object
) -> None:
    register(client)
    response = client.request(method, path, json=body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_adjustments_with_a_reason(client: TestClient, admin_client: TestClient) -> None:
    student = register(client)
    gift = admin_client.post(
        "/api/admin/billing/adjustments",
        json={"user_id": student.id, "amount_kopecks": 2_500, "reason": "Компенсация за сбой"},
    )
    assert gift.status_code == 201, gift.text
    assert gift.json()["kind"] == "admin_adjustment" and gift.json()["created_by_id"]
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == 32_500

    take = admin_client.post(
        "/api/admin/billing/adjustments",
        json={"user_id": student.id, "amount_kopecks": -2_500, "reason": "Ошибочное начисление"},
    )
    assert take.status_code == 201
    overdraw = admin_client.post(
        "/api/admin/billing/adjustments",
        json={"user_id": student.id, "amount_kopecks": -30_001, "reason": "Too much"},
    )
    assert overdraw.status_code == 402
    assert overdraw.json()["error"]["code"] == "insufficient_funds"
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == 30_000


@pytest.mark.parametrize(
    "body",
    [
        {"amount_kopecks": 0, "reason": "nothing"},
        {"amount_kopecks": 10**12, "reason": "absurd"},
        {"amount_kopecks": -(10**12), "reason": "absurd"},
        {"amount_kopecks": 100, "reason": ""},
        {"amount_kopecks": 100},
        {"amount_kopecks": 1.5, "reason": "fraction"},
        {"amount_kopecks": "100", "reason": "string"},
    ],
)
def test_bad_adjustments_are_422(
    client: TestClient, admin_client: TestClient, body: dict[str, object]
) -> None:
    student = register(client)
    response = admin_client.post(
        "/api/admin/billing/adjustments", json={"user_id": student.id, **body}
    )
    assert response.status_code == 422, body
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == 30_000


def test_adjustment_for_an_unknown_user_is_404(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/admin/billing/adjustments",
        json={"user_id": 987_654, "amount_kopecks": 100, "reason": "gift"},
    )
    assert response.status_code == 404


def test_adjustment_retry_with_the_same_key_applies_once(
    client: TestClient, admin_client: TestClient
) -> None:
    student = register(client)
    body = {"user_id": student.id, "amount_kopecks": 1_000, "reason": "gift"}
    for _ in range(3):
        response = admin_client.post(
            "/api/admin/billing/adjustments", json=body, headers={"Idempotency-Key": "gift-1"}
        )
        assert response.status_code == 201
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == 31_000


def test_package_lifecycle(client: TestClient, admin_client: TestClient) -> None:
    created = admin_client.post(
        "/api/admin/billing/packages",
        json={"name": "Интенсив", "minutes": 500, "discount_percent": 15, "sort_order": 4},
    )
    assert created.status_code == 201, created.text
    package = created.json()
    assert package["price_kopecks"] == 212_500
    updated = admin_client.patch(
        f"/api/admin/billing/packages/{package['id']}", json={"price_kopecks": 199_000}
    )
    assert updated.json()["price_kopecks"] == 199_000
    register(client)
    assert "Интенсив" in [p["name"] for p in client.get("/api/billing/packages").json()]
    assert admin_client.delete(f"/api/admin/billing/packages/{package['id']}").status_code == 204
    assert "Интенсив" not in [p["name"] for p in client.get("/api/billing/packages").json()]
    bought = client.post("/api/billing/purchase", json={"package_id": package["id"]})
    assert bought.status_code == 404 and bought.json()["error"]["code"] == "unknown_package"
    bad = admin_client.post(
        "/api/admin/billing/packages", json={"name": "Bad", "minutes": -1, "discount_percent": 100}
    )
    assert bad.status_code == 422


def test_price_change_moves_minutes_left(client: TestClient, admin_client: TestClient) -> None:
    register(client)
    rules = admin_client.get("/api/admin/billing/rules").json()
    assert rules["price_per_minute_kopecks"] == 500 and rules["trial_minutes"] == 60
    rules["price_per_minute_kopecks"] = 1_000
    assert admin_client.put("/api/admin/billing/rules", json=rules).status_code == 200
    assert client.get("/api/billing/balance").json()["minutes_left"] == 30
    rules["price_per_minute_kopecks"] = 0
    assert admin_client.put("/api/admin/billing/rules", json=rules).status_code == 422


def test_transaction_filters(client: TestClient, make_client, admin_client: TestClient) -> None:
    first = register(client)
    register(make_client())
    package = client.get("/api/billing/packages").json()[0]
    client.post("/api/billing/purchase", json={"package_id": package["id"]})
    everyone = admin_client.get("/api/admin/billing/transactions").json()
    assert everyone["total"] == 3
    mine = admin_client.get("/api/admin/billing/transactions", params={"user_id": first.id}).json()
    assert mine["total"] == 2
    purchases = admin_client.get(
        "/api/admin/billing/transactions", params={"kind": "purchase"}
    ).json()
    assert [t["user_id"] for t in purchases["items"]] == [first.id]
    assert (
        admin_client.get("/api/admin/billing/transactions", params={"kind": "bribe"}).status_code
        == 422
    )


def test_refund_once(client: TestClient, admin_client: TestClient) -> None:
    register(client)
    package = client.get("/api/billing/packages").json()[0]
    payment = client.post("/api/billing/purchase", json={"package_id": package["id"]}).json()
    for _ in range(2):
        response = admin_client.post(f"/api/admin/billing/payments/{payment['id']}/refund")
        assert response.status_code == 201
        assert response.json()["kind"] == "refund"
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == 30_000
    declined = client.post(
        "/api/billing/purchase", json={"package_id": package["id"], "test_outcome": "failed"}
    ).json()
    response = admin_client.post(f"/api/admin/billing/payments/{declined['id']}/refund")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_not_refundable"
