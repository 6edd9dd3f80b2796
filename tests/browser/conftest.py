"""Browser fixtures: one freshly built site, one local server, one headless Chromium for the browser tests.

Chromium is the system one (/usr/bin/chromium), driven by the playwright package; nothing is
downloaded. ``GLUB_CHROMIUM`` points at another binary.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pet.build import REPO_ROOT, build_site
from pet.chromium import CHROMIUM, launch
from pet.server import BackgroundServer

from .pagetools import Session, open_session, wait_for_model

ARTIFACTS = REPO_ROOT / "artifacts"


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from this checkout into a temporary folder (build/site is left alone)."""
    if not (REPO_ROOT / "node_modules").is_dir():
        pytest.skip("node_modules is missing: run `npm ci`")
    return build_site(tmp_path_factory.mktemp("site") / "site").out


@pytest.fixture(scope="package")
def server(site: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(site) as running:
        yield running


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    """The one Playwright driver of the browser tests (a second sync_playwright() in one thread is refused).

    Package-scoped: Playwright's sync API keeps an asyncio loop running in this thread while it lives,
    so it must be gone before any other test calls ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = launch(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def booted(browser: Any, server: BackgroundServer) -> Iterator[Session]:
    """One page, booted once with its model loaded, shared by the tests that only look at it."""
    session = open_session(browser)
    session.page.goto(server.url)
    wait_for_model(session.page)
    yield session
    session.context.close()


@pytest.fixture
def fresh_server(site: Path) -> Iterator[BackgroundServer]:
    """A server of the test's own (its own origin, so no other test's service worker is in the way)."""
    running = BackgroundServer(site).start()
    yield running
    running.stop()


@pytest.fixture
def site_copy(site: Path, tmp_path: Path) -> Path:
    """A copy of the built site the test may break."""
    return Path(shutil.copytree(site, tmp_path / "site"))
