"""The four roles. Each turns model text into checked data; none trusts the model's JSON.

A malformed answer (no JSON, wrong shape) is asked again up to `max_malformed` more times; then the role
raises Malformed and the pipeline skips that batch with the reason logged.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from trainer import persona
from trainer.llm import prompts
from trainer.llm.client import Caller, CallFailed
from trainer.llm.diversity import NgramCounter
from trainer.llm.parse import Malformed, extract_json, json_list

log = logging.getLogger("trainer.llm")

SCHEMA_KEYS = ("input", "output", "category", "component")

# Output caps. Thinking tokens count toward max_tokens on the 5.x models, hence the headroom; the caps
# also bound what one runaway answer can cost.
THINKING_HEADROOM = 3000


def generator_max_tokens(n: int) -> int:
    return 80 * n + 500 + THINKING_HEADROOM  # a sample is ~50 tokens of JSON


def critic_max_tokens(n: int) -> int:
    return 60 * n + 300 + THINKING_HEADROOM


def guardian_max_tokens(n: int) -> int:
    return 20 * n + 300 + THINKING_HEADROOM


@dataclass
class Models:
    """Fast and cheap where volume is (writing, steering); stronger where judgement is (review, safety).
    The current models of November 2026; claude-sonnet-4-5 reaches end of life on 2026-11-30."""

    generator: str = "claude-haiku-5-5"
    diversifier: str = "claude-haiku-5-5"
    critic: str = "claude-sonnet-5-5"
    guardian: str = "claude-sonnet-5-5"

    def all(self) -> tuple[str, ...]:
        return (self.generator, self.diversifier, self.critic, self.guardian)


@dataclass
class Rejections:
    """Why samples were dropped, by reason, for the run summary."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str, n: int = 1) -> None:
        if n:
            self.counts[reason] += n


def to_sample(item: Any, topic: str) -> tuple[dict | None, list[str]]:
    """One model element -> a sample with its topic, or the validator's problems."""
    if not isinstance(item, dict):
        return None, ["not a JSON object"]
    sample = {key: item.get(key) for key in SCHEMA_KEYS}
    if isinstance(sample["output"], str):
        sample["output"] = sample["output"].strip()
    if isinstance(sample["input"], str):
        sample["input"] = sample["input"].strip()
    problems = persona.validate_sample(sample)
    if problems:
        return None, problems
    # topic drives the train/test split; family is the name the offline data's split uses for the same idea.
    sample.update(topic=topic, family=f"topic:{topic}", source="anthropic")
    return sample, []


def parse_generator_answer(text: str, topic: str, rejections: Rejections) -> list[dict]:
    """Valid samples from a generator answer; raises Malformed when there is no usable array at all."""
    items = json_list(text, key="samples")
    if not any(isinstance(item, dict) for item in items):
        raise Malformed("the array holds no sample objects")
    samples = []
    for item in items:
        sample, problems = to_sample(item, topic)
        if sample is None:
            rejections.add("rulebook: " + re.sub(r"\d+", "N", problems[0].split(" (")[0]))  # one bucket per rule
        else:
            samples.append(sample)
    return samples


async def _ask(caller: Caller, model: str, system: str, user: str, max_tokens: int, what: str,
               max_malformed: int, parse: Any) -> Any:
    """Call and parse, asking again when the answer is malformed."""
    last: Malformed | None = None
    for attempt in range(max_malformed + 1):
        text = await caller.text(model, system, user, max_tokens)
        try:
            return parse(text)
        except Malformed as error:
            last = error
            log.info("%s: malformed answer (%s), attempt %d of %d", what, error, attempt + 1, max_malformed + 1)
    raise Malformed(f"{what}: {max_malformed + 1} malformed answers, last: {last}")


@dataclass
class Generator:
    caller: Caller
    model: str
    max_malformed: int = 2

    async def generate(self, topic: str, n: int, avoid: Sequence[str] = (), angles: Sequence[str] = (),
                       rejections: Rejections | None = None) -> list[dict]:
        rejections = rejections if rejections is not None else Rejections()
        user = prompts.generator_prompt(topic, n, avoid, angles)
        return await _ask(self.caller, self.model, prompts.GENERATOR_SYSTEM, user, generator_max_tokens(n),
                          f"generator[{topic}]", self.max_malformed,
                          lambda text: parse_generator_answer(text, topic, rejections))


def _verdicts(text: str, n: int) -> dict[int, dict]:
    items = json_list(text, key="verdicts")
    verdicts: dict[int, dict] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("verdict") not in ("accept", "fix", "reject"):
            continue
        index = item.get("i")
        if isinstance(index, int) and 0 <= index < n:
            verdicts[index] = item
    if n and not verdicts:
        raise Malformed("no usable verdicts")
    return verdicts


@dataclass
class Critic:
    caller: Caller
    model: str
    max_malformed: int = 2

    async def review(self, samples: list[dict], rejections: Rejections) -> list[dict]:
        if not samples:
            return []
        verdicts = await _ask(self.caller, self.model, prompts.CRITIC_SYSTEM, prompts.critic_prompt(samples),
                              critic_max_tokens(len(samples)), "critic", self.max_malformed,
                              lambda text: _verdicts(text, len(samples)))
        kept = []
        for i, sample in enumerate(samples):
            verdict = verdicts.get(i)
            if verdict is None:
                rejections.add("critic: no verdict")  # unreviewed is not accepted
                continue
            if verdict["verdict"] == "reject":
                rejections.add("critic: reject")
                log.debug("critic rejected %r: %s", sample["output"], verdict.get("reason"))
                continue
            if verdict["verdict"] == "fix":
                fixed = dict(sample, output=str(verdict.get("output") or "").strip())
                if persona.validate_sample({k: fixed[k] for k in SCHEMA_KEYS}):
                    rejections.add("critic: fix broke the rules")
                    continue
                fixed["fixed_by_critic"] = str(verdict.get("reason") or "")[:200]
                sample = fixed
            kept.append(sample)
        return kept


def _flagged(text: str, n: int) -> dict[int, str]:
    items = json_list(text, key="flagged")
    flagged = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("i"), int):
            raise Malformed("a flagged entry without an index")
        flagged[item["i"]] = str(item.get("reason") or "")
    return flagged


@dataclass
class Guardian:
    caller: Caller
    model: str
    max_malformed: int = 2

    @staticmethod
    def screen(samples: list[dict], rejections: Rejections) -> list[dict]:
        """The deterministic rulebook filter, on the message as well as the reply: the tiny model should
        never even read the forbidden names."""
        kept = []
        for sample in samples:
            found = persona.forbidden_concepts(sample["input"]) + persona.forbidden_concepts(sample["output"])
            if found or persona.claims_memory(sample["output"]):
                rejections.add("guardian: rulebook")
                continue
            kept.append(sample)
        return kept

    async def check(self, samples: list[dict], rejections: Rejections) -> list[dict]:
        """The model's check. A guardian that cannot answer fails closed: the caller skips the batch."""
        samples = self.screen(samples, rejections)
        if not samples:
            return []
        flagged = await _ask(self.caller, self.model, prompts.GUARDIAN_SYSTEM, prompts.guardian_prompt(samples),
                             guardian_max_tokens(len(samples)), "guardian", self.max_malformed,
                             lambda text: _flagged(text, len(samples)))
        for index, reason in flagged.items():
            log.debug("guardian flagged %r: %s", samples[index]["output"] if 0 <= index < len(samples) else index,
                      reason)
        rejections.add("guardian: model", sum(1 for i in flagged if 0 <= i < len(samples)))
        return [s for i, s in enumerate(samples) if i not in flagged]


def _steering(text: str) -> tuple[list[str], list[str]]:
    value = extract_json(text, "{")
    if not isinstance(value, dict):
        raise Malformed("expected an object")
    avoid = [str(p) for p in value.get("avoid", []) if isinstance(p, str)][:12]
    angles = [str(a) for a in value.get("angles", []) if isinstance(a, str)][:6]
    return avoid, angles


@dataclass
class Diversifier:
    """Counts repetition locally; every `every` accepted batches asks the fast model to turn the counts
    into phrases to avoid and fresh angles for the next generator prompts."""

    caller: Caller
    model: str
    every: int = 5
    counter: NgramCounter = field(default_factory=NgramCounter)
    avoid: list[str] = field(default_factory=list)
    angles: list[str] = field(default_factory=list)
    _batches: int = 0

    def observe(self, samples: Sequence[dict]) -> None:
        self.counter.add(s["output"] for s in samples)

    async def after_batch(self, samples: Sequence[dict]) -> None:
        self.observe(samples)
        self._batches += 1
        if self._batches % self.every == 0:
            await self.steer()

    async def steer(self) -> None:
        """New steering from the current counts: the model's reading of them, or the counts alone."""
        repeated = self.counter.repeated()
        if not repeated:
            self.avoid, self.angles = [], []
            return
        local = [phrase.removesuffix(" ... (opening)") for phrase, _ in repeated[:12]]
        try:
            user = prompts.diversifier_prompt(repeated, self.counter.replies)
            avoid, angles = await _ask(self.caller, self.model, prompts.DIVERSIFIER_SYSTEM, user,
                                       600 + THINKING_HEADROOM, "diversifier", 1, _steering)
        except (CallFailed, Malformed) as error:  # steering is advice: the local counts still steer
            log.info("diversifier: %s; steering with the local counts only", error)
            avoid, angles = local, self.angles
        self.avoid, self.angles = avoid or local, angles
