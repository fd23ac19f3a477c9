"""The admin's Обзор in Chromium: the known data set's figures in the tiles and its charts
drawn, on a wide screen and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from tests.admin.analytics_data import PERIOD, seed_known_period
from tests.conftest import STRONG_PASSWORD, make_admin
from tests.e2e.test_narrow_screens import OVERFLOW, PHONE

pytestmark = pytest.mark.browser

# The data set's answers for 2026-11-10 .. 2026-11-13, as the tiles write them.
TILES = {
    "Активных учеников": "3",
    "Регистраций": "4",
    "Голосовых минут": "5",
    "Выручка": "1 650 ₽возвраты: 300 ₽",
    "Пробный → платный": "50 %2 из 4 новых",
    "Уроков": "4",
    "Реплик учеников": "5",
    "До первого звука, p50": "300 мсp95: 700 мс",
}


def sign_in_to_overview(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{url}/student")
    page.goto(f"{url}/admin")
    expect(page).to_have_url(f"{url}/admin/overview")
    page.get_by_label("С", exact=True).fill(PERIOD["since"])
    page.get_by_label("По", exact=True).fill(PERIOD["until"])
    page.get_by_role("button", name="Показать").click()


def spaced(text: str) -> re.Pattern[str]:
    """`text` with any white space (ru-RU numbers have no-break spaces) where it has a space."""
    return re.compile("^" + r"\s+".join(re.escape(word) for word in text.split()) + "$")


def assert_dashboard(page: Page) -> None:
    for label, value in TILES.items():
        tile = page.locator(".total").filter(has=page.locator("dt", has_text=label))
        expect(tile.locator("dd")).to_have_text(spaced(value))
    # Six charts drawn by Recharts (activity, money, lessons, errors, latency, stages), with
    # their bars and lines, and the providers' shares.
    expect(page.locator(".chart .recharts-wrapper > svg")).to_have_count(6)
    assert page.locator(".recharts-bar-rectangle").count() > 0
    assert page.locator(".recharts-line-curve").count() >= 4
    expect(
        page.get_by_role(
            "img", name="Ошибок: 6; Артикли: 3, Предлоги: 1, Орфография: 1, Времена: 1"
        )
    ).to_be_visible()
    shares = page.get_by_role("region", name="Провайдеры по репликам")
    expect(shares.get_by_text("local:whisper")).to_be_visible()


def test_the_dashboard_shows_the_known_figures_and_charts(
    page: Page, live_server: str, engine: Engine
) -> None:
    seed_known_period(engine)
    sign_in_to_overview(page, live_server, make_admin(engine))
    assert_dashboard(page)


def test_the_dashboard_fits_a_phone(browser: Browser, live_server: str, engine: Engine) -> None:
    seed_known_period(engine)
    page = browser.new_context(viewport=PHONE, locale="ru-RU").new_page()
    sign_in_to_overview(page, live_server, make_admin(engine))
    assert_dashboard(page)
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["innerWidth"], f"the dashboard is too wide: {found}"
    page.context.close()
