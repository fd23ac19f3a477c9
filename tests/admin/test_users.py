"""`/api/admin/users`: search, filters, paging; roles, blocks and sign-outs with their rules
(never the last admin, never oneself), each in the journal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.admin import accounts
from ailingva.auth.models import Role
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError
from tests.admin.conftest import account
from tests.conftest import STRONG_PASSWORD, login, make_admin, register, unique_email


def _users(admin: TestClient, **params: str | int) -> dict:  # type: ignore[type-arg]
    response = admin.get("/api/admin/users", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _journal(admin: TestClient, **params: str | int) -> list[dict]:  # type: ignore[type-arg]
    response = admin.get("/api/admin/audit", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_search_by_name_or_email_in_any_case_with_filters_and_paging(
    admin: TestClient, make_client, admin_email: str
) -> None:
    anna = register(make_client(), name="Анна Петрова", email=unique_email("anna"))
    boris = register(make_client(), name="Борис", email=unique_email("boris"))
    for _ in range(3):
        register(make_client(), name="Ученик")

    assert [u["email"] for u in _users(admin, q="аннА")["items"]] == [anna.email]
    assert [u["email"] for u in _users(admin, q="BORIS-")["items"]] == [boris.email]
    assert _users(admin, q="%")["total"] == 0  # a wildcard is a character like any other
    everyone = _users(admin)
    assert everyone["total"] == 6
    assert everyone["items"][0]["balance_kopecks"] > 0  # the trial minutes
    assert [u["email"] for u in _users(admin, role="admin")["items"]] == [admin_email]
    assert _users(admin, role="student")["total"] == 5

    first, second = _users(admin, limit=4), _users(admin, limit=4, offset=4)
    assert len(first["items"]) == 4 and len(second["items"]) == 2
    assert {u["id"] for u in first["items"]}.isdisjoint(u["id"] for u in second["items"])
    assert admin.get("/api/admin/users", params={"status": "frozen"}).status_code == 422
    assert admin.get("/api/admin/users", params={"q": "x" * 101}).status_code == 422


def test_block_ends_sign_ins_refuses_sign_in_and_unblock_lets_back(
    admin: TestClient, make_client, admin_email: str
) -> None:
    browser = make_client()
    student = register(browser)
    token = browser.post("/api/auth/token").json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert browser.get("/api/auth/me", headers=bearer).status_code == 200

    blocked = admin.post(f"/api/admin/users/{student.id}/block", json={"reason": "Спам"})
    assert blocked.status_code == 200 and blocked.json()["status"] == "blocked"
    assert browser.get("/api/auth/me").status_code == 401  # the cookie's session is over
    assert browser.get("/api/auth/me", headers=bearer).status_code == 401  # and its token
    again = make_client().post(
        "/api/auth/login", json={"email": student.email, "password": STRONG_PASSWORD}
    )
    assert again.status_code == 403 and again.json()["error"]["code"] == "account_blocked"
    assert _users(admin, status="blocked")["items"][0]["id"] == student.id
    # Blocking again changes nothing and records nothing.
    assert admin.post(f"/api/admin/users/{student.id}/block").status_code == 200

    assert admin.post(f"/api/admin/users/{student.id}/unblock").json()["status"] == "active"
    assert browser.get("/api/auth/me").status_code == 401  # no session comes back to life
    login(make_client(), student.email)

    entries = _journal(admin, user_id=student.id)
    assert [e["action"] for e in entries] == ["user.unblocked", "user.blocked"]
    assert entries[1]["actor_email"] == admin_email and entries[1]["reason"] == "Спам"
    assert entries[1]["changes"] == {"status": {"from": "active", "to": "blocked"}}
    assert entries[1]["target_label"] == student.email


def test_role_changes_never_the_last_admin_never_oneself(
    admin: TestClient, make_client, engine: Engine, admin_email: str
) -> None:
    me = account(engine, admin_email)
    own = admin.put(f"/api/admin/users/{me.id}/role", json={"role": "student"})
    assert own.status_code == 409 and own.json()["error"]["code"] == "own_account"
    assert admin.post(f"/api/admin/users/{me.id}/block").json()["error"]["code"] == "own_account"
    assert admin.delete(f"/api/admin/users/{me.id}/sessions").status_code == 409

    student = register(make_client())
    promoted = admin.put(f"/api/admin/users/{student.id}/role", json={"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    # The new admin may demote the first one, who is then not the last; but not back again.
    other = make_client()
    login(other, student.email)
    assert other.put(f"/api/admin/users/{me.id}/role", json={"role": "student"}).status_code == 200
    assert admin.get("/api/admin/users").status_code == 403  # a student now

    entries = _journal(other, action="user.role_changed")
    assert [e["changes"]["role"] for e in entries] == [
        {"from": "admin", "to": "student"},
        {"from": "student", "to": "admin"},
    ]
    bad = other.put(f"/api/admin/users/{student.id}/role", json={"role": "owner"})
    assert bad.status_code == 422


def test_two_admins_demoting_each_other_leave_one(engine: Engine) -> None:
    """Over the API an admin never meets the last admin (they are one themselves, and cannot
    change their own account); two admins demoting each other at once can, and the second
    change, made by an admin the first one demoted, is refused."""
    first = account(engine, make_admin(engine))
    second = account(engine, make_admin(engine))
    with Session(engine) as db:
        accounts.change_role(db, second, first.id or 0, Role.STUDENT)
        db.commit()
    with Session(engine) as db:
        with pytest.raises(AppError) as refused:
            accounts.change_role(db, first, second.id or 0, Role.STUDENT)
        assert refused.value.code == "last_admin"
        with pytest.raises(AppError) as refused:
            accounts.set_blocked(db, first, second.id or 0, blocked=True, reason=None, now=utcnow())
        assert refused.value.code == "last_admin"


def test_revoke_sessions_signs_out_everywhere(admin: TestClient, make_client) -> None:
    phone, laptop = make_client(), make_client()
    student = register(phone)
    login(laptop, student.email)
    response = admin.delete(f"/api/admin/users/{student.id}/sessions")
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert phone.get("/api/auth/me").status_code == 401
    assert laptop.get("/api/auth/me").status_code == 401
    login(phone, student.email)  # not blocked: signs in again
    assert _journal(admin, action="user.sessions_revoked")[0]["target_id"] == student.id


def test_unknown_user_is_404(admin: TestClient) -> None:
    for method, path in (
        ("GET", "/api/admin/users/999999"),
        ("POST", "/api/admin/users/999999/block"),
        ("PUT", "/api/admin/users/999999/role"),
        ("GET", "/api/admin/users/999999/words"),
    ):
        body = {"role": "admin"} if method == "PUT" else None
        response = admin.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
