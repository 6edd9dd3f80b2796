"""The Message Batches API run, for tens of thousands of samples at half the generator price.

Round by round: submit one generator request per 50 samples still missing, poll until the batch ends,
collect its results, review each answer (critic and guardian through the Messages API, concurrently) and
append. The batch id and the results already collected live in the state file beside the output, so a
restarted run polls the same batch instead of paying for a new one.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, field

from trainer.llm import prompts
from trainer.llm.client import Caller, message_text
from trainer.llm.parse import Malformed
from trainer.llm.pipeline import BATCH_ERRORS, PipelineConfig, Reviewer, RunResult, TopicPicker
from trainer.llm.roles import (
    Diversifier,
    Rejections,
    critic_max_tokens,
    generator_max_tokens,
    guardian_max_tokens,
    parse_generator_answer,
)
from trainer.llm.store import SampleStore, read_state, write_state

log = logging.getLogger("trainer.llm")

MAX_REQUESTS = 10_000  # well under the API's 100,000 requests / 256 MB per batch
USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


@dataclass
class Answer:
    """One line of a batch's results, reduced to what the review needs."""

    custom_id: str
    kind: str  # succeeded, errored, canceled or expired
    text: str = ""
    model: str = ""
    usage: dict[str, int] = field(default_factory=dict)


class BatchRunner:
    def __init__(self, caller: Caller, config: PipelineConfig, poll_s: float = 60.0, max_rounds: int = 6,
                 store: SampleStore | None = None) -> None:
        self.caller = caller
        self.config = config
        self.poll_s = poll_s
        self.max_rounds = max_rounds
        self.store = store if store is not None else SampleStore(config.samples_path)
        self.reviewer = Reviewer(caller, config)
        self.diversifier = Diversifier(caller, config.models.diversifier, config.diversify_every)
        self.diversifier.observe(self.store.samples)
        self.rejections = Rejections()
        self.state = read_state(config.state_path)
        self.result = RunResult(stop_reason="target", total=len(self.store), written=0)
        self._aborted = False

    def _save(self) -> None:
        write_state(self.config.state_path, self.state)

    def _request_cost_estimate(self) -> float:
        """Every allowed output token used, at the batch price, plus its review at full price."""
        size = self.config.batch_size
        models = self.config.models
        cost = self.caller.cost
        prompt = 1500 + 40 * size  # the rules and the numbered samples
        generate = cost.cost_of(models.generator, {"input_tokens": 2000, "output_tokens": generator_max_tokens(size)},
                                batch=True)
        review = cost.cost_of(models.critic, {"input_tokens": prompt, "output_tokens": critic_max_tokens(size)})
        guard = cost.cost_of(models.guardian, {"input_tokens": prompt, "output_tokens": guardian_max_tokens(size)})
        return generate + review + guard

    async def _submit(self) -> bool:
        """One generator request per batch of samples still missing (plus a margin for rejections)."""
        config = self.config
        missing = config.target - len(self.store)
        count = min(MAX_REQUESTS, math.ceil(missing * 1.25 / config.batch_size))
        budget = self.caller.cost.budget_usd
        if budget is not None:
            # A batch is billed when it ends, so cap its size up front by a pessimistic cost per request.
            count = min(count, int((budget - self.caller.cost.spent_usd) / self._request_cost_estimate()))
        if count <= 0:
            return False
        picker = TopicPicker(config.topics, self.store.samples, config.seed + self.state.get("round", 0))
        # One steering for the whole round, from everything stored so far.
        await self.diversifier.steer()
        round_no = self.state.get("round", 0) + 1
        requests, topics = [], {}
        for i in range(count):
            topic = picker.take(config.batch_size)
            custom_id = f"r{round_no}-{i:05d}"
            topics[custom_id] = topic
            user = prompts.generator_prompt(topic, config.batch_size, self.diversifier.avoid, self.diversifier.angles)
            params = self.caller.params(config.models.generator, prompts.GENERATOR_SYSTEM, user,
                                        generator_max_tokens(config.batch_size))
            requests.append({"custom_id": custom_id, "params": params})
        batch = await self.caller.retrying("batches.create", lambda: self.caller.client.messages.batches.create(
            requests=requests))
        # Persist before anything else can fail: from here a restart resumes this batch.
        self.state.update(batch_id=batch.id, round=round_no, topics=topics, collected=[])
        self._save()
        log.info("submitted batch %s: %d requests", batch.id, count)
        return True

    async def _wait(self, batch_id: str) -> None:
        while True:
            batch = await self.caller.retrying("batches.retrieve",
                                               lambda: self.caller.client.messages.batches.retrieve(batch_id))
            counts = batch.request_counts
            log.info("batch %s: %s (%d processing, %d succeeded, %d errored)", batch_id, batch.processing_status,
                     counts.processing, counts.succeeded, counts.errored)
            if batch.processing_status == "ended":
                return
            await self.caller.sleep(self.poll_s)

    async def _collect_one(self, entry: Answer, semaphore: asyncio.Semaphore) -> None:
        try:
            await self._review_entry(entry, semaphore)
        except BaseException:
            # An interrupt or a bug in one entry stops the others before they start: what is marked
            # collected stays exactly what was written.
            self._aborted = True
            raise

    async def _review_entry(self, entry: Answer, semaphore: asyncio.Semaphore) -> None:
        custom_id = entry.custom_id
        topic = self.state["topics"].get(custom_id)
        if topic is None or entry.kind != "succeeded":
            self.result.skipped.append(f"{custom_id}: {entry.kind}")
            log.warning("batch request %s: %s", custom_id, entry.kind)
        else:
            # The batch already billed this answer: count it before deciding whether to review it.
            self.caller.cost.record(entry.model or self.config.models.generator, entry.usage, batch=True)
            try:
                samples = parse_generator_answer(entry.text, topic, self.rejections)
                async with semaphore:
                    if self._aborted or self.caller.cost.exhausted:
                        return  # not marked collected: the next run picks it up again
                    if len(self.store) < self.config.target:
                        samples = await self.reviewer.review(self.store.new_only(samples), self.rejections)
                        self.store.append(samples, limit=self.config.target - len(self.store))
                        self.diversifier.observe(samples)
            except (Malformed, *BATCH_ERRORS) as error:
                self.result.skipped.append(f"{custom_id}: {error}")
                log.warning("batch request %s skipped: %s", custom_id, error)
        self.state["collected"].append(custom_id)
        self._save()

    async def _collect(self, batch_id: str) -> None:
        done = set(self.state.get("collected", []))
        entries = []
        decoder = await self.caller.retrying("batches.results",
                                             lambda: self.caller.client.messages.batches.results(batch_id))
        # Read the whole file first (reviewing takes far longer than a download stays open), keeping only
        # what is used: text, not the SDK's objects, is what ten thousand answers cost in memory.
        async for entry in decoder:
            if entry.custom_id in done:
                continue
            result = entry.result
            if result.type == "succeeded":
                message = result.message
                usage = {name: getattr(message.usage, name, 0) or 0 for name in USAGE_FIELDS}
                entries.append(Answer(entry.custom_id, "succeeded", message_text(message), message.model, usage))
            else:
                entries.append(Answer(entry.custom_id, result.type))
        semaphore = asyncio.Semaphore(self.config.concurrency)
        await asyncio.gather(*(self._collect_one(entry, semaphore) for entry in entries))
        if len(self.state["collected"]) >= len(self.state["topics"]) or len(self.store) >= self.config.target:
            self.state.update(batch_id=None, topics={}, collected=[])
            self._save()

    async def run(self) -> RunResult:
        start = len(self.store)
        stop = "rounds"  # every round ran and the target is still not met (too many rejections)
        for _ in range(self.max_rounds):
            if len(self.store) >= self.config.target:
                stop = "target"
                break
            if self.state.get("batch_id") is None:
                if self.caller.cost.exhausted or not await self._submit():
                    stop = "budget"
                    break
            else:
                log.info("resuming batch %s", self.state["batch_id"])
            batch_id = self.state["batch_id"]
            await self._wait(batch_id)
            await self._collect(batch_id)
            if self.state.get("batch_id") is not None:
                stop = "budget"  # results left unreviewed for lack of budget; they stay collectable
                break
        else:
            if len(self.store) >= self.config.target:
                stop = "target"
        self.result.stop_reason = stop
        self.result.total = len(self.store)
        self.result.written = len(self.store) - start
        self.result.rejections = self.rejections.counts
        return self.result
