"""A student presses the microphone and speaks (Chromium's fake microphone plays a recording):
the transcript and its correction appear, and the tutor's answer is played."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Playwright, WebSocket, expect

from ailingva.providers.audio import pcm16_to_float, wav_bytes
from ailingva.providers.fake import FAKE_REPLY
from tests.e2e.conftest import launch_with_microphone, register_in_browser, wait_in_page
from tests.voice.conftest import silence, spoken

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def microphone_browser(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    # Leading silence: the file starts when getUserMedia opens, before the pipeline is ready.
    speech = silence(1.5) + spoken("Yesterday I goed to the park with my friend.") + silence(4)
    wav = tmp_path_factory.mktemp("mic") / "speech.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(speech)))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


def test_the_student_speaks_and_hears_the_answer(
    microphone_browser: Browser, live_server: str
) -> None:
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
    fix = chat.get_by_role("button", name="Ошибка: «goed», правильно: «went»")
    expect(fix).to_be_visible(timeout=20_000)
    expect(chat.locator(".bubble-tutor").last).to_contain_text("".join(FAKE_REPLY), timeout=20_000)
    assert max(mic_energy) > 0.01, "the fake microphone sent silence"

    def played() -> bool:
        reports = [
            json.loads(p) for p in sent_to_server if isinstance(p, str) and '"playback"' in p
        ]
        return any(r.get("played_ms", 0) > 0 for r in reports)

    wait_in_page(page, played, timeout=20, what="the tutor's audio to be played")
    context.close()
