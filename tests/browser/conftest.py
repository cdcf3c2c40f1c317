"""Playwright in Debian's headless Chromium, against the session's local stack.

Every test gets a fresh browser context (no shared login) and a `shot(label)` helper that
saves numbered screenshots under test-artifacts/screenshots/<test>/, to be looked at.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.stack import ROOT, RunningStack

SHOTS = ROOT / "test-artifacts" / "screenshots"
# The flags this machine's closed network needs (no background connections at start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=id-ID",  # Indonesian browser UI by default (tests also run a New York, en-US PC)
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail("Chromium is missing: `make chromium` installs Debian's package")
    return found


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _page(
    browser: Browser,
    stack: RunningStack,
    viewport: dict[str, int],
    locale: str = "id-ID",
    timezone_id: str = "Asia/Jakarta",
) -> Page:
    context = browser.new_context(
        base_url=stack.url, viewport=viewport, locale=locale, timezone_id=timezone_id
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    return page


@pytest.fixture
def new_page(browser: Browser, stack: RunningStack) -> Iterator[Callable[..., Page]]:
    """Pages in separate contexts: one per official, as on separate computers."""
    pages: list[Page] = []

    def make(viewport: dict[str, int] = DESKTOP, **context: str) -> Page:
        """context: locale, timezone_id (a PC set to another zone and language)."""
        page = _page(browser, stack, viewport, **context)
        pages.append(page)
        return page

    yield make
    for page in pages:
        errors = page.errors  # type: ignore[attr-defined]
        page.context.close()
        assert errors == [], f"JavaScript errors in the page: {errors}"


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    folder = SHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    count = 0

    def take(page: Page, label: str) -> Path:
        nonlocal count
        count += 1
        name = re.sub(r"[^\w-]+", "-", label)
        path = folder / f"{count:02d}-{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # fixed header and sidebar where they belong
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
