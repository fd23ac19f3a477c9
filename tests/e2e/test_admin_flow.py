"""The admin panel in a real browser: an admin blocks a student in the middle of a voice
lesson, the lesson stops and the student's page says why; every admin screen fits a phone."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, WebSocket, expect
from sqlalchemy import Engine

from ailingva.providers.audio import pcm16_to_float, wav_bytes
from tests.conftest import STRONG_PASSWORD, make_admin
from tests.e2e.conftest import launch_with_microphone, register_in_browser, wait_in_page
from tests.voice.conftest import silence

pytestmark = pytest.mark.browser

# Where to keep the screenshots (set it to look at them); without it they are not written.
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture(scope="module")
def quiet_microphone(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    wav = tmp_path_factory.mktemp("mic") / "silence.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(silence(60))))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{url}/student")


def test_blocking_a_student_stops_their_voice_lesson_and_says_why(
    quiet_microphone: Browser, browser: Browser, live_server: str, engine: Engine
) -> None:
    student = quiet_microphone.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    lesson_page = student.new_page()
    received: list[dict[str, object]] = []

    def watch(socket: WebSocket) -> None:
        def on_frame(payload: str | bytes) -> None:
            if isinstance(payload, str):
                received.append(json.loads(payload))

        socket.on("framereceived", on_frame)

    lesson_page.on("websocket", watch)
    register_in_browser(lesson_page, f"{live_server}/register", "Катя")
    expect(lesson_page).to_have_url(f"{live_server}/student")
    lesson_page.get_by_role("button", name="Говорить с репетитором голосом").click()
    wait_in_page(
        lesson_page,
        lambda: any(e.get("type") == "session_started" for e in received),
        timeout=30,
        what="the voice session to start",
    )

    admin = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    panel = admin.new_page()
    sign_in(panel, live_server, make_admin(engine))
    panel.goto(f"{live_server}/admin/users")
    panel.get_by_label("Имя или email").fill("Катя")
    panel.get_by_role("link", name="Катя").click()
    expect(panel.get_by_role("heading", name="Катя")).to_be_visible()
    panel.get_by_label("Причина блокировки (для журнала)").fill("Проверка блокировки")
    panel.get_by_role("button", name="Заблокировать").click()
    done = panel.get_by_role("status").filter(has_text="Аккаунт заблокирован")
    expect(done).to_be_visible()
    expect(panel.locator(".person-head .status")).to_have_text("Заблокирован")

    expect(lesson_page.get_by_role("alert")).to_contain_text(
        "Ваш аккаунт заблокирован администратором", timeout=15_000
    )
    errors = [e for e in received if e.get("type") == "error"]
    assert errors and errors[-1]["code"] == "account_blocked"
    expect(lesson_page.get_by_role("button", name="Говорить с репетитором голосом")).to_be_visible()

    panel.get_by_role("link", name="Журнал").click()
    entry = panel.get_by_role("list", name="Записи журнала").get_by_role("listitem").first
    expect(entry).to_contain_text("Блокировка")
    expect(entry).to_contain_text("Проверка блокировки")
    admin.close()
    student.close()


def _widest(page: Page) -> str:
    return str(
        page.evaluate(
            """[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(-3).map(e => e.tagName + '.' + e.className).join(', ')"""
        )
    )


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_every_admin_screen_fits_360_and_1280(
    browser: Browser, live_server: str, engine: Engine, tmp_path: Path
) -> None:
    learner = browser.new_context(locale="ru-RU").new_page()
    register_in_browser(learner, f"{live_server}/register", "Анна-Мария Длиннофамильная")
    expect(learner).to_have_url(f"{live_server}/student")
    learner.get_by_label("Сообщение репетитору по-английски").fill("Yesterday I goed to the park.")
    learner.keyboard.press("Enter")

    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    sign_in(page, live_server, make_admin(engine))
    page.goto(f"{live_server}/admin/users")
    page.get_by_role("link", name="Анна-Мария Длиннофамильная").click()
    student_path = page.url.removeprefix(live_server)
    page.get_by_role("button", name="Заблокировать").click()
    expect(page.get_by_role("status").filter(has_text="Аккаунт заблокирован")).to_be_visible()
    screens = {"users": "/admin/users", "student": student_path, "audit": "/admin/audit"}
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in screens.items():
            page.goto(f"{live_server}{path}")
            expect(page.get_by_role("navigation", name="Разделы админ-панели")).to_be_visible()
            page.wait_for_load_state("networkidle")
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SCREENSHOTS}/admin-{name}-{width}.png", full_page=True)
            assert _fits(page), f"{name} scrolls sideways at {width} px: {_widest(page)}"
    context.close()
