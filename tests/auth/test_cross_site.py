"""Cookie-carrying requests from other sites cannot change state."""

from fastapi.testclient import TestClient

from tests.conftest import register

EVIL = "https://evil.example"


def test_cross_site_post_is_refused_and_changes_nothing(client: TestClient) -> None:
    register(client)
    response = client.post(
        "/api/auth/logout", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site_request"
    assert client.get("/api/auth/me").status_code == 200  # still signed in


def test_foreign_origin_without_fetch_metadata_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        headers={"Origin": EVIL},
        json={"email": "a@example.com", "password": "whatever1"},
    )
    assert response.status_code == 403


def test_null_origin_is_refused(client: TestClient) -> None:
    response = client.post("/api/auth/logout", headers={"Origin": "null"})
    assert response.status_code == 403


def test_same_site_sibling_is_refused_unless_allowed(client: TestClient) -> None:
    response = client.post(
        "/api/auth/logout",
        headers={"Origin": "https://blog.ailingva.example", "Sec-Fetch-Site": "same-site"},
    )
    assert response.status_code == 403


def test_same_origin_and_allowed_origins_pass(client: TestClient) -> None:
    assert (
        client.post(
            "/api/auth/logout",
            headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        ).status_code
        == 204
    )
    assert (
        client.post("/api/auth/logout", headers={"Origin": "http://testserver"}).status_code == 204
    )
    # The Vite dev server is a different origin the settings allow.
    assert (
        client.post(
            "/api/auth/logout",
            headers={"Origin": "http://localhost:5173", "Sec-Fetch-Site": "same-site"},
        ).status_code
        == 204
    )


def test_fetch_metadata_without_origin_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post("/api/auth/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_reads_are_not_blocked(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
