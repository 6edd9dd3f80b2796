"""The Anthropic pipeline end to end: the real `anthropic` client over a fake HTTP transport that answers
like the Messages and Message Batches APIs. Sleeps are injected (recorded, never waited)."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from pathlib import Path

import pytest

try:  # the installed SDK (anthropic 2.x) speaks httpx2; older ones speak httpx with the same transport API
    import httpx2
except ImportError:  # pragma: no cover
    import httpx as httpx2

from trainer import persona
from trainer.llm import cli
from trainer.llm.batch import BatchRunner
from trainer.llm.client import Caller, RetryPolicy, make_client
from trainer.llm.cost import CostTracker
from trainer.llm.pipeline import Pipeline, PipelineConfig
from trainer.llm.store import SampleStore, read_state, sample_key

BATCH_URL = "https://api.anthropic.com/v1/messages/batches"
WORLD = ("bowl", "water", "bubbles", "gravel", "castle", "glass", "light", "flakes")


def error_body(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}


def message_json(text: str, model: str, input_tokens: int, output_tokens: int) -> dict:
    return {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


class Killed(BaseException):
    """A kill at a chosen moment (BaseException: nothing in the pipeline may swallow it)."""


class FakeAnthropic(httpx2.AsyncBaseTransport):
    """A small Anthropic API: a scripted reply (status, headers, text) per role, or the default behaviour.

    Generator: `n` fresh, valid samples on the asked topic. Critic: accepts all, fixes replies holding
    "fix me", rejects those holding "reject me". Guardian: flags replies that mention a moustache.
    """

    def __init__(self, polls_in_progress: int = 2, usage: tuple[int, int] = (400, 300)) -> None:
        self.scripts: dict[str, list[tuple[int, dict, str | None]]] = {}
        self.calls: dict[str, list[dict]] = {"generator": [], "critic": [], "guardian": [], "diversifier": []}
        self.counter = 0
        self.usage = usage
        self.batches: dict[str, dict] = {}
        self.polls_in_progress = polls_in_progress
        self.creates = 0
        self.gate: asyncio.Event | None = None  # when set up, generator calls past `gate_after` wait on it
        self.gate_after = 0
        self.waiting = 0
        self.errored: set[str] = set()  # batch custom_ids whose result is an error
        self.kill_at: tuple[str, int] | None = None  # (role, n): the n-th call of that role kills the run

    def script(self, role: str, *replies: tuple[int, dict, str | None]) -> None:
        self.scripts.setdefault(role, []).extend(replies)

    def generate(self, topic: str, n: int) -> str:
        samples = []
        for _ in range(n):
            self.counter += 1
            k = self.counter
            world = WORLD[k % len(WORLD)]
            samples.append({
                "input": f"hi glub, what do you think of {topic}? ({k})",
                "output": f"glub! {topic} number {k} drifts past the {world} like a slow bubble, do you see it?",
                "category": "life", "component": persona.COMPONENTS[k % 4],
            })
        return json.dumps(samples)

    def answer(self, role: str, body: dict) -> str:
        user = body["messages"][0]["content"]
        if role == "generator":
            n = int(re.search(r"Write (\d+) samples", user).group(1))
            topic = re.search(r"about the topic: (.+)\.", user).group(1)
            return self.generate(topic, n)
        if role == "diversifier":
            return json.dumps({"avoid": ["drifts past the"], "angles": ["reply with a tiny poem"]})
        samples = [json.loads(line) for line in user.splitlines()[1:]]
        if role == "critic":
            verdicts = []
            for s in samples:
                if "reject me" in s["output"]:
                    verdicts.append({"i": s["i"], "verdict": "reject", "reason": "dull"})
                elif "fix me" in s["output"]:
                    verdicts.append({"i": s["i"], "verdict": "fix", "reason": "clumsy",
                                     "output": s["output"].replace("fix me", "oh, the bubbles")})
                else:
                    verdicts.append({"i": s["i"], "verdict": "accept", "reason": "fine"})
            return "```json\n" + json.dumps(verdicts) + "\n```"
        # guardian
        flagged = [{"i": s["i"], "reason": "alludes to the show"} for s in samples if "moustache" in s["output"]]
        return json.dumps({"flagged": flagged})

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(await request.aread() or b"{}")
        path = request.url.path
        if path == "/v1/messages":
            role = re.match(r"# Role: (\w+)", body["system"]).group(1)
            self.calls[role].append(body)
            if self.kill_at == (role, len(self.calls[role])):
                raise Killed
            if role == "generator" and self.gate is not None and len(self.calls[role]) > self.gate_after:
                self.waiting += 1
                await self.gate.wait()
            if self.scripts.get(role):
                status, headers, text = self.scripts[role].pop(0)
                if status != 200:
                    return httpx2.Response(status, headers=headers, json=error_body("api_error", "scripted"))
                if "stop_reason" in headers:  # a scripted stop reason rides in the script's headers slot
                    reply = message_json(text, body["model"], *self.usage)
                    reply["stop_reason"] = headers["stop_reason"]
                    return httpx2.Response(200, json=reply)
            else:
                text = self.answer(role, body)
            return httpx2.Response(200, json=message_json(text, body["model"], *self.usage))
        if path == "/v1/messages/batches" and request.method == "POST":
            self.creates += 1
            batch_id = f"msgbatch_{self.creates:03d}"
            self.batches[batch_id] = {"requests": body["requests"], "polls": 0}
            return httpx2.Response(200, json=self.batch_json(batch_id))
        match = re.fullmatch(r"/v1/messages/batches/(\w+)(/results)?", path)
        if match and request.method == "GET":
            batch_id = match.group(1)
            if match.group(2):
                lines = []
                for req in self.batches[batch_id]["requests"]:
                    if req["custom_id"] in self.errored:
                        error = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
                        lines.append(json.dumps({"custom_id": req["custom_id"],
                                                 "result": {"type": "errored", "error": error}}))
                        continue
                    text = self.answer("generator", req["params"])
                    message = message_json(text, req["params"]["model"], *self.usage)
                    lines.append(json.dumps({"custom_id": req["custom_id"],
                                             "result": {"type": "succeeded", "message": message}}))
                return httpx2.Response(200, content="\n".join(lines).encode(),
                                       headers={"content-type": "application/binary"})
            self.batches[batch_id]["polls"] += 1
            return httpx2.Response(200, json=self.batch_json(batch_id))
        return httpx2.Response(404, json=error_body("not_found_error", path))

    def batch_json(self, batch_id: str) -> dict:
        batch = self.batches[batch_id]
        n = len(batch["requests"])
        ended = batch["polls"] > self.polls_in_progress
        return {
            "id": batch_id, "type": "message_batch", "processing_status": "ended" if ended else "in_progress",
            "request_counts": {"processing": 0 if ended else n, "succeeded": n if ended else 0, "errored": 0,
                               "canceled": 0, "expired": 0},
            "created_at": "2026-11-25T14:00:00Z", "expires_at": "2026-11-26T14:00:00Z",
            "ended_at": "2026-11-25T15:00:00Z" if ended else None, "archived_at": None,
            "cancel_initiated_at": None, "results_url": f"{BATCH_URL}/{batch_id}/results" if ended else None,
        }


class Sleeps:
    """The injected sleep: records every wait and yields to the loop, so nothing really waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def make_caller(fake: FakeAnthropic, sleeps: Sleeps, budget: float | None = None) -> Caller:
    client = make_client("test-key", httpx2.AsyncClient(transport=fake))
    return Caller(client, CostTracker(budget_usd=budget), sleeps, RetryPolicy())


def config(tmp_path: Path, target: int, **kwargs) -> PipelineConfig:
    return PipelineConfig(out_dir=tmp_path, target=target, **kwargs)


def run_pipeline(fake: FakeAnthropic, cfg: PipelineConfig, sleeps: Sleeps | None = None,
                 budget: float | None = None):
    caller = make_caller(fake, sleeps or Sleeps(), budget)
    return asyncio.run(Pipeline(caller, cfg).run()), caller


def stored(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_clean(samples: list[dict], target: int) -> None:
    assert len(samples) == target
    assert len({sample_key(s) for s in samples}) == target
    for s in samples:
        assert persona.validate_sample({k: s[k] for k in ("input", "output", "category", "component")}) == []
        assert s["topic"] and s["family"] == f"topic:{s['topic']}"


def test_happy_path_reaches_exact_target(tmp_path):
    fake = FakeAnthropic()
    cfg = config(tmp_path, 230, concurrency=3, diversify_every=2)
    result, caller = run_pipeline(fake, cfg)
    assert result.stop_reason == "target" and result.total == 230
    assert_clean(stored(cfg.samples_path), 230)
    assert caller.cost.spent_usd > 0 and caller.cost.calls == sum(len(c) for c in fake.calls.values())
    # the diversifier ran on the local counts and its steering reached a later generator prompt
    assert fake.calls["diversifier"]
    assert any("drifts past the" in c["messages"][0]["content"] for c in fake.calls["generator"][3:])
    assert {c["model"] for c in fake.calls["generator"]} == {"claude-haiku-5-5"}
    assert {c["model"] for c in fake.calls["critic"]} == {"claude-sonnet-5-5"}
    assert all(c["output_config"] == {"effort": "low"} for c in fake.calls["generator"])


def test_critic_fix_and_reject(tmp_path):
    fake = FakeAnthropic()
    batch = json.loads(fake.generate("rain", 50))
    batch[0]["output"] = "glub, fix me in the bowl, what was that?"
    batch[1]["output"] = "glub, reject me in the bowl, what was that?"
    fake.script("generator", (200, {}, json.dumps(batch)))
    cfg = config(tmp_path, 48, concurrency=1)
    result, _ = run_pipeline(fake, cfg)
    samples = stored(cfg.samples_path)
    assert result.rejections["critic: reject"] == 1
    assert samples[0]["output"] == "glub, oh, the bubbles in the bowl, what was that?"
    assert samples[0]["fixed_by_critic"] == "clumsy"
    assert all("reject me" not in s["output"] for s in samples)


def test_answers_are_checked_against_the_schema_and_rulebook(tmp_path):
    fake = FakeAnthropic()
    batch = json.loads(fake.generate("rain", 50))
    batch[0]["output"] = "GLUB, THE BOWL IS LOUD TODAY!"  # not lowercase
    batch[1]["output"] = "glub, water?"  # too short
    del batch[2]["component"]  # schema
    batch[3]["component"] = "sports_talk"  # not a component
    batch[4] = "just a string"
    fake.script("generator", (200, {}, json.dumps(batch)))
    cfg = config(tmp_path, 45, concurrency=1)
    result, _ = run_pipeline(fake, cfg)
    assert sum(n for reason, n in result.rejections.items() if reason.startswith("rulebook")) == 5
    assert_clean(stored(cfg.samples_path), 45)
    assert len(fake.calls["generator"]) == 1


def test_malformed_answers_are_asked_again(tmp_path):
    fake = FakeAnthropic()
    fake.script("generator", (200, {}, "Sure! Here are your samples: [{\"input\": \"hi\", \"out"),
                (200, {}, "I cannot write JSON today."))
    fake.script("critic", (200, {}, "[]"))
    cfg = config(tmp_path, 100, concurrency=1, max_malformed=2)
    result, _ = run_pipeline(fake, cfg)
    assert result.stop_reason == "target" and not result.skipped
    assert len(fake.calls["generator"]) == 4  # two malformed answers, then two good batches
    assert len(fake.calls["critic"]) == 3
    assert_clean(stored(cfg.samples_path), 100)


def test_malformed_past_the_limit_skips_the_batch(tmp_path):
    fake = FakeAnthropic()
    fake.script("generator", *[(200, {}, "not json")] * 2)
    cfg = config(tmp_path, 50, concurrency=1, max_malformed=1)
    result, _ = run_pipeline(fake, cfg)
    assert len(result.skipped) == 1 and "malformed" in result.skipped[0]
    assert result.total == 50


def test_rate_limit_honours_retry_after(tmp_path):
    fake = FakeAnthropic()
    fake.script("generator", (429, {"retry-after": "7"}, None))
    fake.script("critic", (429, {"retry-after": "2.5"}, None))
    sleeps = Sleeps()
    result, _ = run_pipeline(fake, config(tmp_path, 50, concurrency=1), sleeps)
    assert result.total == 50
    assert sleeps.waits == [7.0, 2.5]


def test_server_errors_back_off_exponentially(tmp_path):
    fake = FakeAnthropic()
    fake.script("generator", (500, {}, None), (529, {}, None), (503, {}, None))
    sleeps = Sleeps()
    result, _ = run_pipeline(fake, config(tmp_path, 50, concurrency=1), sleeps)
    assert result.total == 50
    assert len(sleeps.waits) == 3
    for attempt, wait in enumerate(sleeps.waits):
        assert 2 ** attempt <= wait <= 2 ** attempt * 1.25


def test_a_refusal_skips_the_batch_without_asking_again(tmp_path):
    fake = FakeAnthropic()
    fake.script("critic", (200, {"stop_reason": "refusal"}, ""))
    result, _ = run_pipeline(fake, config(tmp_path, 50, concurrency=1))
    assert len(result.skipped) == 1 and "refused" in result.skipped[0]
    assert len(fake.calls["critic"]) == 2 and result.total == 50


def test_client_errors_skip_the_batch_without_retrying(tmp_path):
    fake = FakeAnthropic()
    fake.script("generator", (400, {}, None))
    sleeps = Sleeps()
    result, _ = run_pipeline(fake, config(tmp_path, 50, concurrency=1), sleeps)
    assert sleeps.waits == [] and len(result.skipped) == 1 and "HTTP 400" in result.skipped[0]
    assert result.total == 50


def test_kill_and_resume_continue_to_exact_target(tmp_path):
    cfg = config(tmp_path, 400, concurrency=2)
    fake = FakeAnthropic()
    fake.gate, fake.gate_after = asyncio.Event(), 4  # the 5th and later generator calls hang

    async def killed_run() -> None:
        task = asyncio.create_task(Pipeline(make_caller(fake, Sleeps()), cfg).run())
        for _ in range(10_000):
            if fake.waiting >= 2:  # both workers hang in flight
                break
            await asyncio.sleep(0)
        assert fake.waiting >= 2
        task.cancel()  # a kill: the batches in flight are lost, nothing else
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(killed_run())
    before = stored(cfg.samples_path)
    assert 0 < len(before) < 400 and len(before) % 50 == 0
    with open(cfg.samples_path, "a") as f:
        f.write('{"input": "torn by the kill", "outp')  # a half-written line

    fresh = FakeAnthropic()  # its counter restarts: its first samples are exact duplicates of stored ones
    result, _ = run_pipeline(fresh, cfg)
    after = stored(cfg.samples_path)
    assert result.stop_reason == "target"
    assert after[: len(before)] == before
    assert_clean(after, 400)


def test_budget_stops_cleanly(tmp_path):
    fake = FakeAnthropic(usage=(2000, 2000))  # haiku 5.5 $0.0012 a call, sonnet 5.5 $0.024
    per_batch = 0.0012 + 2 * 0.024
    cfg = config(tmp_path, 5000, concurrency=2, diversify_every=1000)
    result, caller = run_pipeline(fake, cfg, budget=0.2)
    assert result.stop_reason == "budget"
    assert 0.2 <= caller.cost.spent_usd <= 0.2 + cfg.concurrency * per_batch + 1e-9
    assert_clean(stored(cfg.samples_path), result.total)
    # a later run with the same cap makes no call at all
    calls = sum(len(c) for c in fake.calls.values())
    again = make_caller(fake, Sleeps(), budget=0.2)
    again.cost.spent_usd = caller.cost.spent_usd
    assert asyncio.run(Pipeline(again, cfg).run()).stop_reason == "budget"
    assert sum(len(c) for c in fake.calls.values()) == calls


def test_guardian_rejects_forbidden_samples(tmp_path):
    fake = FakeAnthropic()
    batch = json.loads(fake.generate("sleep", 50))
    batch[0]["input"] = "do you watch football?"  # only the rulebook (input side) can catch this one
    batch[1]["output"] = "glub, the coach in the castle says hello, is it bedtime?"  # forbidden in the reply
    batch[2]["output"] = "glub, a man with a moustache and biscuits waves at my bowl, who is he?"  # model only
    fake.script("generator", (200, {}, json.dumps(batch)))
    cfg = config(tmp_path, 47, concurrency=1)
    result, _ = run_pipeline(fake, cfg)
    samples = stored(cfg.samples_path)
    assert_clean(samples, 47)
    text = json.dumps(samples)
    assert "football" not in text and "coach" not in text and "moustache" not in text
    reviewed = " ".join(c["messages"][0]["content"] for c in fake.calls["critic"] + fake.calls["guardian"])
    assert "football" not in reviewed and "coach" not in reviewed  # the models never saw them
    assert result.rejections["guardian: model"] == 1


def test_batch_api_submit_poll_collect(tmp_path):
    fake = FakeAnthropic(polls_in_progress=2)
    sleeps = Sleeps()
    cfg = config(tmp_path, 120)
    caller = make_caller(fake, sleeps)
    result = asyncio.run(BatchRunner(caller, cfg, poll_s=30.0).run())
    assert result.stop_reason == "target" and fake.creates == 1
    assert len(fake.batches["msgbatch_001"]["requests"]) == 3
    assert sleeps.waits == [30.0, 30.0]  # two in_progress polls, then ended
    assert_clean(stored(cfg.samples_path), 120)
    assert read_state(cfg.state_path)["batch_id"] is None
    # the generator requests were billed at the batch price
    assert caller.cost.by_model["claude-haiku-5-5"] == pytest.approx(3 * 0.5 * (400 * 0.1 + 300 * 0.5) / 1e6)


def test_batch_api_makes_up_errored_requests_in_a_steered_second_round(tmp_path):
    fake = FakeAnthropic(polls_in_progress=1)
    fake.errored = {"r1-00001", "r1-00002"}
    cfg = config(tmp_path, 120)
    result = asyncio.run(BatchRunner(make_caller(fake, Sleeps()), cfg).run())
    assert result.stop_reason == "target" and fake.creates == 2
    assert sum("errored" in s for s in result.skipped) == 2
    assert len(fake.batches["msgbatch_002"]["requests"]) == 2  # 70 missing, plus the margin
    second = fake.batches["msgbatch_002"]["requests"][0]["params"]["messages"][0]["content"]
    assert "drifts past the" in second and "tiny poem" in second  # the diversifier's steering
    assert_clean(stored(cfg.samples_path), 120)


def test_batch_api_resumes_by_persisted_batch_id(tmp_path):
    fake = FakeAnthropic(polls_in_progress=3)
    cfg = config(tmp_path, 100)

    async def die(seconds: float) -> None:
        raise Killed

    with pytest.raises(Killed):
        asyncio.run(BatchRunner(make_caller(fake, die), cfg, poll_s=60.0).run())
    state = read_state(cfg.state_path)
    assert state["batch_id"] == "msgbatch_001" and fake.creates == 1
    assert not cfg.samples_path.exists() or stored(cfg.samples_path) == []

    sleeps = Sleeps()
    result = asyncio.run(BatchRunner(make_caller(fake, sleeps), cfg, poll_s=60.0).run())
    assert fake.creates == 1  # polled the same batch, never resubmitted
    assert result.stop_reason == "target"
    assert_clean(stored(cfg.samples_path), 100)


def test_batch_api_killed_while_collecting_resumes_without_duplicates(tmp_path):
    fake = FakeAnthropic(polls_in_progress=0)
    fake.kill_at = ("critic", 3)  # the kill comes while the third answer is being reviewed
    cfg = config(tmp_path, 190, concurrency=1)  # 5 requests of 50
    with pytest.raises(Killed):
        asyncio.run(BatchRunner(make_caller(fake, Sleeps()), cfg).run())
    state = read_state(cfg.state_path)
    before = stored(cfg.samples_path)
    # what is marked collected is exactly what was written; the killed answer is not marked
    assert len(before) == 50 * len(state["collected"]) < 190 and "r1-00002" not in state["collected"]

    fake.kill_at = None
    reviewed = len(fake.calls["critic"])
    result = asyncio.run(BatchRunner(make_caller(fake, Sleeps()), cfg).run())
    assert result.stop_reason == "target" and fake.creates == 1
    # only answers not yet collected are reviewed again (and only while the target still needs them)
    assert 0 < len(fake.calls["critic"]) - reviewed <= 5 - len(state["collected"])
    after = stored(cfg.samples_path)
    assert after[: len(before)] == before
    assert_clean(after, 190)


def test_store_cuts_a_torn_line_and_dedupes(tmp_path):
    path = tmp_path / "anthropic.jsonl"
    good = {"input": "Hi", "output": "glub, the bowl is warm today, is it?", "category": "greeting",
            "component": "balance", "topic": "weather"}
    path.write_text(json.dumps(good) + "\n" + '{"input": "half')
    store = SampleStore(path)
    assert len(store) == 1 and path.read_text().endswith("\n")
    assert store.append([dict(good, input="  hi "), dict(good, output="glub, new light in the bowl today")]) == 1
    assert len(SampleStore(path)) == 2


def cli_args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--target", type=int)
    parser.add_argument("--seed", type=int, default=0)
    cli.add_arguments(parser)
    return parser.parse_args(["--out", str(tmp_path), *extra])


def test_cli_writes_a_topic_split(tmp_path, capsys):
    args = cli_args(tmp_path, "--target", "500", "--concurrency", "4")
    fake = FakeAnthropic()
    result = asyncio.run(cli.run_async(args, "test-key", httpx2.AsyncClient(transport=fake), Sleeps()))
    assert result.total == 500
    train = stored(tmp_path / "train.jsonl")
    test = stored(tmp_path / "test.jsonl")
    assert test and train and len(train) + len(test) <= 500
    assert not {s["topic"] for s in train} & {s["topic"] for s in test}
    assert "wrote" in capsys.readouterr().out


def test_cli_needs_the_key(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ValueError, match="^ANTHROPIC_API_KEY is not set; use the offline generator"):
        cli.run(cli_args(tmp_path, "--target", "10"))


def test_cli_refuses_an_unpriced_model(tmp_path):
    args = cli_args(tmp_path, "--target", "10", "--critic-model", "claude-opus-5")
    with pytest.raises(ValueError, match="--price claude-opus-5="):
        asyncio.run(cli.run_async(args, "test-key", httpx2.AsyncClient(transport=FakeAnthropic()), Sleeps()))


def test_topics_mix_and_repetition_counts():
    from trainer.llm.diversity import NgramCounter
    from trainer.llm.prompts import COMPONENT_MIX, TOPICS, component_counts

    assert len(set(TOPICS)) == len(TOPICS) >= 40
    assert all(persona.forbidden_concepts(topic) == [] for topic in TOPICS)  # a topic must not force a rejection
    counts = component_counts(50)
    assert sum(counts.values()) == 50 and set(counts) == set(persona.COMPONENTS)
    assert all(abs(counts[name] / 50 - share) <= 0.03 for name, share in COMPONENT_MIX.items())
    counter = NgramCounter()
    counter.add(["glub, the light on the gravel is warm"] * 4 + ["oh! a bubble rises to the light"])
    phrases = [phrase for phrase, _ in counter.repeated()]
    assert "the light on the" in phrases and "glub the light on" in phrases
    assert not any(a != b and a in b for a in phrases for b in phrases)  # a longer phrase stands for its parts
