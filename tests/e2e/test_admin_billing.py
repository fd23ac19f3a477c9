"""The admin's Биллинг screen in a real browser: a new package reaches the student's page, the
month's operations download as a CSV that Excel reads, a purchase is refunded with a reason;
each tab with data in it at 1280 and 360 px (screenshots with SCREENSHOT_DIR)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from tests.conftest import STRONG_PASSWORD, make_admin, unique_email
from tests.e2e.test_admin_flow import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
TABS = {"packages": "Пакеты", "operations": "Операции", "rules": "Правила", "referrals": "Рефералы"}


def _seed(url: str) -> str:
    """Students with purchases and an invitation, through the API as a script would; returns
    the inviter's name."""
    with httpx.Client(base_url=url) as inviter:
        inviter.post(
            "/api/auth/register",
            json={"email": unique_email(), "password": STRONG_PASSWORD, "name": "Рита Лебедева"},
        ).raise_for_status()
        code = inviter.get("/api/billing/referral").json()["code"]
    for name in ("Фёдор Иванов", "Галина Петрова"):
        with httpx.Client(base_url=url) as friend:
            friend.post(
                "/api/auth/register",
                json={
                    "email": unique_email(),
                    "password": STRONG_PASSWORD,
                    "name": name,
                    "referral_code": code,
                },
            ).raise_for_status()
            package = friend.get("/api/billing/packages").json()[1]
            friend.post("/api/billing/purchase", json={"package_id": package["id"]})
    return "Рита Лебедева"


def _shot(page: Page, name: str) -> None:
    """The whole page, and what shows first at full size (only with SCREENSHOT_DIR)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}-top.png")


def _csv_rows(page: Page) -> list[list[str]]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("ailingva-operations-")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_a_package_an_export_and_a_refund(
    browser: Browser, page: Page, live_server: str, engine: Engine
) -> None:
    inviter = _seed(live_server)
    learner_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    learner = learner_context.new_page()
    learner_email = unique_email()
    learner.goto(f"{live_server}/register")
    learner.get_by_label("Имя").fill("Вера Новикова")
    learner.get_by_label("Электронная почта").fill(learner_email)
    learner.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    learner.get_by_role("button", name="Зарегистрироваться").click()
    expect(learner).to_have_url(f"{live_server}/student", timeout=20_000)  # a busy machine

    sign_in(page, live_server, make_admin(engine))
    page.goto(f"{live_server}/admin")
    page.get_by_role("link", name="Биллинг").click()
    expect(page.get_by_role("heading", name="Биллинг")).to_be_visible()
    page.get_by_role("button", name="Новый пакет").click()
    form = page.get_by_role("form", name="Новый пакет")
    form.get_by_label("Название").fill("Разговорный клуб")
    form.get_by_label("Минут").fill("90")
    form.get_by_label("Цена, ₽").fill("399,90")
    expect(form).to_contain_text("за минуту")
    form.get_by_role("button", name="Создать пакет").click()
    expect(page.get_by_role("status")).to_contain_text("создан и уже в продаже")
    expect(page.get_by_role("article", name="Разговорный клуб")).to_contain_text("399,90")

    learner.goto(f"{live_server}/billing")
    club = learner.get_by_role("listitem").filter(has_text="Разговорный клуб")
    expect(club).to_contain_text("399,90")
    club.get_by_role("button", name="Купить").click()
    expect(learner.get_by_role("status").filter(has_text="Оплата прошла")).to_be_visible()
    expect(learner.locator(".minutes-left")).to_have_text("150 минут")

    page.get_by_role("tab", name="Операции").click()
    page.get_by_role("button", name="Этот месяц").click()
    page.get_by_label("Ученик: имя или email").fill("вера")
    table = page.get_by_role("region", name="Операции")
    expect(table.get_by_role("row")).to_have_count(3)  # the header, the purchase, the trial
    header, *rows = _csv_rows(page)
    assert header[3] == "Email" and len(rows) == 2
    purchase = rows[0]
    assert purchase[3:8] == [learner_email, "Вера Новикова", "Покупка пакета", "450,00", "750,00"]
    assert purchase[1].endswith("Z")

    table.get_by_role("button", name="Вернуть").click()
    dialog = page.get_by_role("alertdialog", name="Вернуть платёж?")
    dialog.get_by_label("Причина (для журнала)").fill("Ученица передумала")
    _shot(page, "billing-refund-1280")
    dialog.get_by_role("button", name="Вернуть платёж").click()
    expect(page.get_by_role("status")).to_contain_text("Платёж возвращён")
    expect(table).to_contain_text("Возвращён")
    expect(table).to_contain_text("Возврат платежа: Ученица передумала")
    learner.reload()
    expect(learner.locator(".minutes-left")).to_have_text("60 минут")
    learner_context.close()

    page.get_by_label("Ученик: имя или email").fill("")
    page.get_by_role("button", name="Всё время").click()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        for tab, label in TABS.items():
            page.goto(f"{live_server}/admin/billing?tab={tab}")
            expect(page.get_by_role("tab", name=label)).to_have_attribute("aria-selected", "true")
            if tab == "referrals":
                expect(page.get_by_role("link", name=inviter)).to_be_visible()
            if tab == "packages":  # with the form open
                page.get_by_role("button", name="Новый пакет").click()
                page.get_by_label("Название").fill("Пакет с очень длинным названием для проверки")
            page.wait_for_load_state("networkidle")
            _shot(page, f"billing-{tab}-{width}")
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, f"the {tab} tab scrolls sideways at {width} px"
