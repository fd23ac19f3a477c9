"""One voice session as the monitor shows it, kept from what the session sends its student:
what the student sees is what the session is doing (a held answer is not "speaking" yet).

listening: the student's turn; thinking: the turn is over and the answer not out yet;
speaking: the answer goes out (text or audio) until the student heard it, or cut in.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from pydantic import BaseModel

from ailingva.core.db import utcnow
from ailingva.voice import events
from ailingva.voice.monitor import EventKind, LiveSession, Monitor, MonitorEvent

log = logging.getLogger(__name__)

# The turn failed and the session goes on: the student's turn again.
TURN_FAILED = frozenset({events.TUTOR_UNAVAILABLE.code, events.TURN_LOST.code})

Change = tuple[EventKind, dict[str, Any]]


class SessionWatch:
    def __init__(self, monitor: Monitor, *, user_id: int, name: str, email: str) -> None:
        self.monitor = monitor
        self.session = LiveSession(
            id=uuid.uuid4().hex, user_id=user_id, name=name, email=email, since=utcnow()
        )
        self.opened = False

    def saw(self, item: BaseModel | bytes) -> None:
        """What the session sent; never raises into it."""
        try:
            change = self._change(item)
            if change is not None:
                self._publish(*change)
        except Exception:
            log.exception("monitor: session %s not followed", self.session.id)

    def close(self) -> None:
        if self.opened:
            self.opened = False
            self._publish("closed", {})

    def _change(self, item: BaseModel | bytes) -> Change | None:
        state = self.session.state
        if isinstance(item, events.SessionStarted):
            self.opened = True
            return "opened", {
                "lesson_id": item.lesson_id,
                "state": "listening",
                "minutes_charged": 1,
            }
        if not self.opened:
            return None
        if isinstance(item, bytes | events.ReplyText):
            return ("state", {"state": "speaking"}) if state == "thinking" else None
        if isinstance(item, events.SpeechStopped):
            return "state", {"state": "thinking"}
        if isinstance(item, events.TurnTranscript):
            if not item.text:  # nothing was heard: the student's turn still
                return "state", {"state": "listening"}
            return ("state", {"state": "thinking"}) if state == "listening" else None
        if isinstance(item, events.TurnCompleted):
            update: dict[str, Any] = {"turns": self.session.turns + 1, "last_turn": item.timings}
            if not item.interrupted:  # a cut turn is stored while the next one may be under way
                update["state"] = "listening"
            return "turn", update
        if isinstance(item, events.ReplyInterrupted):
            return "state", {"state": "listening"}
        if isinstance(item, events.SessionError) and item.code in TURN_FAILED:
            return "state", {"state": "listening"}
        if isinstance(item, events.BalanceCharged):
            return "minutes", {"minutes_charged": item.minutes_charged}
        return None

    def _publish(self, kind: EventKind, update: dict[str, Any]) -> None:
        update["version"] = self.session.version + 1
        self.session = self.session.model_copy(update=update)
        self.monitor.record(MonitorEvent(kind=kind, session=self.session))
