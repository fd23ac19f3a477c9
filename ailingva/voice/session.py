"""One live voice lesson over a WebSocket: the STREAMING pipeline (docs/voice-protocol.md).

The receive loop feeds microphone frames to the turn detector. At a short pause the answer is
started speculatively (speech-to-text, grammar, the model, speech) with its output held back;
if the student goes on, it is dropped; once the turn is the tutor's, the held output goes out
and the rest streams. Speech while the tutor talks interrupts it (barge-in), and the stored
reply is cut to what the student heard. The database is touched in short sessions off the
event loop; the wallet is charged per started minute by a meter task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from sqlalchemy import Engine
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ailingva.billing import service as billing_service
from ailingva.billing.ledger import InsufficientFunds
from ailingva.core.db import in_session, utcnow
from ailingva.core.errors import AppError
from ailingva.grammar.findings import Finding
from ailingva.lessons.schemas import Correction
from ailingva.lessons.service import finish_lesson
from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import ProviderError
from ailingva.providers.registry import ProviderRegistry
from ailingva.tutor.conversation import (
    LessonOpened,
    Student,
    prepare_turn,
    read_prompt,
    store_exchange,
)
from ailingva.tutor.pipeline import (
    CorrectionsFound,
    ReplyAudio,
    ReplyDelta,
    ReplyDone,
    SpeechFailed,
    tutor_turn,
)
from ailingva.tutor.prompt import PromptInput, build_messages
from ailingva.voice.protocol import (
    PROTOCOL_VERSION,
    ClientMessage,
    Interrupt,
    Ping,
    Playback,
    ProtocolError,
    SettingsChange,
    Start,
    Stop,
    Text,
    check_audio_frame,
    parse_message,
)
from ailingva.voice.turns import SAMPLE_RATE, FrameBuffer, TurnDetector, TurnSignal, TurnTiming
from ailingva.voice.turns import sounds_unfinished as _sounds_unfinished
from ailingva.worker.queue import JobQueue

log = logging.getLogger(__name__)

UNAVAILABLE = "Репетитор сейчас недоступен. Попробуйте ещё раз."
# A client that does not report playback is taken to have heard the reply once its length
# (plus this) has passed since the first audio went out.
PLAYBACK_GRACE_SECONDS = 0.5
PLAYBACK_SLACK_MS = 60
FLOOD_BURST_SECONDS = 3


class CloseCode:
    NORMAL = 1000
    SERVER_ERROR = 1011
    PROTOCOL = 4400
    BALANCE = 4402
    IDLE = 4408
    FLOOD = 4429


@dataclass(frozen=True)
class VoiceConfig:
    timing: TurnTiming = field(default_factory=TurnTiming)
    minute_seconds: float = 60.0  # a billed minute (tests shorten it)
    idle_seconds: float = 300.0
    max_messages_per_second: int = 100
    max_protocol_errors: int = 20
    # While the student speaks, the words so far every this much speech (0: never).
    partial_every_ms: int = 1000


@dataclass
class Turn:
    """One student utterance and the tutor's answer to it."""

    number: int
    audio: bytes | None  # None for a typed turn
    end_of_speech: float  # perf_counter of the last voiced frame (or of the typed message)
    committed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    held: list[dict[str, Any] | bytes] = field(default_factory=list)
    text: str | None = None
    findings: tuple[Finding, ...] = ()
    prompt_text: str | None = None
    reply_parts: list[str] = field(default_factory=list)
    sentences: list[tuple[str, float]] = field(default_factory=list)  # (text, audio ms)
    played_ms: int | None = None
    playback: asyncio.Event = field(default_factory=asyncio.Event)
    first_audio_at: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    finished: bool = False

    def played_text(self) -> str:
        """What the student got: with speech, the whole sentences heard and the heard share of
        the one cut; without speech, the text shown so far."""
        if not self.sentences:
            return "".join(self.reply_parts).strip()
        if self.played_ms is None:
            return ""
        heard: list[str] = []
        left = float(self.played_ms)
        for text, ms in self.sentences:
            if left >= ms:
                heard.append(text)
                left -= ms
                continue
            words = text.split()
            share = int(len(words) * left / ms) if ms else 0
            if share:
                heard.append(" ".join(words[:share]) + "…")
            break
        return " ".join(heard)


class VoiceSession:
    def __init__(
        self,
        websocket: WebSocket,
        *,
        engine: Engine,
        registry: ProviderRegistry,
        jobs: JobQueue,
        student: Student,
        config: VoiceConfig,
    ) -> None:
        self.ws = websocket
        self.engine = engine
        self.registry = registry
        self.jobs = jobs
        self.student = student
        self.config = config
        self.detector = TurnDetector(config.timing)
        self.frames = FrameBuffer()
        self.lesson: LessonOpened | None = None
        self.speak = True
        self.turn: Turn | None = None
        self.turn_count = 0
        self.carry_audio = b""  # an utterance the student went on with after the turn was taken
        self.last_voiced_at = 0.0
        self.prompt_task: asyncio.Task[PromptInput] | None = None
        self.partial: asyncio.Task[None] | None = None
        self.partial_at_ms = 0  # how much of the utterance the last partial transcript heard
        self.usage_id: int | None = None
        self.started_at = 0.0
        self.minutes_charged = 0
        self.warned_low_balance = False
        self.background: set[asyncio.Task[Any]] = set()
        self.protocol_errors = 0
        self.flood_tokens = float(config.max_messages_per_second * FLOOD_BURST_SECONDS)
        self.flood_checked = time.monotonic()
        self.closed = False
        self.settling = False  # the session is ending: no more work ahead of the next turn
        self.end_reason = "stopped"
        self.close_code = CloseCode.NORMAL

    # --- the loop ------------------------------------------------------------------------

    async def run(self) -> None:
        meter: asyncio.Task[None] | None = None
        try:
            if not await self._await_start():
                return
            receiver = asyncio.create_task(self._receive_loop())
            meter = asyncio.create_task(self._meter(receiver))
            try:
                await receiver
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # the server is stopping, not the meter
        finally:
            if meter is not None:
                meter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await meter
            await self._finish()

    async def _await_start(self) -> bool:
        while (message := await self._next_message()) is not None:
            if isinstance(message, Start):
                return await self._start(message)
            if isinstance(message, bytes):
                await self._error("audio_before_start", "Сначала отправьте start.")
            else:
                await self._error("not_started", "Сначала отправьте start.")
        return False

    async def _start(self, message: Start) -> bool:
        if message.protocol != PROTOCOL_VERSION:
            await self._close_with_error(
                "unsupported_protocol",
                f"Версия протокола {message.protocol} не поддерживается.",
                CloseCode.PROTOCOL,
            )
            return False
        self.speak = message.speak
        try:
            self.lesson, prompt = await prepare_turn(self.engine, self.student, message.lesson_id)
            lesson = self.lesson

            def open_meter(db: Any) -> tuple[int, billing_service.BalanceView]:
                usage, view = billing_service.start_metering(
                    db, user_id=self.student.user_id, lesson_id=lesson.lesson_id, now=utcnow()
                )
                assert usage.id is not None
                return usage.id, view

            self.usage_id, view = await in_session(self.engine, open_meter)
        except InsufficientFunds as exc:
            self.end_reason = "balance_exhausted"
            await self._close_with_error(exc.code, exc.message, CloseCode.BALANCE)
            return False
        except AppError as exc:
            await self._close_with_error(exc.code, exc.message, CloseCode.PROTOCOL)
            return False
        self.started_at = time.monotonic()
        self.minutes_charged = 1
        self.prompt_task = _ready(prompt)
        # While the student gets ready to speak, the model reads the lesson's fixed prompt.
        self._in_background(self._prefill())
        await self._send(
            {
                "type": "session_started",
                "protocol": PROTOCOL_VERSION,
                "lesson_id": self.lesson.lesson_id,
                "lesson_number": self.lesson.number,
                "sample_rate": SAMPLE_RATE,
                "balance_kopecks": view.balance_kopecks,
                "minutes_left": view.minutes_left,
                "price_per_minute_kopecks": view.price_per_minute_kopecks,
            }
        )
        await self._warn_if_low(view)
        return True

    async def _receive_loop(self) -> None:
        while (message := await self._next_message()) is not None:
            if isinstance(message, bytes):
                await self._on_audio(message)
            elif isinstance(message, Stop):
                self.end_reason = "stopped"
                return
            else:
                await self._on_message(message)

    async def _next_message(self) -> bytes | ClientMessage | None:
        """The next audio frame or well-formed message; a malformed one is answered with an
        error event and skipped. None when the session is over."""
        while not self.closed:
            message = await self._receive()
            if message is None or isinstance(message, bytes):
                return message
            try:
                return parse_message(message)
            except ProtocolError as exc:
                await self._protocol_error(exc)
        return None

    async def _receive(self) -> str | bytes | None:
        """The next message; None when the client left or the session must end."""
        try:
            message = await asyncio.wait_for(self.ws.receive(), self.config.idle_seconds)
        except TimeoutError:
            self.end_reason = "idle"
            await self._close_with_error("idle", "Сессия закрыта: долго не было звука.", 4408)
            return None
        if message["type"] == "websocket.disconnect":
            self.closed = True
            self.end_reason = "disconnected"
            return None
        if self._flooding():
            self.end_reason = "flood"
            await self._close_with_error(
                "flood", "Слишком много сообщений: соединение закрыто.", CloseCode.FLOOD
            )
            return None
        data: bytes | None = message.get("bytes")
        if data is not None:
            return data
        text: str = message.get("text") or ""
        return text

    def _flooding(self) -> bool:
        """A token bucket: a steady 50 frames a second pass, and so does the burst a client
        sends after a network or server stall; a client firing far faster does not."""
        now = time.monotonic()
        rate = self.config.max_messages_per_second
        self.flood_tokens = min(
            rate * FLOOD_BURST_SECONDS, self.flood_tokens + (now - self.flood_checked) * rate
        )
        self.flood_checked = now
        self.flood_tokens -= 1
        return self.flood_tokens < 0

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, Start):
            await self._error("already_started", "Сессия уже начата.")
        elif isinstance(message, Text):
            if self.turn is not None and self.turn.committed.is_set():
                await self._error("busy", "Репетитор ещё отвечает: подождите или перебейте его.")
                return
            await self._drop_speculation()
            self._take_turn(Turn(self._next_turn(), None, time.perf_counter()), text=message.text)
        elif isinstance(message, Playback):
            if self.turn is not None:
                self.turn.played_ms = message.played_ms
                self.turn.playback.set()
        elif isinstance(message, Interrupt):
            await self._interrupt()
        elif isinstance(message, SettingsChange):
            if message.speak is not None:
                self.speak = message.speak
        elif isinstance(message, Ping):
            await self._send({"type": "pong"})

    # --- audio and turn-taking -----------------------------------------------------------

    async def _on_audio(self, data: bytes) -> None:
        try:
            check_audio_frame(data)
        except ProtocolError as exc:
            await self._protocol_error(exc)
            return
        for frame in self.frames.push(data):
            await self._on_frame(frame)

    async def _on_frame(self, frame: bytes) -> None:
        events = self.detector.feed(frame)
        if self.detector.speaking and self.detector.silence_ms == 0:
            self.last_voiced_at = time.perf_counter()
        turn = self.turn
        answering = turn is not None and turn.committed.is_set() and not turn.finished
        if answering and self.detector.speaking:
            if self.detector.voiced_recently_ms() >= self.config.timing.barge_in_voiced_ms:
                await self._send({"type": "speech_started"})
                await self._interrupt()
            return
        for event in events:
            if event == TurnSignal.SPEECH_STARTED:
                await self._send({"type": "speech_started"})
                self._prefetch_prompt()
            elif event == TurnSignal.PAUSED:
                self._speculate()
            elif event == TurnSignal.RESUMED:
                await self._drop_speculation()
            elif event == TurnSignal.TURN_ENDED:
                await self._commit_turn()
        if self.detector.speaking and self.detector.silence_ms == 0:
            self._transcribe_so_far()

    def _utterance(self) -> bytes:
        return self.carry_audio + self.detector.utterance()

    def _utterance_ms(self) -> int:
        return len(self.carry_audio) // 2 * 1000 // SAMPLE_RATE + self.detector.utterance_ms

    def _transcribe_so_far(self) -> None:
        """Every `partial_every_ms` of speech, one at a time: the words so far (with speech-to-text
        on this machine)."""
        every = self.config.partial_every_ms
        if not every or (self.partial is not None and not self.partial.done()):
            return
        if not self.registry.current.stt.capabilities.local:
            return  # a cloud service bills each call: no previews
        heard_ms = self._utterance_ms()  # checked every voiced frame: no copy of the audio
        if heard_ms >= self.partial_at_ms + every:
            self.partial_at_ms = heard_ms
            self.partial = asyncio.create_task(self._partial(self._utterance()))

    async def _partial(self, audio: bytes) -> None:
        """Show the student the words so far, and have the model read them: the final prompt
        then starts with what it has read, and only the rest is new to it."""
        providers = self.registry.current
        try:
            heard = await providers.stt.transcribe(pcm16_to_float(audio), "en")
            text = heard.text.strip()[:1000]
            if not text:
                return
            await self._send({"type": "transcript_partial", "text": text})
            await providers.llm.prefill(build_messages(await self._prompt(), text, ()))
        except ProviderError as exc:  # only a preview: the final transcription will say
            log.info("partial transcript failed: %s", exc)

    def _stop_partial(self) -> None:
        """The answer needs the engines now; a partial still running is dropped."""
        if self.partial is not None:
            self.partial.cancel()

    def _speculate(self) -> None:
        self._stop_partial()
        turn = Turn(0, self._utterance(), self.last_voiced_at)
        turn.task = asyncio.create_task(self._answer(turn))
        self.turn = turn

    async def _drop_speculation(self) -> None:
        turn = self.turn
        if turn is not None and not turn.committed.is_set():
            self.turn = None
            await _cancel(turn.task)

    async def _commit_turn(self) -> None:
        audio_ms = self._utterance_ms()
        turn = self.turn
        if turn is None or turn.committed.is_set():
            turn = Turn(0, self._utterance(), self.last_voiced_at)
            self._take_turn(turn)
        self.detector.reset()
        self._stop_partial()
        self.partial_at_ms = 0
        self.carry_audio = b""
        turn.number = self._next_turn()
        await self._send({"type": "speech_stopped", "audio_ms": audio_ms})
        await self._release(turn)

    def _take_turn(self, turn: Turn, *, text: str | None = None) -> None:
        turn.text = text
        turn.task = asyncio.create_task(self._answer(turn))
        self.turn = turn
        if text is not None:
            turn.committed.set()

    async def _release(self, turn: Turn) -> None:
        """The turn is the tutor's: what was prepared goes out now, the rest as it comes.
        What the answer makes while the held part is being sent joins the queue, so the order
        holds (no audio before its sentence); the turn is committed once the queue is empty."""
        while turn.held:
            held, turn.held = turn.held, []
            for item in held:
                await self._deliver(turn, item)
        turn.committed.set()

    def _next_turn(self) -> int:
        self.turn_count += 1
        return self.turn_count

    async def _prompt(self) -> PromptInput:
        """What the tutor's prompt needs, as last read. Shared by the answer, the partial
        transcripts and the prefill: one of them being dropped must not cancel the read."""
        assert self.prompt_task is not None
        return await asyncio.shield(self.prompt_task)

    def _prefetch_prompt(self) -> None:
        """Read the lesson's history and the brain's memory while the student is speaking."""
        if self.lesson is None:
            return
        read = partial(read_prompt, student=self.student, lesson_id=self.lesson.lesson_id)
        self.prompt_task = asyncio.create_task(in_session(self.engine, read))

    # --- answering -----------------------------------------------------------------------

    async def _answer(self, turn: Turn) -> None:
        providers = self.registry.current
        try:
            if turn.text is None:
                assert turn.audio is not None
                start = time.perf_counter()
                turn.timings["turn_detect"] = round((start - turn.end_of_speech) * 1000, 1)
                heard = await providers.stt.transcribe(pcm16_to_float(turn.audio), "en")
                turn.timings["stt"] = round((time.perf_counter() - start) * 1000, 1)
                turn.text = heard.text.strip()[:1000]
                if not turn.committed.is_set():
                    self.detector.unfinished = _sounds_unfinished(turn.text)
                if not turn.text:
                    await turn.committed.wait()
                    await self._emit(turn, {"type": "transcript", "turn": -1, "text": ""})
                    self._turn_over(turn)
                    return
            await self._emit(turn, {"type": "transcript", "turn": -1, "text": turn.text})
            prompt = await self._prompt()
            async for event in tutor_turn(providers, prompt, turn.text, speak=self.speak):
                await self._on_turn_event(turn, event)
        except ProviderError as exc:
            log.warning("voice turn failed: %s", exc)
            await turn.committed.wait()
            await self._emit(
                turn,
                {
                    "type": "error",
                    "code": "tutor_unavailable",
                    "message": UNAVAILABLE,
                    "fatal": False,
                },
            )
            self._turn_over(turn)

    async def _on_turn_event(self, turn: Turn, event: Any) -> None:
        if isinstance(event, CorrectionsFound):
            turn.findings, turn.prompt_text = event.findings, event.prompt_text
            corrections = [
                Correction.model_validate(f).model_dump(mode="json") for f in event.findings
            ]
            await self._emit(turn, {"type": "corrections", "turn": -1, "corrections": corrections})
        elif isinstance(event, ReplyDelta):
            turn.reply_parts.append(event.text)
            await self._emit(turn, {"type": "reply_delta", "turn": -1, "text": event.text})
        elif isinstance(event, ReplyAudio):
            if event.sentence >= len(turn.sentences):
                turn.sentences.append((event.text, 0.0))
                await self._emit(
                    turn,
                    {
                        "type": "reply_sentence",
                        "turn": -1,
                        "sentence": event.sentence,
                        "text": event.text,
                        "sample_rate": event.chunk.sample_rate,
                    },
                )
            text, ms = turn.sentences[-1]
            turn.sentences[-1] = (text, ms + event.chunk.duration * 1000)
            await self._emit(turn, event.chunk.pcm)
        elif isinstance(event, SpeechFailed):
            await self._emit(
                turn,
                {
                    "type": "error",
                    "code": str(event.error.code),
                    "message": "Не удалось озвучить ответ.",
                    "fatal": False,
                },
            )
        elif isinstance(event, ReplyDone):
            turn.timings.update(event.timings)
            await self._emit(turn, {"type": "reply_done", "turn": -1})
            await turn.committed.wait()
            await self._until_played(turn)
            turn.finished = True
            await self._store(turn, reply=event.reply, interrupted=False)

    async def _until_played(self, turn: Turn) -> None:
        """The reply counts as heard when the client says it played it all, or (a client that
        does not report playback) once its length has passed. Until then, speech interrupts."""
        total_ms = sum(ms for _, ms in turn.sentences)
        if not total_ms or turn.first_audio_at is None:
            return
        deadline = turn.first_audio_at + total_ms / 1000 + PLAYBACK_GRACE_SECONDS
        while (turn.played_ms or 0) < total_ms - PLAYBACK_SLACK_MS:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            turn.playback.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(turn.playback.wait(), remaining)

    async def _emit(self, turn: Turn, item: dict[str, Any] | bytes) -> None:
        """Send now if the turn is the tutor's, else hold until it is."""
        if not turn.committed.is_set():
            turn.held.append(item)
            return
        await self._deliver(turn, item)

    async def _deliver(self, turn: Turn, item: dict[str, Any] | bytes) -> None:
        if isinstance(item, bytes):
            if turn.first_audio_at is None:
                turn.first_audio_at = time.perf_counter()
                turn.timings["end_to_first_audio"] = round(
                    (time.perf_counter() - turn.end_of_speech) * 1000, 1
                )
            await self._send_bytes(item)
            return
        if item.get("turn") == -1:
            item = {**item, "turn": turn.number}
        await self._send(item)

    async def _interrupt(self) -> None:
        """Barge-in: stop the model and the speech; keep only what the student heard."""
        turn = self.turn
        if turn is None or not turn.committed.is_set() or turn.finished:
            return
        self.turn = None
        await _cancel(turn.task)
        if turn.first_audio_at is None and turn.audio is not None:
            # Nothing was said yet: the student is still talking; hear it all as one turn.
            self.carry_audio = turn.audio
            return
        played = turn.played_text()
        await self._send({"type": "reply_interrupted", "turn": turn.number, "played_text": played})
        if turn.text:
            self._in_background(self._store(turn, reply=played, interrupted=True))

    def _turn_over(self, turn: Turn) -> None:
        if self.turn is turn:
            self.turn = None

    async def _store(self, turn: Turn, *, reply: str, interrupted: bool) -> None:
        assert self.lesson is not None and turn.text is not None
        self._turn_over(turn)
        audio_ms = None if turn.audio is None else len(turn.audio) // 2 * 1000 // SAMPLE_RATE
        stored = await store_exchange(
            self.engine,
            self.jobs,
            self.student,
            self.lesson,
            student_text=turn.text,
            findings=turn.findings,
            reply=reply,
            timings=turn.timings,
            prompt_text=turn.prompt_text,
            student_audio_ms=audio_ms,
            reply_audio_ms=round(sum(ms for _, ms in turn.sentences)) or None,
            interrupted=interrupted,
        )
        self._prefetch_prompt()  # the next turn's history includes this one
        # The model reads it while the student thinks: the next prompt differs from the last
        # one where the reply was cut short, and every HISTORY_STEP turns (history_start).
        if not self.settling:
            self._in_background(self._prefill())
        await self._send(
            {
                "type": "turn_completed",
                "turn": turn.number,
                "lesson_id": stored.lesson_id,
                "student_turn_id": stored.student_turn_id,
                "tutor_turn_id": stored.tutor_turn_id,
                "reply": reply,
                "interrupted": interrupted,
                "timings": turn.timings,
            }
        )

    # --- billing -------------------------------------------------------------------------

    async def _meter(self, receiver: asyncio.Task[None]) -> None:
        """Charge each started minute when it starts; warn before the money runs out, and
        end the session (stop the receiver) when a minute cannot be paid."""
        assert self.usage_id is not None
        usage_id = self.usage_id
        while True:
            next_start = self.started_at + self.minutes_charged * self.config.minute_seconds
            await asyncio.sleep(max(0.0, next_start - time.monotonic()))
            minute = self.minutes_charged + 1
            try:
                view = await in_session(
                    self.engine,
                    partial(billing_service.meter_minute, usage_id=usage_id, minute=minute),
                )
            except InsufficientFunds:
                self.end_reason = "balance_exhausted"
                self.close_code = CloseCode.BALANCE
                receiver.cancel()
                return
            self.minutes_charged = minute
            await self._send(
                {
                    "type": "balance",
                    "balance_kopecks": view.balance_kopecks,
                    "minutes_left": view.minutes_left,
                    "minutes_charged": minute,
                }
            )
            await self._warn_if_low(view)

    async def _warn_if_low(self, view: billing_service.BalanceView) -> None:
        """Once a session: the wallet pays for about one more minute."""
        if view.low_balance and not self.warned_low_balance:
            self.warned_low_balance = True
            await self._send({"type": "low_balance", "minutes_left": view.minutes_left})

    # --- the end -------------------------------------------------------------------------

    async def _finish(self) -> None:
        """Whatever ended the session: the turn in progress is settled, the meter closed, the
        lesson ended (its summary follows), and the client told why. Shielded: a server
        cancelling the handler after the client left must not leave money or turns half-done."""
        with anyio.CancelScope(shield=True):
            await self._settle()

    async def _settle(self) -> None:
        self.settling = True
        turn = self.turn
        if turn is not None and turn.finished and turn.task is not None:
            await asyncio.gather(turn.task, return_exceptions=True)  # it is storing the turn
        elif turn is not None and turn.committed.is_set():
            await _cancel(turn.task)
            if turn.text:
                self._in_background(self._store(turn, reply=turn.played_text(), interrupted=True))
        elif turn is not None:
            await _cancel(turn.task)
        await _cancel(self.partial)
        if self.prompt_task is not None:
            await _cancel(self.prompt_task)
        if self.background:
            await asyncio.gather(*self.background, return_exceptions=True)
        amount = 0
        if self.usage_id is not None:
            usage_id = self.usage_id

            def close(db: Any) -> int:
                return billing_service.stop_metering(db, usage_id, now=utcnow()).amount_kopecks

            amount = await in_session(self.engine, close)
        if self.lesson is not None:
            await finish_lesson(self.engine, self.jobs, self.student.user_id, self.lesson.lesson_id)
        await self._send(
            {
                "type": "session_ended",
                "reason": self.end_reason,
                "minutes_charged": self.minutes_charged,
                "amount_kopecks": amount,
            }
        )
        await self._close(self.close_code)

    async def _prefill(self) -> None:
        """Have the model read the prompt's start (the lesson's fixed part and its history)."""
        messages = build_messages(await self._prompt(), "Hello!", ())
        try:
            await self.registry.current.llm.prefill(messages)
        except ProviderError as exc:  # the first turn will say so, if it persists
            log.info("prefill failed: %s", exc)

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    # --- sending -------------------------------------------------------------------------

    async def _send(self, event: dict[str, Any]) -> None:
        await self._safely(self.ws.send_json, event)

    async def _send_bytes(self, data: bytes) -> None:
        await self._safely(self.ws.send_bytes, data)

    async def _safely(self, send: Callable[[Any], Awaitable[None]], payload: Any) -> None:
        if self.closed:
            return
        try:
            await send(payload)
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.closed = True

    async def _error(self, code: str, message: str, *, fatal: bool = False) -> None:
        await self._send({"type": "error", "code": code, "message": message, "fatal": fatal})

    async def _protocol_error(self, exc: ProtocolError) -> None:
        self.protocol_errors += 1
        if self.protocol_errors > self.config.max_protocol_errors:
            await self._close_with_error(
                "too_many_errors", "Слишком много ошибок протокола.", CloseCode.PROTOCOL
            )
            return
        await self._error(exc.code, exc.message)

    async def _close_with_error(self, code: str, message: str, close_code: int) -> None:
        await self._error(code, message, fatal=True)
        await self._close(close_code)

    async def _close(self, code: int) -> None:
        if self.closed:
            return
        self.closed = True
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                await self.ws.close(code)


def _ready(value: PromptInput) -> asyncio.Task[PromptInput]:
    async def done() -> PromptInput:
        return value

    return asyncio.ensure_future(done())


async def _cancel(task: asyncio.Task[Any] | None) -> None:
    if task is None or task.done():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
