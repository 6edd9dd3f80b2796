"""Quality gates a quantized variant must pass before the export writes its manifest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    max_perplexity_increase: float  # quantized ppl may be at most this much above fp32 (0.03 = 3%)
    min_agreement: float  # share of greedy tokens equal to fp32's


GATES = {
    "int8": Gate(max_perplexity_increase=0.03, min_agreement=0.90),
    "q4": Gate(max_perplexity_increase=0.06, min_agreement=0.0),
}


def gate_failures(variant: str, agreement: float, fp32_perplexity: float | None, perplexity: float | None) -> list[str]:
    """Why ``variant`` may not ship; empty when it may. Being better than fp32 is never a failure."""
    gate = GATES[variant]
    failures = []
    if agreement < gate.min_agreement:
        failures.append(f"greedy agreement {agreement:.1%} < {gate.min_agreement:.0%}")
    if fp32_perplexity is not None and perplexity is not None:
        limit = fp32_perplexity * (1 + gate.max_perplexity_increase)
        if perplexity > limit:
            failures.append(
                f"test perplexity {perplexity:.3f} > {limit:.3f} (fp32 {fp32_perplexity:.3f} "
                f"+ {gate.max_perplexity_increase:.0%})"
            )
    return failures
