"""The voice side of the student page in a real browser (fake engines, a silent microphone):
a spoken reply plays again, and minutes that ran out lead to the top-up, not to an error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.auth.repository import get_user_by_email
from ailingva.billing import wallet
from ailingva.providers.audio import pcm16_to_float, wav_bytes
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.e2e.conftest import launch_with_microphone
from tests.voice.conftest import silence

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def quiet_microphone(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    wav = tmp_path_factory.mktemp("mic") / "silence.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(silence(60))))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


def _student(browser: Browser, url: str) -> tuple[Page, str]:
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU").new_page()
    email = unique_email()
    page.goto(f"{url}/register")
    page.get_by_label("Имя").fill("Аня")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page).to_have_url(f"{url}/student")
    return page, email


def test_a_spoken_reply_plays_again(quiet_microphone: Browser, live_server: str) -> None:
    page, _ = _student(quiet_microphone, live_server)
    # A typed reply first: the fresh server loads its grammar engine on the first turn, which
    # can hold up a voice socket long enough for its backlog to look like a flood.
    message = page.get_by_label("Сообщение репетитору по-английски")
    message.fill("Hello!")
    message.press("Enter")
    tutors = page.get_by_role("list", name="Разговор").locator(".bubble-tutor .latency")
    expect(tutors).to_have_count(1, timeout=60_000)

    page.get_by_role("button", name="Говорить с репетитором голосом").click()
    expect(page.locator(".mic-label")).to_have_text("Слушаю", timeout=20_000)
    # Typed inside the voice session: the reply comes back spoken, over the socket.
    message.fill("I have two cats.")
    message.press("Enter")
    replies = page.get_by_role("list", name="Разговор").locator(".bubble-tutor")
    expect(replies).to_have_count(2, timeout=30_000)
    tutor = replies.nth(1)
    replay = tutor.get_by_role("button", name="Прослушать")
    expect(replay).to_be_visible(timeout=30_000)

    page.evaluate(
        """() => {
          window.replayed = [];
          const play = HTMLMediaElement.prototype.play;
          HTMLMediaElement.prototype.play = function () {
            window.replayed.push(this);
            return play.call(this);
          };
        }"""
    )
    replay.click()
    # A WAV made in the page from the socket's audio, that Chromium decodes and plays.
    page.wait_for_function(
        "() => window.replayed.length > 0 && window.replayed[0].duration > 0.2"
        " && window.replayed[0].error === null",
        timeout=10_000,
    )
    page.context.close()


def test_no_minutes_lead_to_the_top_up(
    quiet_microphone: Browser, live_server: str, engine: Engine
) -> None:
    page, email = _student(quiet_microphone, live_server)
    expect(page.locator(".mic-label")).to_have_text("Нажмите, чтобы говорить")
    # The minutes go while the page still shows them (another tab, another device): until the
    # click, the page's re-reads of the balance get the answer it had.
    stale = page.request.get(f"{live_server}/api/billing/balance").body()
    page.route(
        "**/api/billing/balance",
        lambda route: route.fulfill(body=stale, content_type="application/json"),
    )
    with Session(engine) as db:
        user = get_user_by_email(db, email)
        assert user is not None and user.id is not None
        left = wallet.balance_view(db, user.id).balance_kopecks
        wallet.adjust_balance(
            db,
            user_id=user.id,
            amount_kopecks=-left,
            reason="test",
            admin_id=None,
            idempotency_key=email,
        )
        db.commit()
    page.get_by_role("button", name="Говорить с репетитором голосом").click()
    page.unroute("**/api/billing/balance")

    mic = page.locator(".mic")
    expect(mic.locator(".mic-label")).to_have_text("Минуты закончились", timeout=20_000)
    expect(mic).not_to_contain_text("Ошибка")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("button", name="Говорить с репетитором голосом")).to_be_disabled()
    mic.get_by_role("link", name="Пополнить баланс").click()
    expect(page).to_have_url(f"{live_server}/billing")
    expect(page.get_by_text("Минуты закончились").first).to_be_visible()
    page.context.close()
