"""A new student in a real browser: register, land on the student page, log out, log in."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import STRONG_PASSWORD, unique_email
from tests.e2e.conftest import register_in_browser

pytestmark = pytest.mark.browser


def test_register_logout_login(page: Page, live_server: str) -> None:
    email = unique_email()
    page.goto(live_server)
    expect(page).to_have_url(f"{live_server}/login")

    page.get_by_role("link", name="Регистрация").click()
    page.get_by_label("Имя").fill("Аня")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Зарегистрироваться").click()

    expect(page).to_have_url(f"{live_server}/student")
    expect(page.get_by_role("heading", name="Здравствуйте, Аня!")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ailingva_session"]["httpOnly"] is True

    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(f"{live_server}/student")
    expect(page).to_have_url(f"{live_server}/login")  # the session is really gone

    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill("Wrong password 1")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_contain_text("Неверный email или пароль")

    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{live_server}/student")


def test_student_cannot_open_the_admin_area(page: Page, live_server: str) -> None:
    register_in_browser(page, f"{live_server}/register", "Петя")
    expect(page).to_have_url(f"{live_server}/student")
    page.goto(f"{live_server}/admin")
    expect(page).to_have_url(f"{live_server}/student")
