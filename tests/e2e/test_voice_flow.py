"""A student presses the microphone and speaks (Chromium's fake microphone plays Piper's
recording of a learner's sentence) to the app on the real local engines (Whisper, the grammar
engine, SmolLM2, Piper): the transcript and its correction appear, and the tutor's answer is
played."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Playwright, WebSocket, expect

from ailingva.providers.audio import pcm16_to_float, wav_bytes
from ailingva.providers.settings import ProviderSettings
from tests.conftest import local_providers
from tests.e2e.conftest import launch_with_microphone, register_in_browser, wait_in_page
from tests.voice.conftest import piper_speech, silence

pytestmark = pytest.mark.browser


SENTENCE = "My brother have two cats."


@pytest.fixture(scope="module")
def microphone_browser(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> Iterator[Browser]:
    # Leading silence: the file starts when getUserMedia opens, before the pipeline is ready.
    speech = silence(1.5) + piper_speech(models_dir, SENTENCE) + silence(4)
    wav = tmp_path_factory.mktemp("mic") / "speech.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(speech)))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


def test_the_student_speaks_and_hears_the_answer(
    microphone_browser: Browser, serve: Callable[[ProviderSettings], str], models_dir: Path
) -> None:
    live_server = serve(local_providers(models_dir))
    context = microphone_browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="ru-RU"
    )
    page: Page = context.new_page()
    sent_to_server: list[str | bytes] = []
    mic_energy: list[float] = []

    def watch(socket: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            sent_to_server.append(payload)
            if isinstance(payload, bytes) and len(payload) % 2 == 0:
                samples = np.frombuffer(payload, dtype="<i2").astype(np.float32) / 32768
                mic_energy.append(float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0)

        socket.on("framesent", on_frame)

    page.on("websocket", watch)
    register_in_browser(page, f"{live_server}/register")
    expect(page).to_have_url(f"{live_server}/student")
    page.get_by_role("button", name="Говорить с репетитором голосом").click()

    chat = page.get_by_role("list", name="Разговор")
    # What Whisper heard from the microphone, with the grammar engine's correction in it.
    expect(chat.locator(".bubble-student").last).to_contain_text("brother", timeout=60_000)
    # Stated, or asked when Whisper was unsure of "have" («Вы сказали «have»? …»).
    fix = chat.get_by_role("button", name=re.compile(r"«have».*Правильно: «has»", re.I))
    expect(fix).to_be_visible(timeout=60_000)
    expect(chat.locator(".bubble-tutor").last).not_to_be_empty(timeout=60_000)
    assert max(mic_energy) > 0.01, "the fake microphone sent silence"

    def played() -> bool:
        reports = [
            json.loads(p) for p in sent_to_server if isinstance(p, str) and '"playback"' in p
        ]
        return any(r.get("played_ms", 0) > 0 for r in reports)

    wait_in_page(page, played, timeout=60, what="the tutor's audio to be played")
    context.close()
