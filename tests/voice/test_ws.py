"""`/ws/voice` with deterministic providers: a whole turn, barge-in, bad input, billing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from ailingva.billing.models import UsageSession, UsageStatus
from ailingva.billing.rules import BillingRules, put_rules
from ailingva.lessons.models import Lesson, LessonStatus, LessonTurn, Pipeline
from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import (
    AudioInput,
    Capabilities,
    ChatMessage,
    ProviderError,
    ProviderErrorCode,
    Transcript,
)
from ailingva.providers.fake import FAKE_REPLY, FAKE_TRANSCRIPT, FakeLLM, FakeSTT
from ailingva.voice.turns import FRAME_BYTES
from tests.conftest import register, wait_until
from tests.voice.conftest import chunks, silence, spoken

REPLY = "".join(FAKE_REPLY)
STREAMING = LessonTurn.pipeline == Pipeline.STREAMING
UTTERANCE = spoken("Yesterday I goed to the park with my friend.")


def receive_until(
    ws: WebSocketTestSession, wanted: str, seen: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """JSON events up to and including the first of type `wanted` (binary audio skipped)."""
    for _ in range(10_000):
        message = ws.receive()
        if message["type"] == "websocket.close":
            raise AssertionError(f"closed ({message.get('code')}) before {wanted}: {seen}")
        if message.get("text") is None:
            continue
        event: dict[str, Any] = json.loads(message["text"])
        if seen is not None:
            seen.append(event)
        if event["type"] == wanted:
            return event
    raise AssertionError(f"no {wanted}")


def start(ws: WebSocketTestSession, **fields: Any) -> dict[str, Any]:
    ws.send_json({"type": "start", **fields})
    return receive_until(ws, "session_started")


def speak(ws: WebSocketTestSession, pcm: bytes = UTTERANCE, *, trailing: float = 2.0) -> None:
    for chunk in chunks(silence(0.3) + pcm + silence(trailing)):
        ws.send_bytes(chunk)


def test_a_whole_turn(client: TestClient, engine: Engine) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        started = start(ws)
        assert started["protocol"] == 1 and started["sample_rate"] == 16_000
        assert started["minutes_left"] == 59  # 60 trial minutes, the first one charged
        speak(ws)
        events: list[dict[str, Any]] = []
        receive_until(ws, "reply_done", events)
        ws.send_json({"type": "playback", "played_ms": 60_000})
        completed = receive_until(ws, "turn_completed", events)
        kinds = [e["type"] for e in events]
        stopped = kinds.index("speech_stopped")
        assert kinds[0] == "speech_started" and "transcript_partial" in kinds[1:stopped]
        transcript = next(e for e in events if e["type"] == "transcript")
        assert transcript == {"type": "transcript", "turn": 1, "text": FAKE_TRANSCRIPT}
        corrections = next(e for e in events if e["type"] == "corrections")["corrections"]
        assert any(c["original"] == "goed" and c["correction"] == "went" for c in corrections)
        assert "".join(e["text"] for e in events if e["type"] == "reply_delta") == REPLY
        assert [e["sentence"] for e in events if e["type"] == "reply_sentence"] == [0, 1, 2]
        assert completed["reply"] == REPLY and completed["interrupted"] is False
        assert {"stt", "grammar", "llm_first_token", "first_audio", "end_to_first_audio"} <= set(
            completed["timings"]
        )
        ws.send_json({"type": "stop"})
        ended = receive_until(ws, "session_ended")
        assert ended == {
            "type": "session_ended",
            "reason": "stopped",
            "minutes_charged": 1,
            "amount_kopecks": 500,
        }
    with Session(engine) as db:
        lesson = db.get(Lesson, started["lesson_id"])
        # Stopping the microphone leaves the lesson open: the student may type or speak on.
        assert lesson is not None and lesson.status == LessonStatus.ACTIVE
        turns = db.exec(
            select(LessonTurn).where(LessonTurn.lesson_id == lesson.id, STREAMING)
        ).all()
        assert sorted((t.seq, t.text) for t in turns) == [(1, FAKE_TRANSCRIPT), (2, REPLY)]
        student = next(t for t in turns if t.seq == 1)
        assert student.audio_ms and student.audio_ms > 2000


def test_binary_audio_follows_each_reply_sentence(client: TestClient) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        speak(ws)
        audio_bytes = 0
        sentence_seen = False
        while True:
            message = ws.receive()
            if message.get("bytes") is not None:
                assert sentence_seen, "audio before its reply_sentence"
                assert len(message["bytes"]) % 2 == 0
                audio_bytes += len(message["bytes"])
                continue
            event = json.loads(message["text"])
            sentence_seen = sentence_seen or event["type"] == "reply_sentence"
            if event["type"] == "reply_done":
                break
        assert audio_bytes > 16_000 * 2  # seconds of speech


def test_a_typed_turn_in_the_voice_session(client: TestClient) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws, speak=False)
        ws.send_json({"type": "text", "text": "I am agree with you."})
        events: list[dict[str, Any]] = []
        completed = receive_until(ws, "turn_completed", events)
        assert completed["reply"] == REPLY
        assert not any(e["type"] == "reply_sentence" for e in events)


def test_barge_in_stops_the_reply_and_keeps_what_was_heard(
    client: TestClient, engine: Engine
) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        speak(ws)
        receive_until(ws, "reply_done")
        # The speaker played the first sentence and a little of the second, then the student
        # started talking over the tutor.
        ws.send_json({"type": "playback", "played_ms": 1000})
        speak(ws, spoken("Wait, wait, I have a question."), trailing=0.2)
        events: list[dict[str, Any]] = []
        interrupted = receive_until(ws, "reply_interrupted", events)
        assert events[0]["type"] == "speech_started"
        assert interrupted["played_text"].startswith("Great job!")
        assert "What did you do there?" not in interrupted["played_text"]
        completed = receive_until(ws, "turn_completed")
        assert completed["interrupted"] is True
        assert completed["reply"] == interrupted["played_text"]
        lesson_id = completed["lesson_id"]
    with Session(engine) as db:
        tutor_turn = db.exec(
            select(LessonTurn).where(LessonTurn.lesson_id == lesson_id, LessonTurn.seq == 2)
        ).one()
        assert tutor_turn.interrupted and tutor_turn.text == interrupted["played_text"]


def test_an_explicit_interrupt(client: TestClient) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        speak(ws)
        receive_until(ws, "reply_sentence")
        ws.send_json({"type": "interrupt"})
        assert receive_until(ws, "reply_interrupted")["turn"] == 1
        assert receive_until(ws, "turn_completed")["interrupted"] is True


@pytest.mark.parametrize(
    ("send", "code"),
    [
        (lambda ws: ws.send_text("{not json"), "bad_json"),
        (lambda ws: ws.send_text("[1, 2]"), "bad_json"),
        (lambda ws: ws.send_json({"type": "dance"}), "unknown_message"),
        (lambda ws: ws.send_json({"no": "type"}), "unknown_message"),
        (lambda ws: ws.send_json({"type": "playback", "played_ms": -5}), "bad_message"),
        (lambda ws: ws.send_json({"type": "text", "text": ""}), "bad_message"),
        (lambda ws: ws.send_bytes(b"\x00" * 641), "bad_audio_frame"),
        (lambda ws: ws.send_bytes(b"\x00" * 64_000), "bad_audio_frame"),
        (lambda ws: ws.send_json({"type": "start"}), "already_started"),
    ],
)
def test_bad_input_gets_an_error_and_the_session_goes_on(
    client: TestClient, send: Callable[[WebSocketTestSession], None], code: str
) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        send(ws)
        error = receive_until(ws, "error")
        assert error["code"] == code and error["fatal"] is False and error["message"]
        ws.send_json({"type": "ping"})
        assert receive_until(ws, "pong") == {"type": "pong"}


def test_audio_before_start_is_an_error_not_a_crash(client: TestClient) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        ws.send_bytes(silence(0.02))
        assert receive_until(ws, "error")["code"] == "audio_before_start"
        assert start(ws)["lesson_number"] == 1


def test_a_flood_closes_the_socket_with_a_clear_code(client: TestClient) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        for _ in range(1000):  # far past 100 a second, and past a 3-second burst
            ws.send_json({"type": "ping"})
        error = receive_until(ws, "error")
        assert error["code"] == "flood" and error["fatal"] is True
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(200):
                ws.receive_text()
        assert closed.value.code == 4429


def test_too_many_protocol_errors_close_the_socket(client: TestClient) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        for _ in range(21):
            ws.send_text("nope")
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                ws.receive_text()
        assert closed.value.code == 4400


def test_a_failing_model_is_an_error_event_and_the_session_survives(
    client: TestClient, app: FastAPI
) -> None:
    register(client)
    registry = app.state.providers
    error = ProviderError(ProviderErrorCode.UNAVAILABLE, "down", provider="fake:llm")
    registry.use(replace(registry.current, llm=FakeLLM(error=error)))
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        ws.send_json({"type": "text", "text": "Hello!"})
        error_event = receive_until(ws, "error")
        assert error_event["code"] == "tutor_unavailable" and error_event["fatal"] is False
        ws.send_json({"type": "ping"})
        receive_until(ws, "pong")


def test_disconnect_mid_turn_leaves_the_lesson_consistent(
    client: TestClient, engine: Engine
) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        lesson_id = start(ws)["lesson_id"]
        speak(ws)
        receive_until(ws, "reply_sentence")

    # The server finishes on its own after the client left: wait for it, with a deadline.
    def settled() -> bool:
        with Session(engine) as db:
            lesson = db.get(Lesson, lesson_id)
            usage = db.exec(select(UsageSession)).one()
            return (
                lesson is not None
                and lesson.status == LessonStatus.ACTIVE  # a reload comes back to it
                and usage.status == UsageStatus.CLOSED
            )

    wait_until(settled, timeout=10, what="the session to settle")
    with Session(engine) as db:
        turns = db.exec(
            select(LessonTurn).where(LessonTurn.lesson_id == lesson_id, STREAMING)
        ).all()
    # Both turns of the exchange, or neither: never a student turn without its answer.
    assert len(turns) in (0, 2)
    if turns:
        assert next(t for t in turns if t.seq == 2).interrupted


def test_unauthenticated_and_foreign_origin_handshakes_are_refused(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws/voice") as ws:
        ws.receive_text()
    register(client)
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/ws/voice", headers={"Origin": "https://evil.example"}) as ws,
    ):
        ws.receive_text()
    with client.websocket_connect("/ws/voice", headers={"Origin": "http://127.0.0.1:8000"}) as ws:
        assert start(ws)["lesson_number"] == 1


def test_a_bearer_token_signs_in(client: TestClient, make_client: Any) -> None:
    register(client)
    token = client.post("/api/auth/token").json()["access_token"]
    fresh = make_client()
    with fresh.websocket_connect(f"/ws/voice?access_token={token}") as ws:
        assert start(ws)["lesson_number"] == 1
    with (
        pytest.raises(WebSocketDisconnect),
        fresh.websocket_connect("/ws/voice?access_token=forged") as ws,
    ):
        ws.receive_text()


def test_a_session_that_outlives_its_balance_is_warned_closed_and_charged_exactly(
    client: TestClient, app: FastAPI, engine: Engine
) -> None:
    account = register(client)  # 60 trial minutes at 5 RUB = 300 RUB
    with Session(engine) as db:
        put_rules(db, BillingRules(price_per_minute_kopecks=15_000), updated_by_id=account.id)
        db.commit()  # now the trial pays for two minutes
    app.state.voice_config = replace(app.state.voice_config, minute_seconds=0.3)
    with client.websocket_connect("/ws/voice") as ws:
        started = start(ws)
        assert started["minutes_left"] == 1
        events: list[dict[str, Any]] = []
        ended = receive_until(ws, "session_ended", events)
        kinds = [e["type"] for e in events]
        assert kinds.index("low_balance") < kinds.index("session_ended")
        assert ended["reason"] == "balance_exhausted"
        assert ended["minutes_charged"] == 2 and ended["amount_kopecks"] == 30_000
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4402
    assert client.get("/api/billing/balance").json()["balance_kopecks"] == 0
    with Session(engine) as db:
        usage = db.exec(select(UsageSession)).one()
        assert (usage.minutes_charged, usage.amount_kopecks) == (2, 30_000)


def test_an_empty_wallet_cannot_start(client: TestClient, engine: Engine) -> None:
    account = register(client)
    with Session(engine) as db:
        put_rules(db, BillingRules(price_per_minute_kopecks=100_000), updated_by_id=account.id)
        db.commit()
    with client.websocket_connect("/ws/voice") as ws:
        ws.send_json({"type": "start"})
        error = receive_until(ws, "error")
        assert error["code"] == "insufficient_funds" and error["fatal"] is True
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4402


class GrowingSTT(FakeSTT):
    """Hears as many words of the transcript as the audio has half-seconds."""

    async def transcribe(self, audio: AudioInput, language: str | None = None) -> Transcript:
        seconds = len(pcm16_to_float(audio) if isinstance(audio, bytes) else audio) / 16_000
        words = FAKE_TRANSCRIPT.split()
        return Transcript(" ".join(words[: int(seconds * 2)]), "en")


class ReadingLLM(FakeLLM):
    """The fake model, remembering what it was given to read ahead."""

    def __init__(self) -> None:
        super().__init__()
        self.prefilled: list[list[ChatMessage]] = []

    async def prefill(self, messages: Sequence[ChatMessage]) -> None:
        self.prefilled.append(list(messages))


def reading_model(client: TestClient, app: FastAPI, **engines: object) -> ReadingLLM:
    """Sign a student in, with the reading fake model (and any other engines) in use."""
    register(client)
    llm = ReadingLLM()
    registry = app.state.providers
    registry.use(replace(registry.current, llm=llm, **engines))
    return llm


def test_the_words_so_far_are_shown_and_read_by_the_model_while_the_student_speaks(
    client: TestClient, app: FastAPI
) -> None:
    llm = reading_model(client, app, stt=GrowingSTT())
    first_half = len(UTTERANCE) // 2 // FRAME_BYTES * FRAME_BYTES
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        for chunk in chunks(silence(0.3) + UTTERANCE[:first_half]):
            ws.send_bytes(chunk)
        events: list[dict[str, Any]] = []
        first = receive_until(ws, "transcript_partial", events)["text"]
        # The model reads the words so far as the student's message, after the lesson's prompt.
        wait_until(
            lambda: [first] == [p[-1].content for p in llm.prefilled[1:]],
            timeout=10,
            what="the model to read the partial transcript",
        )
        assert llm.prefilled[1][0] == llm.prefilled[0][0]
        for chunk in chunks(UTTERANCE[first_half:] + silence(2.0)):
            ws.send_bytes(chunk)
        final = receive_until(ws, "transcript", events)["text"]
    kinds = [e["type"] for e in events]
    assert kinds.index("transcript_partial") < kinds.index("speech_stopped")
    # The partial is the start of what was said; the final transcript has it all.
    assert final.startswith(first) and len(first) < len(final)


def test_after_each_turn_the_model_reads_the_next_prompts_start(
    client: TestClient, app: FastAPI
) -> None:
    llm = reading_model(client, app)
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        ws.send_json({"type": "text", "text": "I like football."})
        receive_until(ws, "reply_done")
        ws.send_json({"type": "playback", "played_ms": 60_000})
        receive_until(ws, "turn_completed")

        def read_with_history() -> bool:
            return any(
                [m.content for m in p[-3:-1]] == ["I like football.", REPLY] for p in llm.prefilled
            )

        wait_until(read_with_history, timeout=10, what="the model to read the lesson so far")


class CloudSTT(GrowingSTT):
    capabilities = Capabilities(streaming=False, local=False)


def test_a_cloud_speech_service_is_not_asked_for_previews(client: TestClient, app: FastAPI) -> None:
    reading_model(client, app, stt=CloudSTT())
    with client.websocket_connect("/ws/voice") as ws:
        start(ws)
        speak(ws)
        events: list[dict[str, Any]] = []
        receive_until(ws, "transcript", events)
    assert "speech_stopped" in [e["type"] for e in events]
    assert "transcript_partial" not in [e["type"] for e in events]
