"""The concurrent Messages API run: generator -> rulebook -> critic -> guardian -> append, until the
store holds exactly `target` samples, the budget is spent, or batches keep failing."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import anthropic

from trainer.llm.client import Caller, CallFailed
from trainer.llm.parse import Malformed
from trainer.llm.prompts import TOPICS
from trainer.llm.roles import Critic, Diversifier, Generator, Guardian, Models, Rejections
from trainer.llm.store import SampleStore

log = logging.getLogger("trainer.llm")

SAMPLES_FILE = "anthropic.jsonl"
STATE_FILE = "anthropic.state.json"

# What skips a batch (logged, counted) rather than stopping the run. Anything else is a bug and surfaces.
BATCH_ERRORS = (CallFailed, Malformed, anthropic.AnthropicError)


@dataclass
class PipelineConfig:
    out_dir: Path
    target: int
    batch_size: int = 50
    concurrency: int = 4
    models: Models = field(default_factory=Models)
    max_malformed: int = 2
    max_failed_batches: int = 8  # in a row: a broken prompt or model should stop the run, not burn money
    diversify_every: int = 5
    topics: Sequence[str] = TOPICS
    seed: int = 0

    @property
    def samples_path(self) -> Path:
        return Path(self.out_dir) / SAMPLES_FILE

    @property
    def state_path(self) -> Path:
        return Path(self.out_dir) / STATE_FILE


@dataclass
class RunResult:
    stop_reason: str  # "target", "budget" or "failures"
    total: int
    written: int
    batches: int = 0
    skipped: list[str] = field(default_factory=list)
    rejections: Counter[str] = field(default_factory=Counter)


class TopicPicker:
    """The least-covered topic next (stored plus in flight), ties in a seeded order, so coverage stays even
    and the held-out topics get their share."""

    def __init__(self, topics: Sequence[str], samples: Sequence[dict], seed: int) -> None:
        order = list(topics)
        random.Random(seed).shuffle(order)
        self.rank = {topic: i for i, topic in enumerate(order)}
        self.load: Counter[str] = Counter({topic: 0 for topic in order})
        for sample in samples:
            if sample.get("topic") in self.rank:
                self.load[sample["topic"]] += 1

    def take(self, amount: int) -> str:
        topic = min(self.rank, key=lambda t: (self.load[t], self.rank[t]))
        self.load[topic] += amount
        return topic

    def settle(self, topic: str, reserved: int, written: int) -> None:
        self.load[topic] += written - reserved


class Reviewer:
    """Rulebook, critic and guardian over one topic's fresh samples; shared by both run modes."""

    def __init__(self, caller: Caller, config: PipelineConfig) -> None:
        self.critic = Critic(caller, config.models.critic, config.max_malformed)
        self.guardian = Guardian(caller, config.models.guardian, config.max_malformed)

    async def review(self, samples: list[dict], rejections: Rejections) -> list[dict]:
        samples = Guardian.screen(samples, rejections)  # cheap first: the critic never reads forbidden text
        samples = await self.critic.review(samples, rejections)
        return await self.guardian.check(samples, rejections)


class Pipeline:
    def __init__(self, caller: Caller, config: PipelineConfig, store: SampleStore | None = None) -> None:
        self.caller = caller
        self.config = config
        self.store = store if store is not None else SampleStore(config.samples_path)
        self.generator = Generator(caller, config.models.generator, config.max_malformed)
        self.reviewer = Reviewer(caller, config)
        self.diversifier = Diversifier(caller, config.models.diversifier, config.diversify_every)
        self.diversifier.observe(self.store.samples)  # a resumed run steers from what is already written
        self.rejections = Rejections()
        self.picker = TopicPicker(config.topics, self.store.samples, config.seed)
        self._generated = 0
        self._kept = 0

    def _yield(self) -> float:
        """Share of generated samples that end up written; early on, assume all (launch no extra batches)."""
        if self._generated < self.config.batch_size:
            return 1.0
        return max(0.2, self._kept / self._generated)

    async def _batch(self, topic: str) -> list[dict]:
        size = self.config.batch_size
        samples = await self.generator.generate(topic, size, self.diversifier.avoid, self.diversifier.angles,
                                                self.rejections)
        self._generated += size
        samples = self.store.new_only(samples)
        return await self.reviewer.review(samples, self.rejections)

    async def run(self) -> RunResult:
        config, store = self.config, self.store
        start = len(store)
        result = RunResult(stop_reason="target", total=start, written=0)
        pending: dict[asyncio.Task[list[dict]], tuple[str, int]] = {}
        failures = 0
        stop: str | None = None
        try:
            while True:
                if stop is None:
                    if len(store) >= config.target:
                        stop = "target"
                    elif self.caller.cost.exhausted:
                        stop = "budget"
                        log.warning("budget reached (%s); finishing %d batches in flight",
                                    self.caller.cost.summary(), len(pending))
                    elif failures >= config.max_failed_batches:
                        stop = "failures"
                if stop == "target":
                    break  # what is still in flight is not needed
                expected = len(pending) * config.batch_size * self._yield()
                while stop is None and len(pending) < config.concurrency and len(store) + expected < config.target:
                    reserve = min(config.batch_size, config.target - len(store))
                    topic = self.picker.take(reserve)
                    pending[asyncio.create_task(self._batch(topic))] = (topic, reserve)
                    expected += config.batch_size * self._yield()
                if not pending:
                    break
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    topic, reserve = pending.pop(task)
                    result.batches += 1
                    try:
                        samples = task.result()
                    except BATCH_ERRORS as error:
                        failures += 1
                        result.skipped.append(f"{topic}: {error}")
                        log.warning("batch on %r skipped: %s", topic, error)
                        self.picker.settle(topic, reserve, 0)
                        continue
                    # The one place that writes, on the event loop: batches never interleave in the file.
                    written = store.append(samples, limit=config.target - len(store))
                    self._kept += written
                    failures = 0
                    self.picker.settle(topic, reserve, written)
                    log.info("%s: +%d (%d/%d), %s", topic, written, len(store), config.target,
                             self.caller.cost.summary())
                    if len(store) < config.target:
                        try:
                            await self.diversifier.after_batch(samples)
                        except BATCH_ERRORS as error:
                            log.info("diversifier skipped: %s", error)
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
        result.stop_reason = stop or "target"
        result.total = len(store)
        result.written = len(store) - start
        result.rejections = self.rejections.counts
        return result
