"""`WS /ws/voice`: the live voice lesson (protocol: docs/voice-protocol.md)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket, status
from sqlmodel import Session

from ailingva.auth import service as auth_service
from ailingva.auth.models import SESSION_COOKIE
from ailingva.core.config import Settings
from ailingva.core.csrf import origin_allowed
from ailingva.core.db import in_session, utcnow
from ailingva.tutor.conversation import Student
from ailingva.voice.session import VoiceConfig, VoiceSession

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
    student = await _authenticate(websocket, settings)
    if student is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
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
    await session.run()


async def _authenticate(websocket: WebSocket, settings: Settings) -> Student | None:
    header = websocket.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    token = token or websocket.query_params.get("access_token")
    cookie = websocket.cookies.get(SESSION_COOKIE)

    def resolve(db: Session) -> Student | None:
        auth = auth_service.identify(db, settings, bearer=token, cookie=cookie, now=utcnow())
        if auth is None or auth.user.id is None:
            return None
        return Student(auth.user.id, auth.user.email)

    return await in_session(websocket.app.state.engine, resolve)
