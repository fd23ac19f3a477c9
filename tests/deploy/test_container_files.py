"""The Dockerfile and compose.yaml parse, run what the README says, and set only settings that
`.env.example` documents (and the app reads)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from dockerfile_parse import DockerfileParser

from ailingva.core.config import PROJECT_ROOT, Settings
from ailingva.providers.settings import ProviderSettings

# Read by `ailingva serve` (HOST, PORT, WORKERS, LOG_LEVEL) rather than by the settings classes.
SERVE_VARIABLES = {"HOST", "PORT", "WORKERS", "LOG_LEVEL"}
# compose.yaml's own: the PostgreSQL password and the published port.
COMPOSE_VARIABLES = {"POSTGRES_PASSWORD", "APP_PORT"}
# The container's plumbing, not AIlingva's settings.
IMAGE_PLUMBING = {"PATH", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK"}
APP_SERVICES = ("migrate", "app", "worker", "llm")


@cache
def documented() -> frozenset[str]:
    """Every NAME= in .env.example, commented out or not."""
    text = (PROJECT_ROOT / ".env.example").read_text()
    return frozenset(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def app_settings() -> set[str]:
    fields = {*Settings.model_fields, *ProviderSettings.model_fields}
    return {name.upper() for name in fields} | SERVE_VARIABLES


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    return loaded


def dockerfile() -> DockerfileParser:
    return DockerfileParser(str(PROJECT_ROOT / "Dockerfile"))


def final_stage(parser: DockerfileParser) -> list[dict[str, Any]]:
    instructions: list[dict[str, Any]] = parser.structure
    last_from = max(i for i, ins in enumerate(instructions) if ins["instruction"] == "FROM")
    return instructions[last_from:]


def test_every_documented_setting_is_one_the_app_reads() -> None:
    assert documented() - app_settings() - COMPOSE_VARIABLES == set()


def test_the_image_builds_from_the_official_bases_in_stages() -> None:
    bases = [ins["value"] for ins in dockerfile().structure if ins["instruction"] == "FROM"]
    assert bases == ["node:20-slim AS web", "python:3.11-slim AS python-build", "python:3.11-slim"]


def test_the_image_sets_only_documented_settings() -> None:
    names = set(dockerfile().envs) - IMAGE_PLUMBING
    assert names, "the runtime stage sets no settings"
    assert names - documented() == set()
    assert names - app_settings() == set()


def test_the_image_runs_the_app_as_a_user_with_a_health_check() -> None:
    stage = {ins["instruction"]: ins["value"] for ins in final_stage(dockerfile())}
    assert stage["USER"].split(":")[0] not in ("root", "0")
    assert "/api/health" in stage["HEALTHCHECK"]
    assert stage["CMD"].startswith('["ailingva", "serve"')
    assert stage["VOLUME"] == '["/data"]'
    # llama.cpp compiled without AMX, as the Makefile does.
    compile_step = next(i["value"] for i in dockerfile().structure if "pip wheel" in i["value"])
    assert "NO_AMX" in compile_step
    assert "-mno-amx-tile" in dockerfile().content


def test_compose_runs_the_app_the_worker_postgresql_and_redis() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["app"]["command"][:2] == ["ailingva", "serve"]
    assert services["worker"]["command"] == ["ailingva", "worker"]
    assert services["migrate"]["command"] == ["ailingva", "migrate"]
    assert "model-server" in services["llm"]["profiles"]
    assert "llama_cpp.server" in " ".join(services["llm"]["command"])
    for name in APP_SERVICES:
        service = services[name]
        assert service["image"] == services["app"]["image"] and service["build"] == "."
        assert service["env_file"] == ".env"
        assert "data:/data" in service["volumes"]
    assert set(compose()["volumes"]) == {"data", "postgres", "redis"}


def test_compose_sets_only_documented_settings() -> None:
    services = compose()["services"]
    names = {name for service in APP_SERVICES for name in services[service]["environment"]}
    assert {"DATABASE_URL", "REDIS_URL", "WORKERS"} <= names
    assert names - documented() == set()
    assert names - app_settings() == set()
    interpolated = set(
        re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (PROJECT_ROOT / "compose.yaml").read_text())
    )
    assert interpolated - documented() == set()
