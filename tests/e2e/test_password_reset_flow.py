"""A student who forgot the password, in a real browser, with the mail through a real SMTP
server on loopback: «Забыли пароль?», the mail, its link, a new password, signing in with it;
the session the old password had opened is gone."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ailingva.core.config import Settings
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.smtp import Inbox, reset_link, smtp_server

pytestmark = pytest.mark.browser

NEW_PASSWORD = "A brand new 2027 passphrase"


@pytest.fixture
def inbox_and_port() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, inbox_and_port: tuple[Inbox, int]) -> Settings:
    mail = {"smtp_host": "127.0.0.1", "smtp_port": inbox_and_port[1], "smtp_starttls": False}
    return settings.model_copy(update=mail)


def test_forgotten_password_reset_by_mail(
    page: Page, browser: Browser, live_server: str, inbox_and_port: tuple[Inbox, int]
) -> None:
    inbox = inbox_and_port[0]
    email = unique_email()
    old_device = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    old_page = old_device.new_page()
    old_page.goto(f"{live_server}/register")
    old_page.get_by_label("Имя").fill("Аня")
    old_page.get_by_label("Электронная почта").fill(email)
    old_page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    old_page.get_by_role("button", name="Зарегистрироваться").click()
    expect(old_page).to_have_url(f"{live_server}/student")

    page.goto(f"{live_server}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_role("link", name="Забыли пароль?").click()
    expect(page.get_by_role("heading", name="Забыли пароль?")).to_be_visible()
    expect(page.get_by_label("Электронная почта")).to_have_value(email)
    page.get_by_role("button", name="Прислать ссылку").click()
    expect(page.get_by_role("heading", name="Проверьте почту")).to_be_visible()

    link, token = reset_link(inbox.wait_for(1)[0])
    assert link.startswith(f"{live_server}/reset-password#token=")
    page.goto(link)
    expect(page.get_by_role("heading", name="Новый пароль")).to_be_visible()
    assert token not in page.url  # the secret left the address bar
    page.get_by_label("Новый пароль").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    expect(page.get_by_role("heading", name="Пароль изменён")).to_be_visible()

    page.get_by_role("link", name="К занятиям").click()
    expect(page.get_by_role("heading", name="Здравствуйте, Аня!")).to_be_visible()
    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(f"{live_server}/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{live_server}/student")

    old_page.goto(f"{live_server}/student")  # the session the old password opened
    expect(old_page).to_have_url(f"{live_server}/login")
    old_device.close()

    page.goto(link)  # the link worked once
    expect(page.get_by_role("heading", name="Ссылка не работает")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("уже меняли")
