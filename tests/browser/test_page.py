"""The built page in headless Chromium: it boots, draws, talks, stays on its origin, and works offline."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pet.server import BackgroundServer

from .pagetools import BOOT_TIMEOUT_MS, Session, open_session, say, wait_for_model

pytestmark = pytest.mark.browser

# Reads the canvas back: how many pixels of a central block are water-blue, and a digest of the frame.
READ_CANVAS = """() => {
  const canvas = document.querySelector('#bowl');
  const ctx = canvas.getContext('2d');
  const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const middle = ctx.getImageData(canvas.width / 2 - 20, canvas.height / 2 - 20, 40, 40).data;
  let blue = 0;
  for (let i = 0; i < middle.length; i += 4) {
    const [r, g, b] = [middle[i], middle[i + 1], middle[i + 2]];
    if (b > r + 40 && b >= g) blue += 1;
  }
  let hash = 0;
  for (let i = 0; i < all.length; i += 1) hash = (hash * 31 + all[i]) | 0;
  return { blue, total: middle.length / 4, hash };
}"""


def test_page_boots_and_draws_the_bowl(booted: Session, artifacts: Path) -> None:
    page = booted.page
    # The model being ready means Python has run for a while; still, wait for a drawn frame.
    page.wait_for_function(f"({READ_CANVAS})().blue > 0", timeout=BOOT_TIMEOUT_MS)
    first = page.evaluate(READ_CANVAS)
    assert first["blue"] > first["total"] // 2, f"the middle of the bowl is not water: {first}"
    page.wait_for_timeout(600)
    second = page.evaluate(READ_CANVAS)
    assert second["hash"] != first["hash"], "the frame did not change in 0.6 s: the bowl is not animated"
    stats = page.evaluate("window.glubStats")
    assert stats["frames"] >= 60
    page.screenshot(path=str(artifacts / "page-boots.png"))


def test_typed_message_gets_a_model_reply(booted: Session, artifacts: Path) -> None:
    page = booted.page
    reply = say(page, "hello")
    assert reply.strip() and reply.strip() != "…", f"no reply; status: {page.inner_text('#status')}"
    assert not page.is_disabled("#message"), "the chat box stays disabled after the reply"
    assert page.inner_text("#status").strip() == ""
    page.screenshot(path=str(artifacts / "page-reply.png"))


def test_page_makes_no_request_to_other_origins(booted: Session, server: BackgroundServer) -> None:
    say(booted.page, "what do you see?")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(server.url))
    outside = [
        url for url in booted.requests if not url.startswith(origin + "/") and not url.startswith(f"blob:{origin}/")
    ]
    assert booted.requests, "no request was recorded"
    assert outside == []


def test_content_security_policy_allows_our_origin_only_and_nothing_breaks_it(
    booted: Session, site: Path
) -> None:
    say(booted.page, "what is that light?")
    policy = booted.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    # Nothing but our origin anywhere: no other host, no scheme wildcard, no inline script.
    assert not any(word in policy for word in ("*", "http:", "https:", "data:", "blob:", "'unsafe-inline'"))
    assert booted.page.evaluate("window.glubCspViolations") == []
    # The chat-only page runs the same runtimes under the same policy.
    chat = (site / "chat.html").read_text()
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in chat


def test_no_console_errors(booted: Session) -> None:
    say(booted.page, "are you hungry?")
    assert booted.errors == []


def test_reload_with_server_stopped_still_boots_and_replies(
    browser: object, fresh_server: BackgroundServer, artifacts: Path
) -> None:
    session = open_session(browser)
    page = session.page
    try:
        page.goto(fresh_server.url)
        wait_for_model(page)
        assert page.evaluate("navigator.serviceWorker.controller !== null"), "no service worker controls the page"
        assert say(page, "hello").strip()
        # The worker checks the model's hash before it stores it, a moment after the page has it.
        page.wait_for_function(
            "async () => (await caches.keys()).some((name) => name.startsWith('glub-model-'))", timeout=10_000
        )
        fresh_server.stop()
        page.reload()
        wait_for_model(page)
        assert page.evaluate("crossOriginIsolated"), "the cached page lost its COOP/COEP headers"
        reply = say(page, "are you still there?")
        assert reply.strip() and reply.strip() != "…"
        page.screenshot(path=str(artifacts / "page-offline.png"))
        assert session.errors == []
    finally:
        session.context.close()


def test_model_checksum_mismatch_is_reported_and_the_fish_keeps_swimming(
    browser: object, site_copy: Path, artifacts: Path
) -> None:
    manifest_path = site_copy / "models" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["model"]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    session = open_session(browser)
    page = session.page
    try:
        with BackgroundServer(site_copy) as broken:
            page.goto(broken.url)
            page.wait_for_function(
                "document.querySelector('#status').classList.contains('error')", timeout=BOOT_TIMEOUT_MS
            )
            status = page.inner_text("#status")
            assert "does not match its manifest" in status
            page.screenshot(path=str(artifacts / "page-bad-model.png"))
            assert page.is_disabled("#message")
            before = page.evaluate(READ_CANVAS)["hash"]
            page.wait_for_timeout(600)
            assert page.evaluate(READ_CANVAS)["hash"] != before, "the fish stopped swimming"
    finally:
        session.context.close()
