"""The built web app is served at `/`, client routes fall back to index.html, the API stays JSON."""

from pathlib import Path

from fastapi.testclient import TestClient

from ailingva.core.config import Settings
from ailingva.main import create_app


def _dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root>AIlingva app</div>")
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    (dist / "favicon.svg").write_text("<svg/>")
    return dist


def test_spa_routes_assets_and_api(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"frontend_dist": _dist(tmp_path)}))
    with TestClient(app) as client:
        for path in ("/", "/student", "/admin/users", "/login"):
            response = client.get(path)
            assert response.status_code == 200 and "AIlingva app" in response.text, path
        assert client.get("/assets/app.js").text == "console.log('hi')"
        assert client.get("/favicon.svg").text == "<svg/>"
        assert client.get("/assets/missing.js").status_code == 404
        for escape in ("/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/assets/../../x"):
            assert "[project]" not in client.get(escape).text
        api = client.get("/api/unknown")
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
        assert client.post("/student").json()["error"]["code"] == "not_found"


def test_without_a_build_the_page_says_how_to_build(client: TestClient) -> None:
    response = client.get("/student")
    assert response.status_code == 503 and "make run" in response.text
