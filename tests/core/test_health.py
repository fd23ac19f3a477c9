from fastapi.testclient import TestClient

from ailingva.core.config import Settings
from ailingva.main import create_app


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not_configured"}


def test_health_reports_redis_when_configured(settings: Settings) -> None:
    with TestClient(
        create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"}))
    ) as client:
        assert client.get("/api/health").json()["redis"] == "ok"


def test_health_is_503_when_redis_is_down(settings: Settings) -> None:
    with TestClient(
        create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    ) as client:
        response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "error"}


def test_health_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    broken = settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    with TestClient(create_app(broken)) as client:
        response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
