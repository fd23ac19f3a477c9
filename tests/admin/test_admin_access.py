"""Admin routes: 401 for anonymous, 403 for students, the list for admins."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import login, make_admin, register


def test_anonymous_gets_401(client: TestClient) -> None:
    response = client.get("/api/admin/users")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_student_gets_403(client: TestClient) -> None:
    register(client)
    response = client.get("/api/admin/users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_admin_lists_users_with_paging(client: TestClient, make_client, engine: Engine) -> None:
    students = [register(make_client()) for _ in range(3)]
    email = make_admin(engine)
    login(client, email)
    assert client.get("/api/auth/me").json()["role"] == "admin"

    page = client.get("/api/admin/users", params={"limit": 2, "offset": 0}).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    rest = client.get("/api/admin/users", params={"limit": 2, "offset": 2}).json()
    emails = {u["email"] for u in page["items"] + rest["items"]}
    assert emails == {s.email for s in students} | {email}
    assert client.get("/api/admin/users", params={"limit": 0}).status_code == 422
