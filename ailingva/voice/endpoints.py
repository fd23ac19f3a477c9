"""`WS /ws/voice`: the live voice lesson (protocol: docs/voice-protocol.md)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, FastAPI, WebSocket, status
from pydantic import TypeAdapter
from sqlmodel import Session

from ailingva.auth import service as auth_service
from ailingva.auth.models import SESSION_COOKIE
from ailingva.core.config import Settings
from ailingva.core.csrf import origin_allowed
from ailingva.core.db import in_session, utcnow
from ailingva.tutor.conversation import Student
from ailingva.users.service import display_name
from ailingva.voice.config import VoiceConfig
from ailingva.voice.events import ServerEvent
from ailingva.voice.live import LiveSessions
from ailingva.voice.protocol import ClientMessage
from ailingva.voice.session import VoiceSession
from ailingva.voice.watch import SessionWatch

router = APIRouter()


@router.websocket("/ws/voice")
async def voice(websocket: WebSocket) -> None:
    state = websocket.app.state
    settings: Settings = state.settings
    # A browser always sends Origin on a WebSocket handshake; another site's page must not
    # ride on the student's cookie.
    if not origin_allowed(websocket.headers, websocket.scope, settings.allowed_origins):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    signed_in = await _authenticate(websocket, settings)
    if signed_in is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    student, name = signed_in
    await websocket.accept()
    config: VoiceConfig = state.voice_config
    session = VoiceSession(
        websocket,
        engine=state.engine,
        registry=state.providers,
        jobs=state.jobs,
        student=student,
        config=config,
    )
    live: LiveSessions = state.live_sessions
    watch = SessionWatch(state.monitor, user_id=student.user_id, name=name, email=student.email)
    session.transport.on_send = watch.saw
    with live.serving(student.user_id, session):
        try:
            await session.run()
        finally:
            watch.close()


async def _authenticate(websocket: WebSocket, settings: Settings) -> tuple[Student, str] | None:
    """The student, and their name (for the admin's monitor)."""
    header = websocket.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    token = token or websocket.query_params.get("access_token")
    cookie = websocket.cookies.get(SESSION_COOKIE)

    def resolve(db: Session) -> tuple[Student, str] | None:
        auth = auth_service.identify(db, settings, bearer=token, cookie=cookie, now=utcnow())
        if auth is None or (user_id := auth.user.id) is None:
            return None
        email = auth.user.email
        return Student(user_id, email), display_name(db, user_id, email=email)

    return await in_session(websocket.app.state.engine, resolve)


def document_messages(app: FastAPI) -> None:
    """Put the socket's messages in the OpenAPI document's components (it has no WebSockets),
    so the front end's types for them are generated like the API's (`ServerEvent`,
    `ClientMessage` and one schema per message)."""
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = default_openapi()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        union: Any
        mode: Literal["serialization", "validation"]
        for name, union, mode in (
            ("ServerEvent", ServerEvent, "serialization"),
            ("ClientMessage", ClientMessage, "validation"),
        ):
            messages = TypeAdapter(union).json_schema(
                mode=mode, ref_template="#/components/schemas/{model}"
            )
            for part, part_schema in messages.pop("$defs").items():
                schemas.setdefault(part, part_schema)
            schemas[name] = {"title": name, **messages}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
