"""Prices per model and the spend so far, from the `usage` block of every answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# USD per million tokens (input, output), from the model pages on platform.claude.com (November 2026).
# Dated ids resolve by prefix (claude-haiku-4-5-20251001 -> claude-haiku-4-5). Haiku 5.5 bills 5x more
# for prompts over 100k tokens; ours are a few thousand. A model not here must be priced with --price:
# a budget cap that silently counts a model as free would not be a cap.
PRICES: dict[str, tuple[float, float]] = {
    "claude-haiku-5-5": (0.10, 0.50),
    "claude-sonnet-5-5": (2.0, 10.0),
    "claude-sonnet-5": (2.0, 10.0),
    "claude-opus-5-5": (4.0, 20.0),
    "claude-haiku-4-5": (1.0, 5.0),
    "claude-sonnet-4-6": (3.0, 15.0),
    "claude-sonnet-4-5": (3.0, 15.0),
}
CACHE_WRITE_FACTOR = 1.25  # 5-minute cache writes cost 1.25x input
CACHE_READ_FACTOR = 0.1
BATCH_DISCOUNT = 0.5  # the Message Batches API bills half price


def price_of(model: str, prices: dict[str, tuple[float, float]] | None = None) -> tuple[float, float]:
    table = prices if prices is not None else PRICES
    # Longest prefix wins so that "claude-sonnet-4-5" is not priced as "claude-sonnet-4".
    for name in sorted(table, key=len, reverse=True):
        if model == name or model.startswith(name + "-"):
            return table[name]
    raise ValueError(f"no price known for model {model!r}; pass --price {model}=INPUT,OUTPUT (USD per MTok)")


def _get(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
    return int(value or 0)


@dataclass
class CostTracker:
    """Spend so far against an optional cap. Single event loop: no lock needed."""

    budget_usd: float | None = None
    prices: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(PRICES))
    spent_usd: float = 0.0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    by_model: dict[str, float] = field(default_factory=dict)

    def check_models(self, *models: str) -> None:
        """Fail before the first call, not after money is spent, when a model has no price."""
        for model in models:
            price_of(model, self.prices)

    def cost_of(self, model: str, usage: Any, batch: bool = False) -> float:
        price_in, price_out = price_of(model, self.prices)
        tokens_in = _get(usage, "input_tokens")
        cache_write = _get(usage, "cache_creation_input_tokens")
        cache_read = _get(usage, "cache_read_input_tokens")
        dollars = (
            tokens_in * price_in
            + cache_write * price_in * CACHE_WRITE_FACTOR
            + cache_read * price_in * CACHE_READ_FACTOR
            + _get(usage, "output_tokens") * price_out
        ) / 1_000_000
        return dollars * (BATCH_DISCOUNT if batch else 1.0)

    def record(self, model: str, usage: Any, batch: bool = False) -> float:
        dollars = self.cost_of(model, usage, batch)
        self.spent_usd += dollars
        self.calls += 1
        self.input_tokens += _get(usage, "input_tokens")
        self.output_tokens += _get(usage, "output_tokens")
        self.by_model[model] = self.by_model.get(model, 0.0) + dollars
        return dollars

    @property
    def exhausted(self) -> bool:
        return self.budget_usd is not None and self.spent_usd >= self.budget_usd

    def summary(self) -> str:
        cap = f" of ${self.budget_usd:.2f}" if self.budget_usd is not None else ""
        return (f"${self.spent_usd:.4f}{cap} over {self.calls} calls "
                f"({self.input_tokens} input, {self.output_tokens} output tokens)")
