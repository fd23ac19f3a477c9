"""A lesson is one conversation on the page, typed and spoken (Chromium's fake microphone plays
espeak-ng's recording of a sentence; the fake engines answer, so what is tested is the page,
the socket and the lesson): speak, stop the microphone, type, speak again; reload mid-voice;
end the lesson, confirm, and read what it gave."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from ailingva.grammar.checker import get_checker
from ailingva.providers.audio import pcm16_to_float, wav_bytes
from ailingva.providers.fake import FAKE_REPLY, FAKE_TRANSCRIPT
from tests.e2e.conftest import launch_with_microphone, register_in_browser
from tests.voice.conftest import piper_speech, silence

pytestmark = pytest.mark.browser

REPLY = "".join(FAKE_REPLY)
TYPED = "I have two cats."
START_VOICE = "Говорить с репетитором голосом"
STOP_VOICE = "Закончить голосовой разговор"
# As the page shows it: the mistake struck through, the fix beside it.
SPOKEN = FAKE_TRANSCRIPT.replace("goed", "goedwent")


@pytest.fixture(scope="module")
def microphone_browser(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> Iterator[Browser]:
    # Each time the page opens the microphone the file plays from the start: one sentence.
    sentence = piper_speech(models_dir, "Yesterday I went to the park with my friend.")
    speech = silence(1.5) + sentence + silence(4)
    wav = tmp_path_factory.mktemp("mic") / "speech.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(speech)))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


@pytest.fixture
def student_page(microphone_browser: Browser, live_server: str) -> Iterator[Page]:
    # The grammar engine loads in seconds (more on a busy machine), holding the server's
    # event loop back meanwhile: loaded first, it is not in the middle of the first turn.
    get_checker()
    context = microphone_browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU"
    )
    page = context.new_page()
    register_in_browser(page, f"{live_server}/register")
    expect(page).to_have_url(f"{live_server}/student")
    yield page
    context.close()


def _speak_one_turn(page: Page, tutor_replies: int) -> None:
    """Press the microphone, wait for the tutor's answer to the sentence, stop."""
    page.get_by_role("button", name=START_VOICE).click()
    chat = page.get_by_role("list", name="Разговор")
    expect(chat.locator(".bubble-tutor")).to_have_count(tutor_replies, timeout=30_000)
    expect(chat.locator(".bubble-tutor").last).to_contain_text(REPLY, timeout=30_000)


def _lesson_count(page: Page) -> int:
    origin = page.url.split("/student")[0]
    count: int = page.request.get(f"{origin}/api/tutor/lessons").json()["total"]
    return count


def _student_lines(page: Page) -> list[str]:
    chat = page.get_by_role("list", name="Разговор")
    return chat.locator(".bubble-student p").all_inner_texts()


def test_speak_stop_type_speak_again_is_one_lesson_on_the_page(student_page: Page) -> None:
    page = student_page
    _speak_one_turn(page, 1)
    page.get_by_role("button", name=STOP_VOICE).click()
    expect(page.get_by_role("button", name=START_VOICE)).to_be_visible()

    message = page.get_by_label("Сообщение репетитору по-английски")
    message.fill(TYPED)
    message.press("Enter")
    chat = page.get_by_role("list", name="Разговор")
    expect(chat.locator(".bubble-tutor")).to_have_count(2)
    expect(chat.locator(".bubble-tutor").last).to_contain_text(REPLY)

    _speak_one_turn(page, 3)
    page.get_by_role("button", name=STOP_VOICE).click()
    expect(page.get_by_role("heading", name="Урок 1")).to_be_visible()
    assert _student_lines(page) == [SPOKEN, TYPED, SPOKEN]
    assert _lesson_count(page) == 1

    page.reload()  # and the whole lesson, spoken and typed, comes back
    expect(chat.locator(".bubble-tutor")).to_have_count(3)
    assert _student_lines(page) == [SPOKEN, TYPED, SPOKEN]
    expect(chat.get_by_role("button", name="Ошибка: «goed», правильно: «went»")).to_have_count(2)


def test_a_reload_mid_voice_resumes_the_same_lesson(student_page: Page) -> None:
    page = student_page
    _speak_one_turn(page, 1)
    page.reload()  # the microphone is still on

    chat = page.get_by_role("list", name="Разговор")
    expect(chat.locator(".bubble-tutor")).to_have_count(1)
    expect(page.get_by_role("heading", name="Урок 1")).to_be_visible()
    _speak_one_turn(page, 2)
    page.get_by_role("button", name=STOP_VOICE).click()
    expect(page.get_by_role("heading", name="Урок 1")).to_be_visible()
    assert _student_lines(page) == [SPOKEN, SPOKEN]
    assert _lesson_count(page) == 1


def _fits(page: Page, part: Locator) -> None:
    """`part` is inside the window's width (the page's own 360 px sweep is another test's)."""
    box = part.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], box  # type: ignore[index]


def test_ending_the_lesson_asks_then_shows_what_it_gave(
    student_page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = student_page
    shots: Path = tmp_path_factory.mktemp("screens")
    message = page.get_by_label("Сообщение репетитору по-английски")
    message.fill("Yesterday I goed to the park with my friend.")
    message.press("Enter")
    chat = page.get_by_role("list", name="Разговор")
    expect(chat.locator(".bubble-tutor").last).to_contain_text(REPLY)

    end = page.get_by_role("button", name="Закончить урок")
    end.click()
    dialog = page.get_by_role("alertdialog", name="Закончить урок 1?")
    expect(dialog).to_be_visible()
    page.screenshot(path=shots / "dialog-1280.png")
    page.set_viewport_size({"width": 360, "height": 780})
    _fits(page, dialog)
    page.screenshot(path=shots / "dialog-360.png")
    dialog.get_by_role("button", name="Продолжить урок").click()
    expect(dialog).to_be_hidden()
    expect(chat.locator(".bubble-tutor")).to_have_count(1)  # nothing ended

    end.click()
    page.get_by_role("alertdialog").get_by_role("button", name="Закончить урок").click()
    card = page.get_by_role("region", name="Урок 1 окончен")
    expect(card).to_be_visible()
    expect(card.get_by_text("XP")).to_contain_text("+", timeout=30_000)  # once summarised
    expect(card.locator(".fix-original")).to_have_text(["goed"])
    expect(card.locator(".chip").first).to_be_visible()
    expect(card.get_by_role("link", name="Весь прогресс")).to_have_attribute("href", "/progress")
    expect(page.get_by_role("heading", name="Новый урок")).to_be_visible()
    _fits(page, card)
    card.scroll_into_view_if_needed()
    page.screenshot(path=shots / "card-360.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    card.scroll_into_view_if_needed()
    page.screenshot(path=shots / "card-1280.png")

    # The next sentence is the next lesson; the card gives way to it.
    message.fill(TYPED)
    message.press("Enter")
    expect(page.get_by_role("heading", name="Урок 2")).to_be_visible()
    expect(card).to_be_hidden()
