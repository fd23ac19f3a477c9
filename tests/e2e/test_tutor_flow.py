"""A student types a sentence with a mistake: the tutor corrects it and replies."""

import re

import pytest
from playwright.sync_api import Page, expect

from ailingva.providers.fake import FAKE_REPLY
from tests.e2e.conftest import register_in_browser

REPLY = "".join(FAKE_REPLY)

pytestmark = pytest.mark.browser


def test_typed_mistake_is_corrected_and_answered(page: Page, live_server: str) -> None:
    register_in_browser(page, f"{live_server}/register")
    expect(page).to_have_url(f"{live_server}/student")
    message = page.get_by_label("Сообщение репетитору по-английски")
    message.fill("Yesterday I goed to the park.")
    message.press("Enter")

    chat = page.get_by_role("list", name="Разговор")
    fix = chat.get_by_role("button", name="Ошибка: «goed», правильно: «went»")
    expect(fix).to_be_visible()
    expect(fix.locator("del")).to_have_text("goed")
    expect(fix.locator("ins")).to_have_text("went")
    fix.click()
    expect(chat.get_by_role("tooltip")).to_be_visible()
    expect(chat.get_by_role("tooltip")).to_contain_text("Формы глагола")

    tutor = chat.locator(".bubble-tutor")
    expect(tutor).to_have_count(1)
    expect(tutor.locator("p")).to_have_text(REPLY)
    expect(tutor).to_contain_text(re.compile(r"ответ через \d+"))
    expect(tutor.get_by_role("button", name="Прослушать")).to_be_visible()
    expect(page.get_by_role("heading", name="Урок 1")).to_be_visible()
    expect(message).to_have_value("")

    # After a reload the lesson goes on where it stopped.
    page.reload()
    expect(chat.get_by_role("button", name="Ошибка: «goed», правильно: «went»")).to_be_visible()
    expect(tutor.locator("p")).to_have_text(REPLY)
