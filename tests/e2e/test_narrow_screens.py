"""Every page at a phone's 360 px: nothing sticks out sideways, for a student and an admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import Engine

from tests.conftest import STRONG_PASSWORD, make_admin
from tests.e2e.conftest import register_in_browser

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 360, "height": 740}
# Each route and what shows that it has finished loading.
STUDENT_ROUTES = {
    "/student": "Здравствуйте",
    "/progress": "Ваш прогресс",
    "/billing": "Баланс и оплата",
    "/no-such-page": "Страница не найдена",
}
ADMIN_ROUTES = {
    **STUDENT_ROUTES,
    "/admin": "Обзор",
    "/admin/users": "Пользователи",
    "/admin/monitor": "Мониторинг",
    "/admin/rules": "Правила репетитора",
    "/admin/billing": "Биллинг",
    "/admin/providers": "Провайдеры",
}
SIGNED_OUT_ROUTES = {"/login": "С возвращением", "/register": "Создайте аккаунт"}

# What sticks out past the right edge, named the way a reader finds it in the page.
OVERFLOW = """() => {
  const width = innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((node) => node.getBoundingClientRect().right > width + 0.5)
    .map((node) => `${node.tagName.toLowerCase()}.${[...node.classList].join(".")}`
      + ` (${Math.round(node.getBoundingClientRect().right)} px)`);
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
    wide: wide.slice(0, 8) };
}"""


def _assert_fits(page: Page, url: str, route: str, ready: str) -> None:
    page.goto(f"{url}{route}")
    expect(page.get_by_role("heading", name=ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["innerWidth"], f"{route} is too wide: {found}"


def _phone_page(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, locale="ru-RU").new_page()


def test_every_page_fits_a_phone_signed_out_and_as_a_student(
    browser: Browser, live_server: str
) -> None:
    page = _phone_page(browser)
    for route, ready in SIGNED_OUT_ROUTES.items():
        _assert_fits(page, live_server, route, ready)
    register_in_browser(page, f"{live_server}/register")
    expect(page).to_have_url(f"{live_server}/student")
    # A conversation with a correction (its explanation open) and a reply.
    message = page.get_by_label("Сообщение репетитору по-английски")
    message.fill("Yesterday I goed to the park with my brother and our two dogs.")
    message.press("Enter")
    fix = page.get_by_role("button", name="Ошибка: «goed», правильно: «went»")
    fix.click()
    expect(page.locator(".bubble-tutor .latency")).to_have_count(1)
    for route, ready in STUDENT_ROUTES.items():
        _assert_fits(page, live_server, route, ready)
    page.context.close()


def test_every_page_fits_a_phone_as_an_admin(
    browser: Browser, live_server: str, engine: Engine
) -> None:
    email = make_admin(engine)
    page = _phone_page(browser)
    page.goto(f"{live_server}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{live_server}/student")
    expect(page.get_by_role("link", name="Админ-панель")).to_be_visible()
    for route, ready in ADMIN_ROUTES.items():
        _assert_fits(page, live_server, route, ready)
    page.context.close()
