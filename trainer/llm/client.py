"""One Messages API call with our own retries, so backoff and sleeping are injectable and testable.

The SDK client is built with max_retries=0: its internal retries would sleep on the real clock and
spend money outside the cost tracker's view.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anthropic

from trainer.llm.cost import CostTracker

log = logging.getLogger("trainer.llm")

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

# 408/409 are transient on this API; 429 is rate limiting; 5xx and 529 (overloaded) are server side.
RETRY_STATUSES = frozenset({408, 409, 429})


class CallFailed(Exception):
    """A call that kept failing (or failed in a way retrying cannot fix). The batch is skipped."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_s: float = 1.0
    cap_s: float = 60.0
    jitter: float = 0.25  # fraction of the delay, so concurrent workers do not retry in lockstep


def make_client(api_key: str, http_client: Any = None, timeout_s: float = 120.0) -> anthropic.AsyncAnthropic:
    kwargs: dict[str, Any] = {"api_key": api_key, "max_retries": 0, "timeout": timeout_s}
    if http_client is not None:
        kwargs["http_client"] = http_client
    return anthropic.AsyncAnthropic(**kwargs)


def retry_after_s(error: anthropic.APIStatusError) -> float | None:
    """The server's own wait, when it gave one: retry-after-ms is finer than retry-after seconds."""
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            continue  # an HTTP-date retry-after: fall back to our own backoff
    return None


def backoff_s(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    delay = min(policy.cap_s, policy.base_s * (2 ** attempt))
    return delay * (1.0 + policy.jitter * rng.random())


@dataclass
class Caller:
    """Bundles the client, the clock-free sleep, the retry policy and the cost tracker."""

    client: anthropic.AsyncAnthropic
    cost: CostTracker
    sleep: Sleep
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    # The 5.x models think by default and bill thinking as output; these tasks need little of it.
    # None leaves output_config out, for models that do not take an effort.
    effort: str | None = "low"

    def params(self, model: str, system: str, user: str, max_tokens: int) -> dict[str, Any]:
        """The request body of one call (also a Message Batches request's `params`)."""
        params: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "system": system,
                                  "messages": [{"role": "user", "content": user}]}
        if self.effort is not None:
            params["output_config"] = {"effort": self.effort}
        return params

    async def retrying(self, what: str, make: Callable[[], Awaitable[T]]) -> T:
        """Await `make()` until it succeeds, sleeping between attempts; CallFailed when it will not."""
        for attempt in range(self.policy.attempts):
            try:
                return await make()
            except anthropic.APIStatusError as error:
                status = error.status_code
                if status not in RETRY_STATUSES and status < 500:
                    raise CallFailed(f"{what}: HTTP {status}: {error.message}") from error
                wait = retry_after_s(error) if status == 429 else None
                if wait is None:
                    wait = backoff_s(self.policy, attempt, self.rng)
                log.info("%s: HTTP %s, retry %d in %.1fs", what, status, attempt + 1, wait)
            except anthropic.APIConnectionError as error:
                wait = backoff_s(self.policy, attempt, self.rng)
                log.info("%s: connection error (%s), retry %d in %.1fs", what, error, attempt + 1, wait)
            if attempt + 1 < self.policy.attempts:
                await self.sleep(wait)
        raise CallFailed(f"{what}: gave up after {self.policy.attempts} attempts")

    async def text(self, model: str, system: str, user: str, max_tokens: int) -> str:
        """The text of one answer, its usage recorded. Failed attempts return no usage and are not billed."""
        params = self.params(model, system, user, max_tokens)
        message = await self.retrying(model, lambda: self.client.messages.create(**params))
        self.cost.record(model, message.usage)
        if message.stop_reason == "refusal":
            raise CallFailed(f"{model}: refused the request")  # asking again gets the same answer
        if message.stop_reason == "max_tokens":
            log.info("%s: answer cut at max_tokens=%d", model, max_tokens)  # then it parses as malformed
        return message_text(message)


def message_text(message: Any) -> str:
    return "".join(block.text for block in message.content if getattr(block, "type", None) == "text")
