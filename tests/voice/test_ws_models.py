"""`/ws/voice` on the real local engines: Piper speaks a learner's sentence, Whisper hears it,
the grammar engine corrects it, SmolLM2 answers and Piper speaks the answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import local_providers, register
from tests.voice.conftest import piper_speech
from tests.voice.test_ws import receive_until, speak

pytestmark = pytest.mark.models

SENTENCE = "My brother have two cats."


@pytest.fixture
def local_client(settings: Settings, models_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings, local_providers(models_dir))) as client:
        yield client


def test_a_spoken_learner_sentence_is_heard_corrected_and_answered_aloud(
    local_client: TestClient, models_dir: Path
) -> None:
    register(local_client)
    utterance = piper_speech(models_dir, SENTENCE)
    with local_client.websocket_connect("/ws/voice") as ws:
        ws.send_json({"type": "start"})
        receive_until(ws, "session_started")
        speak(ws, utterance)
        events: list[dict[str, Any]] = []
        audio = bytearray()
        while True:
            message = ws.receive()
            if message.get("bytes") is not None:
                audio += message["bytes"]
                continue
            event = json.loads(message["text"])
            events.append(event)
            if event["type"] == "reply_done":
                break
        ws.send_json({"type": "playback", "played_ms": 600_000})
        completed = receive_until(ws, "turn_completed")

    transcript = next(e for e in events if e["type"] == "transcript")["text"]
    assert transcript.lower().strip(" .") == SENTENCE.lower().strip(" .")
    corrections = next(e for e in events if e["type"] == "corrections")["corrections"]
    assert any(c["original"] == "have" and c["correction"] == "has" for c in corrections)
    assert completed["reply"]
    samples = np.frombuffer(bytes(audio), dtype="<i2").astype(np.float32) / 32768
    sample_rate = next(e for e in events if e["type"] == "reply_sentence")["sample_rate"]
    assert len(samples) / sample_rate > 0.5  # real seconds of speech
    assert float(np.sqrt(np.mean(samples**2))) > 0.02  # not silence
    assert completed["timings"]["end_to_first_audio"] > 0
