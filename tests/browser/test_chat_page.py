"""chat.html: only the conversation, through the same model and reply loop as the bowl."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from .pagetools import REPLY_TIMEOUT_MS, open_session, wait_for_model

pytestmark = pytest.mark.browser


def test_chat_page_replies_and_shows_typed_html_as_text(browser: Any, server: Any) -> None:
    session = open_session(browser)
    page = session.page
    try:
        page.goto(server.url + "chat.html")
        wait_for_model(page)
        typed = "<b>hello</b> <img src=x onerror=alert(1)>"
        page.fill("#message", typed)
        page.press("#message", "Enter")
        page.wait_for_function(
            "document.querySelector('#log li.fish')?.dataset.state === 'done'", timeout=REPLY_TIMEOUT_MS
        )
        assert page.inner_text("#log li.you") == typed  # text, not markup
        assert page.evaluate("document.querySelectorAll('#log b, #log img').length") == 0
        reply = page.inner_text("#log li.fish")
        assert reply and reply != "…" and "lost its train" not in reply
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(server.url))
        assert all(url.startswith((origin + "/", f"blob:{origin}/")) for url in session.requests)
        assert session.errors == []
        assert page.evaluate("window.glubCspViolations") == []
    finally:
        session.context.close()
