"""The generation loop over an abstract model, shared by the page, the CLI and the trainer.

``ReplyGenerator`` is sans-IO: it says which ids the model must read next and takes the logits
back, so the browser can drive it with ``await`` on onnxruntime-web and CPython with a plain
call, through the same code. A model keeps its own KV cache between ``forward`` calls.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol

from engine_py.chat import BOS_ID, EOS_ID, FISH_ID, MAX_CONTEXT, PAD_ID, REPLY_BUDGET, USER_ID, build_prompt
from engine_py.sampler import SamplerSettings, sample_token
from engine_py.tokenizer import Tokenizer

# A reply may only end with <eos>; the other special tokens never belong in it.
NEVER_IN_A_REPLY = (PAD_ID, BOS_ID, USER_ID, FISH_ID)


class StepModel(Protocol):
    """A language model with a cache: ``forward`` reads new ids and returns last-position logits."""

    def reset(self) -> None: ...

    def forward(self, ids: list[int]) -> Sequence[float]: ...


class ReplyGenerator:
    """One reply, token by token: feed it the logits for ``pending`` until ``done``."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        message: str,
        settings: SamplerSettings | None = None,
        seed: int | None = None,
        reply_budget: int = REPLY_BUDGET,
    ) -> None:
        self.tokenizer = tokenizer
        self.settings = settings or SamplerSettings()
        self.rng = random.Random(seed)
        self.prompt = build_prompt(tokenizer.encode(message), reply_budget)
        self.max_new = min(reply_budget, MAX_CONTEXT - len(self.prompt))
        self.reply_ids: list[int] = []
        self.pending: list[int] = list(self.prompt)
        self.done = False
        self.text = ""

    def feed(self, logits: Sequence[float]) -> str:
        """Sample the next token from ``logits`` and return the text it adds (may be '')."""
        if self.done:
            raise RuntimeError("this reply is finished")
        token = sample_token(logits, self.settings, self.rng, seen=self.reply_ids, banned=NEVER_IN_A_REPLY)
        if token == EOS_ID:
            self.done = True
            self.pending = []
            return ""
        self.reply_ids.append(token)
        self.pending = [token]
        if len(self.reply_ids) >= self.max_new:
            self.done = True
            self.pending = []
        # Decode the whole reply so a character split across byte tokens appears only once complete.
        text = self.tokenizer.decode(self.reply_ids)
        if text.endswith("\ufffd") and not self.done:
            return ""
        piece, self.text = text[len(self.text) :], text
        return piece


def generate_reply(
    model: StepModel,
    tokenizer: Tokenizer,
    message: str,
    settings: SamplerSettings | None = None,
    seed: int | None = None,
    reply_budget: int = REPLY_BUDGET,
) -> str:
    """Run a whole reply synchronously (CPython hosts)."""
    generator = ReplyGenerator(tokenizer, message, settings, seed, reply_budget)
    model.reset()
    while not generator.done:
        generator.feed(model.forward(generator.pending))
    return generator.text.strip()
