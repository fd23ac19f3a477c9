"""One live voice lesson over a WebSocket: the STREAMING pipeline (docs/voice-protocol.md).

The receive loop feeds microphone frames to the turn detector. At a short pause the answer is
started speculatively (speech-to-text, grammar, the model, speech) with its output held back;
if the student goes on, it is dropped; once the turn is the tutor's, the held output goes out
and the rest streams (answer.py). Speech while the tutor talks interrupts it (barge-in), and the
stored reply is cut to what the student heard. The database is touched in short sessions off
the event loop; the wallet is charged per started minute by the meter (meter.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from contextlib import aclosing
from functools import partial
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.websockets import WebSocket

from ailingva.billing.ledger import InsufficientFunds
from ailingva.core.db import utcnow
from ailingva.core.errors import AppError
from ailingva.lessons import service as lessons
from ailingva.providers.base import ProviderError
from ailingva.providers.registry import ProviderRegistry
from ailingva.tutor.conversation import (
    LessonOpened,
    Student,
    read_prompt,
    store_exchange,
)
from ailingva.tutor.pipeline import ReplyDone, Transcribed
from ailingva.tutor.prompt import PromptInput
from ailingva.tutor.service import used_providers
from ailingva.tutor.waiting import turn_in_line
from ailingva.voice import events
from ailingva.voice.answer import Answer
from ailingva.voice.config import VoiceConfig
from ailingva.voice.end_of_turn import EndOfTurn
from ailingva.voice.ending import DATABASE_AWAY, cancel, finish
from ailingva.voice.events import SessionEndReason, SessionError
from ailingva.voice.live import ENDINGS, EndReason
from ailingva.voice.meter import Meter
from ailingva.voice.partials import PartialTranscripts
from ailingva.voice.prompt import LessonPrompt
from ailingva.voice.protocol import (
    PROTOCOL_VERSION,
    ClientMessage,
    InterruptMessage,
    PingMessage,
    PlaybackMessage,
    ProtocolError,
    SettingsMessage,
    StartMessage,
    StopMessage,
    TextMessage,
    check_audio_frame,
)
from ailingva.voice.transport import CloseCode, Transport
from ailingva.voice.turns import (
    SAMPLE_RATE,
    FrameBuffer,
    TurnDetector,
    TurnSignal,
    sounds_unfinished,
)
from ailingva.worker.queue import JobQueue

log = logging.getLogger(__name__)


class VoiceSession:
    """The loop of one session: messages from the transport drive turn-taking and answers."""

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
        self.transport = Transport(
            websocket,
            idle_seconds=config.idle_seconds,
            max_messages_per_second=config.max_messages_per_second,
            max_protocol_errors=config.max_protocol_errors,
        )
        self.meter = Meter(
            engine,
            self.transport,
            user_id=student.user_id,
            minute_seconds=config.minute_seconds,
            grace_seconds=config.charge_grace_seconds,
        )
        self.engine = engine
        self.registry = registry
        self.jobs = jobs
        self.student = student
        self.config = config
        self.detector = TurnDetector(config.timing)
        self.end_of_turn = EndOfTurn(registry.current.settings)
        self.frames = FrameBuffer()
        self.lesson: LessonOpened | None = None
        self.speak = True
        self.turn: Answer | None = None
        self.turn_count = 0
        self.carry_audio = b""  # an utterance the student went on with after the turn was taken
        self.heard: tuple[int, Transcribed] | None = None  # its start, transcribed (Answer.heard)
        self.last_voiced_at = 0.0
        self.prompt: LessonPrompt | None = None  # once the lesson is open
        self.partials = PartialTranscripts(
            registry, self.transport, every_ms=config.tuning.partial_every_ms
        )
        self.background: set[asyncio.Task[Any]] = set()
        self.settling = False  # the session is ending: no more work ahead of the next turn
        self.end_reason: SessionEndReason = "stopped"
        self.close_code = CloseCode.NORMAL
        self.failure: SessionError | None = None  # the session cannot go on: why, for the client
        self.receiver: asyncio.Task[None] | None = None  # once started

    # --- the loop ------------------------------------------------------------------------

    async def run(self) -> None:
        meter: asyncio.Task[None] | None = None
        try:
            if not await self._await_start():
                return
            receiver = self.receiver = asyncio.create_task(self._receive_loop())
            meter = asyncio.create_task(
                self.meter.run(
                    partial(self._balance_exhausted, receiver),
                    partial(self._database_away, receiver),
                )
            )
            try:
                await receiver
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    self.end_reason = "server_shutdown"
                    raise  # the server is stopping, not the meter
            except Exception:
                log.exception("voice session of user %s failed", self.student.user_id)
                self._fail(events.SERVER_ERROR, CloseCode.SERVER_ERROR)
        finally:
            await finish(self, meter)

    def _balance_exhausted(self, receiver: asyncio.Task[None]) -> None:
        self.end_reason = "balance_exhausted"
        self.close_code = CloseCode.BALANCE
        receiver.cancel()

    def _database_away(self, receiver: asyncio.Task[None]) -> None:
        """A minute could not be charged for the grace period: the session ends (try again
        later), and is settled once the database is back."""
        self._fail(DATABASE_AWAY, CloseCode.TRY_AGAIN)
        receiver.cancel()

    def end(self, reason: EndReason) -> None:
        """An admin's order (the account blocked, its sign-ins ended): the session ends as
        one the wallet ran out on does, settled, and the client is told why."""
        error, close_code = ENDINGS[reason]
        self._fail(error, close_code)
        if self.receiver is not None:
            self.receiver.cancel()
        else:  # not started yet: nothing to settle
            self._in_background(
                self.transport.close_with_error(error.code, error.message, close_code)
            )

    def _fail(self, error: SessionError, close_code: CloseCode) -> None:
        if self.failure is None:
            self.failure, self.close_code = error, close_code

    async def _await_start(self) -> bool:
        while (message := await self._next_message()) is not None:
            if isinstance(message, StartMessage):
                return await self._start(message)
            if isinstance(message, bytes):
                await self.transport.error("audio_before_start", "Сначала отправьте start.")
            else:
                await self.transport.error("not_started", "Сначала отправьте start.")
        return False

    async def _start(self, message: StartMessage) -> bool:
        if message.protocol != PROTOCOL_VERSION:
            await self.transport.close_with_error(
                "unsupported_protocol",
                f"Версия протокола {message.protocol} не поддерживается.",
                CloseCode.PROTOCOL,
            )
            return False
        self.speak = message.speak

        def open_lesson(db: Session) -> tuple[int, tuple[LessonOpened, PromptInput]]:
            lesson = lessons.open_lesson(db, self.student.user_id, message.lesson_id, now=utcnow())
            assert lesson.id is not None
            opened = LessonOpened(lesson.id, lesson.number)
            return lesson.id, (opened, read_prompt(db, self.student, lesson.id))

        try:
            # A lesson of the student's left idle is ended, not joined.
            await lessons.end_idle_lessons(self.engine, self.jobs, user_id=self.student.user_id)
            # The first minute is paid in the lesson's own transaction: a start refused for
            # money leaves no lesson behind.
            (self.lesson, prompt), view = await self.meter.open(open_lesson)
        except InsufficientFunds as exc:
            self.end_reason = "balance_exhausted"
            await self.transport.close_with_error(exc.code, exc.message, CloseCode.BALANCE)
            return False
        except AppError as exc:
            await self.transport.close_with_error(exc.code, exc.message, CloseCode.PROTOCOL)
            return False
        self.prompt = LessonPrompt(
            self.engine, self.registry, self.student, self.lesson.lesson_id, prompt
        )
        # While the student gets ready to speak, the model reads the lesson's fixed prompt.
        self._in_background(self.prompt.prefill_start())
        self._in_background(self.end_of_turn.warm_up())
        await self.transport.send(
            events.SessionStarted(
                protocol=PROTOCOL_VERSION,
                lesson_id=self.lesson.lesson_id,
                lesson_number=self.lesson.number,
                sample_rate=SAMPLE_RATE,
                balance_kopecks=view.balance_kopecks,
                minutes_left=view.minutes_left,
                price_per_minute_kopecks=view.price_per_minute_kopecks,
            )
        )
        await self.meter.warn_if_low(view)
        return True

    async def _receive_loop(self) -> None:
        while (message := await self._next_message()) is not None:
            if isinstance(message, bytes):
                await self._on_audio(message)
            elif isinstance(message, StopMessage):
                self.end_reason = "stopped"
                return
            else:
                await self._on_message(message)

    async def _next_message(self) -> bytes | ClientMessage | None:
        message = await self.transport.next_message()
        if message is None and self.transport.ended_by is not None:
            self.end_reason = self.transport.ended_by
            if self.end_reason == "idle":
                self.close_code = CloseCode.IDLE
        return message

    async def _on_message(self, message: ClientMessage) -> None:
        if isinstance(message, StartMessage):
            await self.transport.error("already_started", "Сессия уже начата.")
        elif isinstance(message, TextMessage):
            if self.turn is not None and self.turn.committed.is_set():
                await self.transport.error(
                    "busy", "Репетитор ещё отвечает: подождите или перебейте его."
                )
                return
            await self._drop_speculation()
            typed = Answer(self.transport, None, time.perf_counter(), text=message.text)
            typed.number = self._next_turn()
            self._take_turn(typed)
        elif isinstance(message, PlaybackMessage):
            if self.turn is not None:
                self.turn.heard_until(message.played_ms)
        elif isinstance(message, InterruptMessage):
            await self._interrupt()
        elif isinstance(message, SettingsMessage):
            if message.speak is not None:
                self.speak = message.speak
        elif isinstance(message, PingMessage):
            await self.transport.send(events.PONG)

    # --- audio and turn-taking -----------------------------------------------------------

    async def _on_audio(self, data: bytes) -> None:
        try:
            check_audio_frame(data)
        except ProtocolError as exc:
            await self.transport.protocol_error(exc)
            return
        for frame in self.frames.push(data):
            await self._on_frame(frame)

    async def _on_frame(self, frame: bytes) -> None:
        signals = self.detector.feed(frame)
        if self.detector.speaking and self.detector.silence_ms == 0:
            self.last_voiced_at = time.perf_counter()
        turn = self.turn
        answering = turn is not None and turn.committed.is_set() and not turn.finished
        if answering and self.detector.speaking:
            if self.detector.voiced_recently_ms() >= self.config.timing.barge_in_voiced_ms:
                await self.transport.send(events.SpeechStarted())
                await self._interrupt()
            return
        for signal in signals:
            if signal == TurnSignal.SPEECH_STARTED:
                await self.transport.send(events.SpeechStarted())
                if self.prompt is not None:
                    # The lesson's history and the brain's memory, while the student speaks.
                    self.prompt.read_again()
            elif signal == TurnSignal.PAUSED:
                self._speculate()
            elif signal == TurnSignal.RESUMED:
                await self._drop_speculation()
            elif signal == TurnSignal.TURN_ENDED:
                await self._commit_turn()
        if self.detector.speaking and self.detector.silence_ms == 0 and self.prompt is not None:
            self.partials.hear(self.prompt, self._utterance_ms(), self._utterance)

    def _utterance(self) -> bytes:
        return self.carry_audio + self.detector.utterance()

    def _utterance_ms(self) -> int:
        return len(self.carry_audio) // 2 * 1000 // SAMPLE_RATE + self.detector.utterance_ms

    def _speculate(self) -> None:
        self.partials.drop()
        turn = Answer(self.transport, self._utterance(), self.last_voiced_at, heard=self.heard)
        self._take_turn(turn)

    async def _drop_speculation(self) -> None:
        turn = self.turn
        if turn is not None and not turn.committed.is_set():
            self.turn = None
            await cancel(turn.task)

    async def _commit_turn(self) -> None:
        audio_ms = self._utterance_ms()
        turn = self.turn
        if turn is None or turn.committed.is_set():
            turn = Answer(self.transport, self._utterance(), self.last_voiced_at, heard=self.heard)
            self._take_turn(turn)
        self.heard = None
        self.detector.reset()
        self.partials.drop()
        self.partials.heard_ms = 0
        self.carry_audio = b""
        turn.number = self._next_turn()
        await self.transport.send(events.SpeechStopped(audio_ms=audio_ms))
        await turn.release()

    def _take_turn(self, turn: Answer) -> None:
        turn.task = asyncio.create_task(self._answer(turn))
        self.turn = turn
        if turn.text is not None:
            turn.committed.set()

    def _next_turn(self) -> int:
        self.turn_count += 1
        return self.turn_count

    # --- answering -----------------------------------------------------------------------

    async def _answer(self, turn: Answer) -> None:
        assert self.prompt is not None
        providers = self.registry.current
        turn.providers = used_providers(providers, heard=turn.audio is not None, speak=self.speak)
        try:
            said = turn.said()
            if isinstance(said, str):
                await turn.emit(events.TurnTranscript(text=said))
            # Closed however the task ends (a barge-in cancels it): its place in line goes too.
            turn_events = turn_in_line(providers, self.prompt.latest, said, speak=self.speak)
            async with aclosing(turn_events) as answer:
                async for event in answer:
                    if isinstance(event, Transcribed) and not turn.committed.is_set():
                        self.detector.unfinished = sounds_unfinished(event.text)
                        # Judged once the words are known (it would only slow speech-to-text).
                        self.end_of_turn.judge(self.detector, turn.audio or b"", turn.timings)
                        if self.config.tuning.tail_transcripts and turn.audio is not None:
                            self.heard = (len(turn.audio), event)  # what a later pause may reuse
                    await turn.follow(event)
                    if isinstance(event, Transcribed) and not event.text:
                        await turn.committed.wait()
                        self._turn_over(turn)
                    elif isinstance(event, ReplyDone):
                        await turn.committed.wait()
                        await turn.until_played()
                        turn.finished = True
                        await self._store(turn, reply=event.reply, interrupted=False)
        except ProviderError as exc:
            log.warning("voice turn failed: %s", exc)
            await turn.committed.wait()
            await turn.emit(events.TUTOR_UNAVAILABLE)
            self._turn_over(turn)
        except Exception:
            # Not stored (the database failed): the student is told, and the session goes on.
            log.exception("voice turn of user %s failed", self.student.user_id)
            await turn.committed.wait()
            await turn.emit(events.TURN_LOST)
            self._turn_over(turn)

    async def _interrupt(self) -> None:
        """Barge-in: stop the model and the speech; keep only what the student heard."""
        turn = self.turn
        if turn is None or not turn.committed.is_set() or turn.finished:
            return
        self.turn = None
        await cancel(turn.task)
        if turn.first_audio_at is None and turn.audio is not None:
            # Nothing was said yet: the student is still talking; hear it all as one turn.
            self.carry_audio = turn.audio
            return
        played = turn.played_text()
        await self.transport.send(events.ReplyInterrupted(turn=turn.number, played_text=played))
        if turn.text:
            self._in_background(self._store(turn, reply=played, interrupted=True))

    def _turn_over(self, turn: Answer) -> None:
        if self.turn is turn:
            self.turn = None

    async def _store(self, turn: Answer, *, reply: str, interrupted: bool) -> None:
        assert self.lesson is not None and turn.text is not None
        self._turn_over(turn)
        exchange = turn.exchange(reply, interrupted=interrupted)
        stored = await store_exchange(self.engine, self.jobs, self.student, self.lesson, exchange)
        assert self.prompt is not None
        self.prompt.read_again()  # the next turn's history includes this one
        # The model reads it while the student thinks: the next prompt differs from the last
        # one where the reply was cut short, and every HISTORY_STEP turns (history_start).
        if not self.settling:
            self._in_background(self.prompt.prefill_start())
        await self.transport.send(
            events.TurnCompleted(
                turn=turn.number,
                lesson_id=stored.lesson_id,
                student_turn_id=stored.student_turn_id,
                tutor_turn_id=stored.tutor_turn_id,
                reply=reply,
                interrupted=interrupted,
                timings=turn.timings,
            )
        )

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
