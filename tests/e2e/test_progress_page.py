"""The Progress page in Chromium with a student's three lessons: its numbers add up, and it fits
a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from ailingva.core.db import utcnow
from tests.e2e.conftest import register_in_browser
from tests.progress.seed import seed_progress

pytestmark = pytest.mark.browser


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_the_progress_page_adds_up_and_fits_a_phone(
    live_server: str, page: Page, engine: Engine
) -> None:
    register_in_browser(page, f"{live_server}/register")
    expect(page).to_have_url(re.compile(r"/student"))
    me = page.request.get(f"{live_server}/api/auth/me").json()
    seeded = seed_progress(engine, me["id"], now=utcnow())

    page.goto(f"{live_server}/progress")
    tile = page.locator(".total", has_text="Выучено слов").locator("dd")
    expect(tile).to_contain_text(re.compile(r"\d"))
    learned = _number(tile.inner_text().split("\n")[0])
    minutes = _number(page.locator(".total", has_text="Минут разговора").locator("dd").inner_text())
    chips = page.locator(".lesson-card .chip")
    assert learned == chips.count() > 0 and minutes == seeded.voice_minutes
    expect(page.get_by_role("img", name=f"Выучено слов: {learned}")).to_be_visible()
    expect(page.get_by_role("img", name=f"Минут разговора за период: {minutes}")).to_be_visible()
    voice = page.get_by_role("article", name="Урок 2")
    expect(voice).to_contain_text("3 реплики · 3\u00a0минуты голосом")
    expect(voice).to_contain_text("Новые слова (3):")

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    expect(page.get_by_role("article", name="Урок 2")).to_be_visible()
    # Nothing on the page (the charts, the cards, the word chips) sticks out sideways.
    wider = page.evaluate(
        "Array.from(document.querySelectorAll('#main *'))"
        ".filter((e) => e.getBoundingClientRect().right > window.innerWidth)"
        ".map((e) => e.outerHTML.slice(0, 80))"
    )
    assert wider == []
