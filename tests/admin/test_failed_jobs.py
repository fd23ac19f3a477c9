"""`/api/admin/jobs/failed`: the jobs that failed after their last retry, for admins only."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.worker.models import FailedJob
from tests.conftest import login, make_admin, register


def test_failed_jobs_are_listed_for_admins_only(client: TestClient, engine: Engine) -> None:
    with Session(engine) as db:
        db.add(FailedJob(name="analyse_turn", args={"turn_id": 5}, error="boom", attempts=5))
        db.commit()
    assert client.get("/api/admin/jobs/failed").status_code == 401
    register(client)
    assert client.get("/api/admin/jobs/failed").status_code == 403
    client.post("/api/auth/logout")
    login(client, make_admin(engine))

    response = client.get("/api/admin/jobs/failed")

    assert response.status_code == 200
    (job,) = response.json()
    assert job["name"] == "analyse_turn" and job["args"] == {"turn_id": 5}
    assert job["attempts"] == 5 and job["error"] == "boom" and job["failed_at"]
