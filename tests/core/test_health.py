from pathlib import Path

from fastapi.testclient import TestClient

from ailingva.core.config import Settings
from ailingva.main import create_app
from ailingva.providers.settings import ProviderSettings
from tests.conftest import wait_until


def test_health_reports_the_database_and_the_models(client: TestClient) -> None:
    wait_until(
        lambda: client.get("/api/health").json()["models"] == "ready",
        timeout=10,
        what="the (fake) models to be ready",
    )
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not_configured",
        "models": "ready",
    }


def test_health_says_when_the_models_failed_to_load(settings: Settings, tmp_path: Path) -> None:
    missing = ProviderSettings(models_dir=tmp_path)  # local engines, nothing pulled
    with TestClient(create_app(settings, missing)) as client:
        wait_until(
            lambda: client.get("/api/health").json()["models"] == "error",
            timeout=10,
            what="the warm-up to fail",
        )
        assert client.get("/api/health").status_code == 200  # the app itself still serves


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
    assert response.json()["status"] == "degraded"
    assert (response.json()["database"], response.json()["redis"]) == ("ok", "error")


def test_health_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    broken = settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    with TestClient(create_app(broken)) as client:
        response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
