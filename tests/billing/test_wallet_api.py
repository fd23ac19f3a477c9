"""The student's wallet: trial, packages, purchases, history, referrals."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import register, unique_email


def _balance(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/billing/balance")
    assert response.status_code == 200
    return dict(response.json())


def _packages(client: TestClient) -> list[dict[str, Any]]:
    return list(client.get("/api/billing/packages").json())


def test_new_student_has_60_trial_minutes(client: TestClient) -> None:
    register(client)
    assert _balance(client) == {
        "balance_kopecks": 30_000,
        "price_per_minute_kopecks": 500,
        "minutes_left": 60,
        "low_balance": False,
        "test_payments": True,
    }
    history = client.get("/api/billing/transactions").json()
    assert history["total"] == 1
    assert history["items"][0]["kind"] == "trial_bonus"
    assert history["items"][0]["amount_kopecks"] == 30_000


def test_trial_is_once_per_mailbox(client: TestClient, make_client) -> None:
    email = unique_email()
    register(client, email=email)
    local, domain = email.split("@")
    again = make_client()
    register(again, email=f"{local.upper()}+second@{domain}")
    assert _balance(again)["balance_kopecks"] == 0


def test_default_packages_with_discounts(client: TestClient) -> None:
    register(client)
    packages = _packages(client)
    assert [(p["minutes"], p["discount_percent"], p["price_kopecks"]) for p in packages] == [
        (60, 0, 30_000),
        (300, 10, 135_000),
        (1000, 20, 400_000),
    ]


def test_purchase_with_the_test_provider_credits_the_minutes(client: TestClient) -> None:
    register(client)
    package = _packages(client)[1]  # 300 minutes, 10 % off
    response = client.post("/api/billing/purchase", json={"package_id": package["id"]})
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "succeeded"
    assert payment["amount_kopecks"] == 135_000 and payment["credit_kopecks"] == 150_000
    assert _balance(client)["minutes_left"] == 60 + 300
    items = client.get("/api/billing/transactions").json()["items"]
    assert [t["kind"] for t in items] == ["purchase", "trial_bonus"]
    assert items[0]["description"] == f"Пакет «{package['name']}», 300 мин"
    assert client.get(f"/api/billing/payments/{payment['id']}").json()["status"] == "succeeded"


def test_declined_purchase_credits_nothing(client: TestClient) -> None:
    register(client)
    package = _packages(client)[0]
    response = client.post(
        "/api/billing/purchase", json={"package_id": package["id"], "test_outcome": "failed"}
    )
    assert response.status_code == 201 and response.json()["status"] == "failed"
    assert _balance(client)["minutes_left"] == 60


def test_double_click_buys_once(client: TestClient) -> None:
    register(client)
    package = _packages(client)[0]
    headers = {"Idempotency-Key": "checkout-7f3a"}
    first = client.post(
        "/api/billing/purchase", json={"package_id": package["id"]}, headers=headers
    )
    second = client.post(
        "/api/billing/purchase", json={"package_id": package["id"]}, headers=headers
    )
    assert first.json()["id"] == second.json()["id"]
    assert _balance(client)["minutes_left"] == 120
    other = client.post(
        "/api/billing/purchase", json={"package_id": _packages(client)[1]["id"]}, headers=headers
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_unknown_package_and_bad_ids(client: TestClient) -> None:
    register(client)
    missing = client.post("/api/billing/purchase", json={"package_id": 999_999})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_package"
    for bad in (0, -5, "one", None, 10**30):
        response = client.post("/api/billing/purchase", json={"package_id": bad})
        assert response.status_code == 422, bad
    assert _balance(client)["minutes_left"] == 60


def test_someone_elses_payment_is_not_found(client: TestClient, make_client) -> None:
    register(client)
    payment = client.post(
        "/api/billing/purchase", json={"package_id": _packages(client)[0]["id"]}
    ).json()
    stranger = make_client()
    register(stranger)
    response = stranger.get(f"/api/billing/payments/{payment['id']}")
    assert response.status_code == 404


def test_anonymous_gets_401(client: TestClient) -> None:
    for path in (
        "/api/billing/balance",
        "/api/billing/transactions",
        "/api/billing/packages",
        "/api/billing/referral",
    ):
        assert client.get(path).status_code == 401, path


def test_transactions_are_paginated(client: TestClient) -> None:
    register(client)
    package = _packages(client)[0]
    for _ in range(4):
        client.post("/api/billing/purchase", json={"package_id": package["id"]})
    page = client.get("/api/billing/transactions", params={"limit": 2, "offset": 0}).json()
    rest = client.get("/api/billing/transactions", params={"limit": 2, "offset": 4}).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and len(rest["items"]) == 1
    assert page["items"][0]["balance_after_kopecks"] == 150_000  # newest first
    assert client.get("/api/billing/transactions", params={"limit": 500}).status_code == 422


def test_referral_bonus_once_on_the_friends_first_paid_purchase(
    client: TestClient, make_client
) -> None:
    register(client)
    referral = client.get("/api/billing/referral").json()
    assert referral["link"].endswith(f"/register?ref={referral['code']}")
    assert client.get("/api/billing/referral").json()["code"] == referral["code"]

    friend = make_client()
    friend_email = unique_email("friend")
    response = friend.post(
        "/api/auth/register",
        json={
            "email": friend_email,
            "password": "Another good pass 7",
            "name": "Петя",
            "referral_code": referral["code"].lower(),
        },
    )
    assert response.status_code == 201, response.text
    assert client.get("/api/billing/referral").json()["invited"] == 1
    assert _balance(client)["balance_kopecks"] == 30_000  # nothing until the friend pays

    package = _packages(friend)[0]
    friend.post(
        "/api/billing/purchase", json={"package_id": package["id"], "test_outcome": "failed"}
    )
    assert _balance(client)["balance_kopecks"] == 30_000  # a declined payment is not a purchase
    friend.post("/api/billing/purchase", json={"package_id": package["id"]})
    friend.post("/api/billing/purchase", json={"package_id": package["id"]})
    assert _balance(client)["balance_kopecks"] == 30_000 + 15_000
    assert _balance(friend)["balance_kopecks"] == 30_000 + 2 * 30_000 + 15_000
    stats = client.get("/api/billing/referral").json()
    assert (stats["invited"], stats["rewarded"], stats["bonus_earned_kopecks"]) == (1, 1, 15_000)
    friend_stats = friend.get("/api/billing/referral").json()
    assert (friend_stats["invited"], friend_stats["bonus_earned_kopecks"]) == (0, 0)


def test_unknown_referral_code_is_a_clear_error_and_creates_nothing(client: TestClient) -> None:
    email = unique_email()
    body = {
        "email": email,
        "password": "Another good pass 7",
        "name": "Петя",
        "referral_code": "NOPE2345",
    }
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_referral_code"
    body.pop("referral_code")
    assert client.post("/api/auth/register", json=body).status_code == 201  # email still free
