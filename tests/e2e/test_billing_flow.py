"""A student in a real browser: sees the trial minutes, buys a package, shares a referral link."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import register_in_browser

pytestmark = pytest.mark.browser


def test_trial_purchase_and_referral(page: Page, live_server: str) -> None:
    register_in_browser(page, f"{live_server}/register", "Аня")
    page.get_by_role("link", name="Баланс").first.click()
    expect(page).to_have_url(f"{live_server}/billing")
    minutes = page.locator(".minutes-left")
    expect(minutes).to_have_text("60 минут")

    start = page.get_by_role("listitem").filter(has_text="60 минут")
    start.get_by_role("button", name="Купить").click()
    expect(page.get_by_role("status").filter(has_text="Оплата прошла")).to_be_visible()
    expect(minutes).to_have_text("120 минут")
    expect(page.get_by_role("table")).to_contain_text("Покупка пакета")

    link = page.get_by_label("Ваша ссылка-приглашение").input_value()
    assert "/register?ref=" in link
    friend = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    register_in_browser(friend, link, "Петя")
    expect(friend).to_have_url(f"{live_server}/student")
    friend.context.close()
    page.reload()
    stats = page.locator(".referral-card .stats")
    expect(stats).to_contain_text("Пригласили")
    expect(stats.locator("dd").first).to_have_text("1")
