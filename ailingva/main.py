"""The application: API routers, the built single-page app, and shared state."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from ailingva.admin.endpoints import router as admin_router
from ailingva.api.health import router as health_router
from ailingva.auth.endpoints import router as auth_router
from ailingva.billing.endpoints import admin_router as admin_billing_router
from ailingva.billing.endpoints import router as billing_router
from ailingva.core.config import Settings, get_settings
from ailingva.core.csrf import CrossSiteRequestGuard
from ailingva.core.db import make_engine
from ailingva.core.errors import (
    ErrorCode,
    document_error_shape,
    error_response,
    install_error_handlers,
)
from ailingva.core.ratelimit import AttemptLimiter

log = logging.getLogger(__name__)

# Paths that never fall back to index.html: a missing API route or asset is a real 404.
NO_FALLBACK_PREFIXES = ("api/", "ws/", "assets/")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
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

    install_error_handlers(app)
    document_error_shape(app)
    app.add_middleware(CrossSiteRequestGuard, allowed_origins=settings.allowed_origins)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    for router in (health_router, auth_router, billing_router, admin_router, admin_billing_router):
        app.include_router(router)
    _mount_frontend(app, settings.frontend_dist)
    return app


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
