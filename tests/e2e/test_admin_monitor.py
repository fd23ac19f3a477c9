"""The live monitor in a real browser: an admin watches the monitor while a student opens a
voice lesson in another browser (Chromium's fake microphone speaks a sentence); the session
appears, goes through its turn with its stages drawn, and leaves when the student goes. The
lesson is then found among the recent lessons with its turns and their analysis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import Engine

from ailingva.providers.audio import pcm16_to_float, wav_bytes
from tests.conftest import make_admin
from tests.e2e.conftest import launch_with_microphone, register_in_browser
from tests.e2e.test_admin_flow import sign_in
from tests.voice.conftest import silence, spoken

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture(scope="module")
def speaking_microphone(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    # Leading silence: the file starts when getUserMedia opens, before the pipeline is ready.
    speech = silence(1.5) + spoken("Yesterday I goed to the park with my friend.") + silence(60)
    wav = tmp_path_factory.mktemp("mic") / "speech.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(speech)))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/monitor-{name}.png", full_page=True)


def test_the_monitor_shows_a_session_another_browser_opens(
    speaking_microphone: Browser, browser: Browser, live_server: str, engine: Engine
) -> None:
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    panel = admin.new_page()
    sign_in(panel, live_server, make_admin(engine))
    panel.goto(f"{live_server}/admin")
    panel.get_by_role("navigation", name="Разделы админ-панели").get_by_role(
        "link", name="Мониторинг"
    ).click()
    expect(panel.get_by_role("heading", name="Мониторинг")).to_be_visible()
    expect(panel.get_by_text("Обновляется в реальном времени")).to_be_visible()
    expect(panel.get_by_text("Сейчас никто не занимается голосом.")).to_be_visible()

    student = speaking_microphone.new_context(
        viewport={"width": 1280, "height": 800}, locale="ru-RU"
    )
    lesson_page = student.new_page()
    register_in_browser(lesson_page, f"{live_server}/register", "Лена")
    expect(lesson_page).to_have_url(f"{live_server}/student")
    lesson_page.get_by_role("button", name="Говорить с репетитором голосом").click()

    card = panel.get_by_role("listitem", name="Сессия: Лена")
    expect(card).to_be_visible(timeout=30_000)
    expect(panel.get_by_role("heading", name="Идут сейчас: 1")).to_be_visible()
    # The sentence is heard, answered and played: the card shows the turn and its stages.
    expect(card.get_by_role("img")).to_be_visible(timeout=60_000)
    assert "Конец фразы" in (card.get_by_role("img").get_attribute("aria-label") or "")
    expect(card).to_contain_text("Слушает", timeout=30_000)
    _screenshot(panel, "1280")
    panel.set_viewport_size({"width": 360, "height": 800})
    expect(card).to_be_visible()
    _screenshot(panel, "360")
    assert _fits(panel), "the monitor scrolls sideways at 360 px"
    panel.set_viewport_size({"width": 1280, "height": 900})

    student.close()  # the student goes: the session ends
    expect(card).to_have_count(0, timeout=30_000)
    expect(panel.get_by_text("Сейчас никто не занимается голосом.")).to_be_visible()

    lessons = panel.get_by_role("list", name="Уроки")
    panel.reload()  # the recent lessons are read once: the new one is there now
    lessons.get_by_role("button", name="Реплики и разбор").first.click()
    turns = panel.get_by_role("list", name="Реплики урока")
    expect(turns).to_contain_text("goed")
    expect(turns.get_by_role("img").first).to_be_visible()
    expect(turns).to_contain_text("Анализ: Разобрано", timeout=30_000)
    _screenshot(panel, "lesson-1280")
    admin.close()
