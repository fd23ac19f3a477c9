"""The rules screen in a real browser: an admin makes a rule by typing, and one by speaking
(Chromium's fake microphone plays Piper's recording of the instruction to real Whisper), checks
the draft, saves it, and sees it in the list of rules in force."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain.models import RuleSource, TutorRule
from ailingva.providers.audio import pcm16_to_float, wav_bytes
from ailingva.providers.settings import ProviderSettings
from tests.conftest import make_admin
from tests.e2e.conftest import launch_with_microphone
from tests.e2e.test_admin_flow import sign_in
from tests.e2e.test_narrow_screens import OVERFLOW, PHONE
from tests.voice.conftest import piper_speech, silence

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
TYPED = "Когда ученик путает Present Perfect и Past Simple, спроси про время действия."
SPOKEN = "When the student mixes up the present perfect and the past simple, ask when it happened."


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _saved_rules(engine: Engine) -> list[TutorRule]:
    with Session(engine) as db:
        return list(db.exec(select(TutorRule).where(TutorRule.source == RuleSource.ADMIN)).all())


def _save_the_draft(page: Page, heard: str, shot: str) -> None:
    """Check what the model made of the words, change the priority, save."""
    form = page.get_by_role("form", name="Правило")
    expect(form).to_be_visible(timeout=60_000)
    _shot(page, shot)
    expect(page.get_by_text("Понято из слов")).to_be_visible()
    expect(page.locator(".heard")).to_contain_text(heard, ignore_case=True)
    expect(form.get_by_label("Когда действует")).to_have_value("tense")
    expect(form.get_by_label("Инструкция репетитору (по-английски)")).to_have_value(
        "When the student mixes up Present Perfect and Past Simple, ask them when the action "
        "happened."
    )
    form.get_by_label("Приоритет (0–100)").fill("75")
    form.get_by_role("button", name="Сохранить правило").click()
    expect(page.get_by_role("status")).to_contain_text("Правило сохранено")
    rules = page.get_by_role("region", name="Правила: 1")
    expect(rules).to_contain_text("Все ученики")
    expect(rules).to_contain_text("приоритет 75")


def test_a_rule_made_by_typing_is_saved(browser: Browser, live_server: str, engine: Engine) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, live_server, make_admin(engine))
    page.goto(f"{live_server}/admin/rules")
    expect(page.get_by_role("heading", name="Правила репетитора")).to_be_visible()
    expect(page.get_by_text("Правил нет")).to_be_visible()
    page.get_by_role("button", name="Новое правило").click()
    page.get_by_label("Что должен делать репетитор").fill(TYPED)
    page.get_by_role("button", name="Составить черновик").click()
    _save_the_draft(page, "Present Perfect", "rules-draft-1280")
    (rule,) = _saved_rules(engine)
    assert (rule.priority, rule.trigger, rule.enabled) == (75, "tense", True)

    item = page.get_by_role("listitem").filter(has_text="Present Perfect")
    item.get_by_role("button", name="Выключить", exact=False).click()
    expect(item.get_by_text("Выключено")).to_be_visible()
    _shot(page, "rules-list-1280")
    assert not _saved_rules(engine)[0].enabled

    # On a phone: the list, and the new rule's panel with a draft, fit without sideways scroll.
    page.set_viewport_size(PHONE)
    _assert_no_overflow(page)
    _shot(page, "rules-list-360")
    page.get_by_role("button", name="Новое правило").click()
    page.get_by_label("Что должен делать репетитор").fill(TYPED)
    page.get_by_role("button", name="Составить черновик").click()
    page.get_by_role("form", name="Правило").get_by_role("button", name="Один ученик").click()
    expect(page.get_by_label("Ученик", exact=True)).to_be_visible()
    _assert_no_overflow(page)
    _shot(page, "rules-draft-360")
    page.context.close()


def _assert_no_overflow(page: Page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["innerWidth"], found


@pytest.fixture(scope="module")
def dictating_browser(
    chromium: tuple[Playwright, str], tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> Iterator[Browser]:
    # Leading silence: the file starts when getUserMedia opens; the pause after it ends the take.
    speech = silence(1.5) + piper_speech(models_dir, SPOKEN) + silence(6)
    wav = tmp_path_factory.mktemp("mic") / "rule.wav"
    wav.write_bytes(wav_bytes(pcm16_to_float(speech)))
    browser = launch_with_microphone(chromium, wav)
    yield browser
    browser.close()


def test_a_rule_made_by_speaking_is_saved(
    dictating_browser: Browser,
    serve: Callable[[ProviderSettings], str],
    models_dir: Path,
    engine: Engine,
) -> None:
    # Real speech-to-text (Whisper tiny.en); the fake model drafts deterministically.
    url = serve(
        ProviderSettings(
            _env_file=None,
            stt_provider="local",
            llm_provider="fake",
            tts_provider="fake",
            models_dir=models_dir,
            local_stt_model="whisper-tiny-en",
        )
    )
    context = dictating_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    sign_in(page, url, make_admin(engine))
    page.goto(f"{url}/admin/rules")
    page.get_by_role("button", name="Новое правило").click()
    page.get_by_role("button", name="Надиктовать").click()
    expect(page.get_by_role("button", name="Остановить запись")).to_be_visible()
    # The recording ends by itself at the pause after the instruction.
    _save_the_draft(page, "present perfect", "rules-spoken-1280")
    assert [r.trigger for r in _saved_rules(engine)] == ["tense"]
    context.close()
