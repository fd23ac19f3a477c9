"""Провайдеры in a real browser: an admin switches the language model to an OpenAI-compatible
server, checks it before saving (its latency shown), saves it; a failing one shows its error,
and a changed address asks for the key again."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import Engine

from tests.conftest import make_admin
from tests.e2e.test_admin_flow import sign_in
from tests.e2e.test_narrow_screens import OVERFLOW, PHONE
from tests.openai_peer import openai_peer

pytestmark = pytest.mark.browser

KEY = "sk-browser-0123456789-secret-mnop"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def _shoot(page: Page, name: str) -> None:
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=f"{SCREENSHOTS}/providers-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _check(card: Locator) -> None:
    card.get_by_role("button", name="Проверить").click()
    expect(card.get_by_role("button", name="Проверить")).to_be_enabled()


def test_switch_the_language_model_to_an_openai_compatible_server_and_check_it(
    page: Page, live_server: str, engine: Engine
) -> None:
    sign_in(page, live_server, make_admin(engine))
    page.get_by_role("link", name="Админ-панель").click()
    page.get_by_role("navigation", name="Разделы админ-панели").get_by_role(
        "link", name="Провайдеры"
    ).click()
    expect(page.get_by_role("heading", name="Провайдеры")).to_be_visible()
    card = page.get_by_role("region", name="Языковая модель")
    expect(card.get_by_text("В работе: fake:llm")).to_be_visible()
    _shoot(page, "start")

    with openai_peer(KEY) as server, openai_peer(KEY, status=401, echo_key=True) as refusing:
        card.get_by_label("Провайдер", exact=True).select_option("openai")
        card.get_by_label("Адрес сервиса (base URL)").fill(refusing.url)
        card.get_by_label("API-ключ").fill(KEY)
        _check(card)
        expect(card.get_by_role("alert")).to_contain_text(
            "Проверка не прошла. Сервис не принял ключ: проверьте API-ключ."
        )
        expect(card.get_by_text("HTTP 401")).to_be_visible()
        _shoot(page, "failed")

        card.get_by_label("Адрес сервиса (base URL)").fill(server.url)
        _check(card)
        expect(card.get_by_role("status").filter(has_text="Работает:")).to_have_text(
            re.compile(r"Работает: \d+ мс")
        )
        expect(card.get_by_text("openai:gpt-4o-mini · проверено до сохранения")).to_be_visible()
        expect(card.get_by_text("Ответ модели: «Hello!»")).to_be_visible()
        assert server.calls == [("/v1/chat/completions", KEY)]
        _shoot(page, "checked")

        card.get_by_role("button", name="Сохранить").click()
        expect(card.get_by_text("Сохранено. В работе: openai:gpt-4o-mini.")).to_be_visible()
        expect(card.get_by_text("Сохранён: …mnop")).to_be_visible()
        _check(card)  # now with what is stored
        outcome = card.locator(".check-outcome")
        expect(outcome).to_contain_text("Работает:")
        expect(outcome).not_to_contain_text("проверено до сохранения")

        # Another address: the stored key does not follow it; the form says so.
        card.get_by_label("Адрес сервиса (base URL)").fill(refusing.url)
        expect(card.get_by_text("Адрес сервиса изменился: введите ключ")).to_be_visible()
        expect(card.get_by_role("button", name="Сохранить")).to_be_disabled()
        expect(card.get_by_role("button", name="Проверить")).to_be_disabled()
        _shoot(page, "moved")
        page.set_viewport_size(PHONE)  # every field of the card open, on a phone
        found = page.evaluate(OVERFLOW)
        assert found["scrollWidth"] <= found["innerWidth"], found
        page.set_viewport_size({"width": 1280, "height": 800})
        card.get_by_role("button", name="Изменить: API-ключ").click()
        card.get_by_label("API-ключ").fill(KEY)
        _check(card)
        expect(card.get_by_role("alert")).to_contain_text("Сервис не принял ключ")
        assert refusing.calls[-1] == ("/v1/chat/completions", KEY)

    # What the server sends back never holds the key: the page as loaded again.
    page.reload()
    expect(card.get_by_text("Сохранён: …mnop")).to_be_visible()
    assert KEY not in page.content()
    # The other capabilities kept theirs: the address is the language model's change alone.
    stt = page.get_by_role("region", name="Распознавание речи")
    expect(stt.get_by_text("В работе: fake:stt")).to_be_visible()
