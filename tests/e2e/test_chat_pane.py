"""A long typed lesson in a real browser: the chat scrolls in its pane, the page stays put."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import register_in_browser

pytestmark = pytest.mark.browser

LINES = [
    "Yesterday I goed to the park with my brother.",
    "She don't like coffee.",
    "I have two dogs and a cat.",
    "We was at home all day because it rained.",
    "I am agree with you.",
    "My sister have a new job in Moscow.",
]
# Where the lesson's header, the newest reply, the pane and the controls are on the screen.
GEOMETRY = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  const bubbles = document.querySelectorAll(".bubble");
  const last = bubbles[bubbles.length - 1].getBoundingClientRect();
  return { scrollY, innerHeight, head: box(".tutor-head"), pane: box(".chat-scroll"),
    controls: box(".tutor-controls"), last: { top: last.top, bottom: last.bottom } };
}"""


def _send(page: Page, text: str, replies: int) -> None:
    message = page.get_by_label("Сообщение репетитору по-английски")
    message.fill(text)
    message.press("Enter")
    # The first reply of a fresh server warms it up: give it time.
    expect(page.locator(".bubble-tutor .latency")).to_have_count(replies, timeout=30_000)


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=str
)
def test_the_newest_reply_stays_in_view_and_the_page_does_not_move(
    browser: Browser, live_server: str, viewport: ViewportSize
) -> None:
    page = browser.new_context(viewport=viewport, locale="ru-RU").new_page()
    register_in_browser(page, f"{live_server}/register")
    expect(page).to_have_url(f"{live_server}/student")
    for count, line in enumerate(LINES, start=1):
        _send(page, line, count)
        seen = page.evaluate(GEOMETRY)
        assert seen["scrollY"] == 0, f"the page moved: {seen}"
        assert seen["head"]["top"] >= 0, f"«Урок 1» left the screen: {seen}"
        assert seen["controls"]["bottom"] <= seen["innerHeight"], f"controls cut off: {seen}"
        # The newest reply, its latency line included, is inside the pane's visible part.
        assert seen["pane"]["top"] <= seen["last"]["top"] + 0.5, seen
        assert seen["last"]["bottom"] <= seen["pane"]["bottom"] + 0.5, seen
    pane = page.locator(".chat-scroll")
    assert pane.evaluate("element => element.scrollHeight > element.clientHeight")

    # Reading higher up: a new reply does not pull the student down; «К новым» does.
    pane.hover()
    page.mouse.wheel(0, -400)
    expect(page.get_by_role("button", name="К новым")).to_be_visible()
    reading = pane.evaluate("element => element.scrollTop")
    _send(page, "Thank you for the lesson.", len(LINES) + 1)
    assert pane.evaluate("element => element.scrollTop") == reading
    page.get_by_role("button", name="К новым").click()
    seen = page.evaluate(GEOMETRY)
    assert seen["last"]["bottom"] <= seen["pane"]["bottom"] + 0.5, seen
    expect(page.get_by_role("button", name="К новым")).to_be_hidden()
    page.context.close()
