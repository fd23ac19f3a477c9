"""The application: API routers, the built single-page app, and shared state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from cryptography.fernet import InvalidToken
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ailingva.admin import service as admin_service
from ailingva.admin.analytics import router as admin_analytics_router
from ailingva.admin.audit import router as admin_audit_router
from ailingva.admin.endpoints import router as admin_router
from ailingva.admin.jobs import router as admin_jobs_router
from ailingva.admin.lessons import router as admin_lessons_router
from ailingva.admin.monitor import router as admin_monitor_router
from ailingva.admin.rules import router as admin_rules_router
from ailingva.admin.users import router as admin_users_router
from ailingva.api.deps import ReadOrWrite
from ailingva.api.health import router as health_router
from ailingva.auth.endpoints import router as auth_router
from ailingva.auth.reset_mailer import ResetMailer
from ailingva.billing.admin_endpoints import router as admin_billing_router
from ailingva.billing.confirmations import PaymentConfirmations
from ailingva.billing.endpoints import router as billing_router
from ailingva.core.app_settings import get_setting
from ailingva.core.config import Settings, get_settings
from ailingva.core.csrf import CrossSiteRequestGuard
from ailingva.core.db import in_session, make_engine, session_scope
from ailingva.core.errors import (
    ErrorCode,
    document_error_shape,
    error_response,
    install_error_handlers,
)
from ailingva.core.headers import SecurityHeaders
from ailingva.core.mail import Mailer
from ailingva.core.ratelimit import AttemptLimiter
from ailingva.core.redaction import install_log_redaction
from ailingva.core.security import SecretBox
from ailingva.grammar.checker import get_checker
from ailingva.jobs import JOBS, PERIODIC
from ailingva.lessons.endpoints import router as lessons_router
from ailingva.progress.endpoints import router as progress_router
from ailingva.providers.base import ProviderError
from ailingva.providers.local.pull import LoggedProgress, ModelPullError, models_in_use, pull_models
from ailingva.providers.registry import ProviderRegistry
from ailingva.providers.settings import ProviderSettings
from ailingva.signup.endpoints import router as signup_router
from ailingva.tutor.endpoints import router as tutor_router
from ailingva.voice.config import VoiceConfig
from ailingva.voice.endpoints import document_messages
from ailingva.voice.endpoints import router as voice_router
from ailingva.voice.live import LiveSessions
from ailingva.voice.monitor import Monitor
from ailingva.worker.queue import build_job_queue

log = logging.getLogger(__name__)

# Paths that never fall back to index.html: a missing API route or asset is a real 404.
NO_FALLBACK_PREFIXES = ("api/", "ws/", "assets/")
# How often each app process looks whether an admin changed the providers through another one.
PROVIDER_SETTINGS_POLL_SECONDS = 2.0


def create_app(
    settings: Settings | None = None, provider_settings: ProviderSettings | None = None
) -> FastAPI:
    settings = settings or get_settings()
    install_log_redaction()
    engine = make_engine(settings.database_url)
    secret_box = SecretBox(settings.secret_key, settings.previous_secret_keys)
    jobs = build_job_queue(settings, engine, JOBS, PERIODIC)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        registry = _provider_registry(engine, secret_box, provider_settings or ProviderSettings())
        app.state.providers = registry
        # Models load in the background: the app answers (health, pages) while they do, and
        # the first turn waits only for what is still loading.
        warm_up = asyncio.create_task(_warm_up(registry, pull=settings.pull_models))
        warm_up.add_done_callback(_log_warm_up_failure)
        follow = asyncio.create_task(_follow_provider_settings(engine, secret_box, registry))
        await jobs.start()
        await app.state.live_sessions.start()
        await app.state.monitor.start()
        yield
        follow.cancel()
        await app.state.monitor.aclose()
        await app.state.live_sessions.aclose()
        await app.state.payment_confirmations.aclose()
        await app.state.reset_mailer.aclose()
        await jobs.aclose()
        warm_up.cancel()
        await registry.aclose()
        engine.dispose()

    app = FastAPI(
        title="AIlingva",
        version="0.1.0",
        summary="Voice-first English tutor for Russian-speaking students",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.limiter = AttemptLimiter(settings.redis_url)
    app.state.secret_box = secret_box
    app.state.jobs = jobs
    app.state.payment_confirmations = PaymentConfirmations(engine, settings)
    app.state.reset_mailer = ResetMailer(engine, settings, Mailer(settings))
    app.state.voice_config = VoiceConfig()
    app.state.live_sessions = LiveSessions(settings.redis_url)
    app.state.monitor = Monitor(settings.redis_url)

    install_error_handlers(app)
    document_error_shape(app)
    document_messages(app)
    app.add_middleware(ReadOrWrite)
    app.add_middleware(CrossSiteRequestGuard, allowed_origins=settings.allowed_origins)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    # Outermost, so CORS and CSRF refusals carry the headers too.
    app.add_middleware(
        SecurityHeaders,
        docs_paths=(app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url),
    )
    for router in (
        health_router,
        signup_router,
        auth_router,
        billing_router,
        tutor_router,
        lessons_router,
        voice_router,
        progress_router,
        admin_router,
        admin_users_router,
        admin_audit_router,
        admin_billing_router,
        admin_jobs_router,
        admin_analytics_router,
        admin_monitor_router,
        admin_lessons_router,
        admin_rules_router,
    ):
        app.include_router(router)
    _mount_frontend(app, settings.frontend_dist)
    return app


def _provider_registry(engine: Engine, box: SecretBox, base: ProviderSettings) -> ProviderRegistry:
    """The providers the environment asks for, with the admin's stored choices on top. Stored
    choices that cannot be read (database down) or no longer build (a key unreadable after a
    SECRET_KEY change without PREVIOUS_SECRET_KEYS) are set aside with a warning rather than
    keeping the app down."""
    try:
        with session_scope(engine) as db:
            stamp = get_setting(db, admin_service.STAMP_KEY)
            overrides = admin_service.provider_overrides(db, box)
        return ProviderRegistry(base, overrides, version=stamp)
    except (ProviderError, ValueError, InvalidToken, SQLAlchemyError) as exc:
        log.warning("stored provider settings ignored: %s", type(exc).__name__)
        return ProviderRegistry(base)


async def _follow_provider_settings(
    engine: Engine, box: SecretBox, registry: ProviderRegistry
) -> None:
    """Take up provider settings an admin changed through another app process, within
    PROVIDER_SETTINGS_POLL_SECONDS (the admin's own process swaps at once)."""
    while True:
        await asyncio.sleep(PROVIDER_SETTINGS_POLL_SECONDS)
        try:
            await in_session(engine, lambda db: admin_service.catch_up(db, box, registry))
        except SQLAlchemyError as exc:
            log.warning("provider settings not checked: %s", type(exc).__name__)


async def _warm_up(registry: ProviderRegistry, *, pull: bool) -> None:
    if pull:
        # First start of a container: the models volume is empty. The app answers meanwhile
        # (health says "models": "loading"; a turn gets a clear model_missing error).
        in_force = registry.current.settings
        try:
            await asyncio.to_thread(
                pull_models, models_in_use(in_force), in_force.models_dir, LoggedProgress(log)
            )
        except ModelPullError:
            registry.state = "error"
            raise
    await asyncio.to_thread(get_checker)  # spaCy loads in ~2 s: not on the first turn
    await registry.warm_up()


def _log_warm_up_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("loading the providers failed (turns will report it): %s", exc)


def _mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA at `/`: a GET that no API route answers gets the file of that name
    from the build, or index.html (the client's router takes it from there)."""
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.exception_handler(404)
    def spa_or_not_found(request: Request, _: Exception) -> Response:
        path = request.url.path.lstrip("/")
        if request.method != "GET" or f"{path}/".startswith(NO_FALLBACK_PREFIXES):
            return error_response(ErrorCode.NOT_FOUND, "Не найдено.", 404)
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(
            "<h1>AIlingva</h1><p>The web app is not built yet: run <code>make run</code>.</p>",
            status_code=503,
        )
