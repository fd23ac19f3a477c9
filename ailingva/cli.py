"""The `ailingva` command."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
import uvicorn.config
from alembic.config import Config as AlembicConfig

from ailingva.core.config import PROJECT_ROOT, get_settings
from ailingva.providers.models_cli import models_app

SHUTDOWN_GRACE_SECONDS = 15
WORKER_HEALTHCHECK_SECONDS = 60

app = typer.Typer(help="AIlingva: a voice-first English tutor.", no_args_is_help=True)
app.add_typer(models_app, name="models", help="Offline models: list and pull (verified).")


def _alembic_config() -> AlembicConfig:
    return AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))


@app.command()
def migrate(revision: str = "head") -> None:
    """Upgrade the database (DATABASE_URL) to REVISION (default: the newest)."""
    from alembic import command

    command.upgrade(_alembic_config(), revision)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            envvar="WORKERS",
            min=1,
            help="App processes behind the one port; they share the database and Redis.",
        ),
    ] = 1,
    migrate_first: Annotated[
        bool,
        typer.Option(
            "--migrate",
            help="Upgrade the database first (one app machine; with several, run "
            "`ailingva migrate` once instead).",
        ),
    ] = False,
    reload: bool = False,
) -> None:
    """Serve the API, the WebSocket and the web app."""
    if reload and workers > 1:
        raise typer.BadParameter("--reload runs one process: leave out --workers")
    # Read here, before any worker starts: in development this makes the SECRET_KEY that every
    # worker then reads from data/secret_key, so they all sign and open the same sessions.
    settings = get_settings()
    if migrate_first:
        migrate()
    typer.echo(
        f"AIlingva: open http://{host}:{port}  (database: {_redact(settings.database_url)}, "
        f"{workers} process{'es' if workers > 1 else ''})"
    )
    level = os.environ.get("LOG_LEVEL", "info").upper()
    uvicorn.run(
        "ailingva.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn restarts a worker that does not answer its supervisor in time. Its default
        # of 5 s kills workers still starting on a busy machine, over and over (seen here under
        # a load of 25 on 2 cores); a minute still replaces a hung one.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        # An admin's open monitor (an event stream) never ends on its own: a stop waits this
        # long for the requests in flight, then ends them.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        reload=reload,
        proxy_headers=True,
        log_level=level.lower(),
        log_config=_log_config(level),
    )


def _log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, with the app's own messages (model pulls, provider swaps) beside its."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["ailingva"] = {"handlers": ["default"], "level": level, "propagate": False}
    return config


@app.command()
def worker() -> None:
    """Run background jobs from Redis (REDIS_URL); without it `serve` runs them itself."""
    from ailingva.jobs import JOBS, PERIODIC
    from ailingva.worker.queue import run_worker

    settings = get_settings()
    if not settings.redis_url:
        typer.echo("REDIS_URL is not set: `ailingva serve` runs the jobs in-process.", err=True)
        raise typer.Exit(1)
    typer.echo(f"AIlingva worker: jobs from {_redact(settings.redis_url)}")
    run_worker(settings, JOBS, PERIODIC)


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create an admin account, or make an existing account an admin."""
    from ailingva.auth.schemas import NewCredentials
    from ailingva.core.db import make_engine, session_scope
    from ailingva.core.errors import AppError
    from ailingva.signup.service import ensure_admin

    try:
        NewCredentials(email=email, password=password)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine) as db:
            user = ensure_admin(db, email=email, password=password)
            typer.echo(f"admin ready: {user.email}")
    except AppError as exc:
        typer.echo(f"error: {exc.message} ({exc.code})", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


@app.command()
def openapi(out: Path | None = None) -> None:
    """Print (or write to OUT) the API's OpenAPI schema, the source of the typed web client."""
    from ailingva.main import create_app

    schema = json.dumps(create_app().openapi(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(schema, nl=False)
    else:
        out.write_text(schema)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
