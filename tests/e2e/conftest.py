"""A live server on a free port and headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from ailingva.core.config import PROJECT_ROOT, Settings
from ailingva.main import create_app
from ailingva.providers.settings import ProviderSettings
from tests.conftest import FAKE_PROVIDERS, STRONG_PASSWORD, unique_email, wait_until

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DIST = PROJECT_ROOT / "frontend" / "dist"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serve(settings: Settings, engine: object) -> Iterator[Callable[[ProviderSettings], str]]:
    """Start the app (the built web app included) with the given providers; returns its URL."""
    if not (DIST / "index.html").is_file():
        pytest.fail("frontend/dist is not built: run `make test` (it builds the web app)")
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(providers: ProviderSettings) -> str:
        port = _free_port()
        origin = f"http://127.0.0.1:{port}"
        app = create_app(
            settings.model_copy(
                update={"frontend_dist": DIST, "allowed_origins": [origin], "public_url": origin}
            ),
            providers,
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        wait_until(lambda: server.started, timeout=20, what="the live server")
        return origin

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server(serve: Callable[[ProviderSettings], str]) -> str:
    """The app with the fake engines (fast, deterministic)."""
    return serve(FAKE_PROVIDERS)


@pytest.fixture(scope="session")
def chromium() -> Iterator[tuple[Playwright, str]]:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).is_file():
        pytest.fail(f"Chromium not found at {executable}: `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        yield playwright, executable


@pytest.fixture(scope="session")
def browser(chromium: tuple[Playwright, str]) -> Iterator[Browser]:
    playwright, executable = chromium
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


def launch_with_microphone(chromium: tuple[Playwright, str], wav: Path) -> Browser:
    """Chromium whose microphone plays `wav` once (a real end-to-end voice test)."""
    playwright, executable = chromium
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]
    return playwright.chromium.launch(executable_path=executable, args=flags)


def register_in_browser(page: Page, url: str, name: str = "Аня") -> None:
    """Fill in and send the registration form at `url` (a /register link, maybe with ?ref=)."""
    page.goto(url)
    page.get_by_label("Имя").fill(name)
    page.get_by_label("Электронная почта").fill(unique_email())
    page.get_by_label("Пароль", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Зарегистрироваться").click()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    yield page
    context.close()


def wait_in_page(page: Page, condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """`wait_until` for a condition on what Playwright reports (page or socket events): the
    synchronous API delivers those only while it is called, so the pause between two looks is
    the page's own wait, not a sleep that would keep the events out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        page.wait_for_timeout(20)
