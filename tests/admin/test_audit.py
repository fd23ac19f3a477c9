"""The journal: every admin action with who, when and what changed, filterable; an API key
never in a response, a log line or the journal."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.sse import EventSourceResponse
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from ailingva.core.db import utcnow
from tests.admin.conftest import account
from tests.conftest import register

KEY = "sk-audit-0123456789-secret-wxyz"


def _journal(admin: TestClient, **params: str | int) -> list[dict]:  # type: ignore[type-arg]
    response = admin.get("/api/admin/audit", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_billing_actions_are_recorded(admin: TestClient, client: TestClient, make_client) -> None:
    created = admin.post("/api/admin/billing/packages", json={"name": "Марафон", "minutes": 90})
    package_id = created.json()["id"]
    admin.patch(f"/api/admin/billing/packages/{package_id}", json={"discount_percent": 15})
    admin.patch(f"/api/admin/billing/packages/{package_id}", json={})  # no change: no entry
    admin.delete(f"/api/admin/billing/packages/{package_id}")
    rules = admin.get("/api/admin/billing/rules").json()
    admin.put("/api/admin/billing/rules", json={**rules, "trial_minutes": 7})

    buyer = make_client()
    student = register(buyer)
    package = buyer.get("/api/billing/packages").json()[0]
    payment = buyer.post("/api/billing/purchase", json={"package_id": package["id"]}).json()
    for _ in range(2):  # the second refund returns the first: one entry
        assert admin.post(f"/api/admin/billing/payments/{payment['id']}/refund").status_code == 201

    entries = _journal(admin)
    assert [e["action"] for e in entries] == [
        "payment.refunded",
        "billing.rules_changed",
        "package.retired",
        "package.updated",
        "package.created",
    ]
    refund, rules_entry, retired, updated, made = entries
    assert (
        refund["target_id"] == student.id and refund["changes"]["payment_id"]["to"] == payment["id"]
    )
    assert rules_entry["changes"] == {"trial_minutes": {"from": rules["trial_minutes"], "to": 7}}
    assert retired["changes"] == {"is_active": {"from": True, "to": False}}
    assert updated["changes"]["discount_percent"] == {"from": 0, "to": 15}
    assert made["target_label"] == "Марафон" and made["changes"]["minutes"]["to"] == 90


def test_filters_by_action_actor_and_period(
    admin: TestClient, make_client, engine: Engine, admin_email: str
) -> None:
    student = register(make_client())
    admin.post(f"/api/admin/users/{student.id}/block")
    admin.post(f"/api/admin/users/{student.id}/unblock")
    me = account(engine, admin_email)
    assert len(_journal(admin, actor_id=me.id or 0)) == 2
    assert [e["action"] for e in _journal(admin, action="user.blocked")] == ["user.blocked"]
    assert _journal(admin, actor_id=(me.id or 0) + 1000) == []
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert _journal(admin, since=future) == [] and len(_journal(admin, until=future)) == 2
    page = admin.get("/api/admin/audit", params={"limit": 1}).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    assert "user.blocked" in page["actions"]
    assert admin.get("/api/admin/audit", params={"action": "user.deleted"}).status_code == 422


def _admin_get_paths(app: FastAPI, user_id: int) -> list[str]:
    paths = []
    for route in iter_route_contexts(app.routes):
        path, methods = route.path or "", route.methods or set()
        # An event stream lasts until its client goes (the monitor's: live sessions only).
        original = route.original_route
        if isinstance(original, APIRoute) and original.response_class is EventSourceResponse:
            continue
        if path.startswith("/api/admin") and "GET" in methods and "{lesson_id}" not in path:
            paths.append(re.sub(r"\{user_id\}", str(user_id), path))
    return paths


def test_an_api_key_is_never_shown_logged_or_journaled(
    admin: TestClient, app: FastAPI, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    student = register(TestClient(app))
    change = admin.put(
        "/api/admin/settings",
        json={
            "values": {
                "llm_provider": "openai",
                "openai_api_key": KEY,
                "openai_base_url": "http://127.0.0.1:9/v1",
            }
        },
    )
    assert change.status_code == 200, change.text
    admin.put("/api/admin/settings", json={"values": {"openai_api_key": None}})

    entries = _journal(admin, action="providers.settings_changed")
    assert entries[1]["changes"]["openai_api_key"] == {"to": "changed"}
    assert entries[1]["changes"]["llm_provider"] == {"from": "fake", "to": "openai"}
    assert entries[0]["changes"]["openai_api_key"] == {"to": "removed"}
    responses = [change.text] + [admin.get(p).text for p in _admin_get_paths(app, student.id)]
    assert len(responses) > 10
    for body in responses:
        assert KEY not in body and KEY[-8:] not in body
    with engine.connect() as conn:
        stored = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM audit_entry"))], default=str
        )
    assert KEY not in stored
    assert all(KEY not in record.getMessage() for record in caplog.records)
