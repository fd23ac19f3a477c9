"""`GET /api/health`: is the database (and Redis, when configured) reachable; are the models
loaded."""

import logging
from typing import Literal

import redis
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import Engine, text

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])

Check = Literal["ok", "error", "not_configured"]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Check
    redis: Check
    # The speech and language models load in the background after start-up.
    models: Literal["loading", "ready", "error"]


def _database(engine: Engine) -> Check:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        log.warning("health: database unreachable", exc_info=True)
        return "error"
    return "ok"


def _redis(url: str | None) -> Check:
    if not url:
        return "not_configured"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError:
        log.warning("health: redis unreachable", exc_info=True)
        return "error"
    return "ok"


@router.get("/api/health", responses={503: {"model": Health}})
def health(request: Request, response: Response) -> Health:
    """200 when everything configured answers, 503 (same body) when something does not."""
    database = _database(request.app.state.engine)
    redis_state = _redis(request.app.state.settings.redis_url)
    healthy = database == "ok" and redis_state != "error"
    if not healthy:
        response.status_code = 503
    return Health(
        status="ok" if healthy else "degraded",
        database=database,
        redis=redis_state,
        models=request.app.state.providers.state,
    )
