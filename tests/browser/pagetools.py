"""Driving the Glub page: a context that records requests and errors, waiting for the model, chatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BOOT_TIMEOUT_MS = 60_000
REPLY_TIMEOUT_MS = 30_000


@dataclass
class Session:
    """A page of its own browser context, with everything it requested and every error it logged."""

    context: Any
    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# Every Content-Security-Policy violation of the page, as "directive blocked-uri source:line".
RECORD_CSP_VIOLATIONS = """window.glubCspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.glubCspViolations.push(
  `${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def open_session(browser: Any, **context_options: Any) -> Session:
    context = browser.new_context(viewport={"width": 900, "height": 760}, **context_options)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    session = Session(context=context, page=context.new_page())
    # On the context, so that worker and service-worker requests are seen too.
    context.on("request", lambda request: session.requests.append(request.url))
    session.page.on("console", lambda message: session.errors.append(message.text) if message.type == "error" else None)
    session.page.on("pageerror", lambda error: session.errors.append(f"uncaught: {error}"))
    return session


def wait_for_model(page: Any) -> None:
    """Until the model is ready; fails with the status line's text if the page reports an error."""
    page.wait_for_function(
        "document.body.dataset.model === 'ready' || document.querySelector('#status').classList.contains('error')",
        timeout=BOOT_TIMEOUT_MS,
    )
    status = page.inner_text("#status")
    assert page.evaluate("document.body.dataset.model") == "ready", f"model did not load: {status}"


def say(page: Any, message: str) -> str:
    """Type ``message``, press Enter, and return the fish's reply once it is complete."""
    page.evaluate("document.querySelector('#reply').dataset.state = 'idle'")
    page.fill("#message", message)
    page.press("#message", "Enter")
    page.wait_for_function("document.querySelector('#reply').dataset.state === 'done'", timeout=REPLY_TIMEOUT_MS)
    return page.inner_text("#reply")
