"""The dataset report: mix, persona rates, diversity and rule checks of any JSONL of samples.

Works on the offline generator's files and the LLM pipeline's alike: the measures come from the
rulebook (``trainer.persona``), the same detectors the validator uses.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from trainer import persona

# The written corpus behind a dataset (samples that carry "situation", "phrasing" and "reply"):
# the least the whole dataset must draw on (issue 12).
MIN_SITUATIONS = 400
MIN_PHRASINGS = 4_800
MIN_REPLIES = 8_000
# The share of outputs that express forgetting, in percent (low, high); the other rates are reported.
FORGETTING_TARGET = (15.0, 35.0)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


@lru_cache(maxsize=250_000)
def _output_measures(output: str) -> tuple[bool, bool, bool, bool, bool, bool, int, tuple[str, ...]]:
    """forgetting, question, interjection, world, claims memory, forbidden, words, word list (memoized:
    the report reads each file and then all of them together)."""
    return (
        persona.is_forgetting(output), persona.has_question(output), persona.has_interjection(output),
        persona.mentions_world(output), persona.claims_memory(output), bool(persona.forbidden_concepts(output)),
        persona.word_count(output), tuple(persona.words(output)),
    )


@lru_cache(maxsize=250_000)
def _problems(fields: tuple) -> tuple[str, ...]:
    return tuple(persona.validate_sample(dict(fields)))


def distinct_n(texts: list[str], n: int) -> float:
    """Distinct-n: distinct word n-grams over all word n-grams (within each text), 0 to 1."""
    grams: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        words = _output_measures(text)[7] if isinstance(text, str) else ()
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    total = sum(grams.values())
    return round(len(grams) / total, 4) if total else 0.0


def dataset_report(samples: list[dict]) -> dict:
    """Every measure of ``samples`` as a plain dict (JSON-ready)."""
    n = len(samples)
    outputs = [s.get("output", "") if isinstance(s, dict) else "" for s in samples]
    inputs = [s.get("input", "") if isinstance(s, dict) else "" for s in samples]
    measures = [_output_measures(o) if isinstance(o, str) else (False,) * 6 + (0, ()) for o in outputs]
    word_counts = [m[6] for m in measures]
    problems: Counter[str] = Counter()
    invalid = 0
    for sample in samples:
        try:
            found = list(_problems(tuple(sorted(sample.items()))))
        except TypeError:  # a field that is not hashable (a list, a dict): nothing to memoize
            found = persona.validate_sample(sample)
        invalid += bool(found)
        # the rule, without the sample-specific numbers: "output has 31 words (4 to 30)" -> "output has N words"
        problems.update({_rule(problem) for problem in found})
    components = Counter(s.get("component", "?") for s in samples)
    categories = Counter(s.get("category", "?") for s in samples)
    families = {s["family"] for s in samples if "family" in s}
    written = [s for s in samples if isinstance(s, dict) and {"situation", "phrasing", "reply"} <= s.keys()]
    return {
        "samples": n,
        "unique_inputs": len(set(inputs)),
        "unique_outputs": len(set(outputs)),
        "unique_output_pct": _pct(len(set(outputs)), n),
        "distinct_1": distinct_n(outputs, 1),
        "distinct_2": distinct_n(outputs, 2),
        "distinct_3": distinct_n(outputs, 3),
        "output_vocabulary": len({w for m in measures for w in m[7]}),
        "forgetting_pct": _pct(sum(m[0] for m in measures), n),
        "question_pct": _pct(sum(m[1] for m in measures), n),
        "interjection_pct": _pct(sum(m[2] for m in measures), n),
        "world_pct": _pct(sum(m[3] for m in measures), n),
        "claims_memory": sum(m[4] for m in measures),
        "forbidden": sum(m[5] for m in measures),
        "invalid": invalid,
        "problems": dict(problems.most_common()),
        "output_words": {
            "min": min(word_counts, default=0),
            "mean": round(sum(word_counts) / n, 2) if n else 0.0,
            "max": max(word_counts, default=0),
        },
        "input_chars_max": max((len(i) for i in inputs), default=0),
        "families": len(families),
        "situations": len({s["situation"] for s in written}),
        "phrasings": len({(s["situation"], s["phrasing"]) for s in written}),
        "written_replies": len({s["reply"] for s in written}),
        "echo_pct": _pct(sum("{" in str(s["reply"]) for s in written), len(written)),
        "written_samples": len(written),
        "components": {name: {"count": c, "pct": _pct(c, n)} for name, c in sorted(components.items())},
        "categories": {name: {"count": c, "pct": _pct(c, n)} for name, c in categories.most_common()},
    }


def _rule(problem: str) -> str:
    if problem.startswith("output has ") and "words" in problem:
        return "output word count outside 4 to 30"
    if problem.startswith("input has ") and "characters" in problem:
        return "input too long"
    if problem.startswith("output has forbidden concepts"):
        return "output has forbidden concepts"
    if problem.startswith("component "):
        return "unknown component"
    return problem


def _check(ok: bool) -> str:
    return "yes" if ok else "**no**"


def format_report(report: dict) -> str:
    """Markdown tables: the summary against the targets, the component mix, the categories."""
    n = report["samples"]
    lines = [
        "| measure | value | target | met |",
        "|---|---:|---|---|",
        f"| samples | {n:,} | | |",
    ]
    if report["written_samples"]:
        lines += [
            f"| situations | {report['situations']:,} | >= {MIN_SITUATIONS:,} (whole dataset) | "
            f"{_check(report['situations'] >= MIN_SITUATIONS)} |",
            f"| written phrasings | {report['phrasings']:,} | >= {MIN_PHRASINGS:,} (whole dataset) | "
            f"{_check(report['phrasings'] >= MIN_PHRASINGS)} |",
            f"| written replies | {report['written_replies']:,} | >= {MIN_REPLIES:,} (whole dataset) | "
            f"{_check(report['written_replies'] >= MIN_REPLIES)} |",
            f"| replies that pick up a slot of the message | {report['echo_pct']}% | reported | |",
        ]
    low, high = FORGETTING_TARGET
    lines += [
        f"| unique inputs | {report['unique_inputs']:,} | reported | |",
        f"| unique outputs | {report['unique_outputs']:,} ({report['unique_output_pct']}%) | reported | |",
        f"| distinct-1 / distinct-2 / distinct-3 of outputs | {report['distinct_1']} / {report['distinct_2']} / "
        f"{report['distinct_3']} | reported | |",
        f"| distinct words in outputs | {report['output_vocabulary']:,} | reported | |",
        f"| express forgetting | {report['forgetting_pct']}% | {low:g}-{high:g}% | "
        f"{_check(low <= report['forgetting_pct'] <= high)} |",
        f"| contain a question | {report['question_pct']}% | reported | |",
        f"| hold an interjection (glub, blub, oh!) | {report['interjection_pct']}% | reported | |",
    ]
    words = report["output_words"]
    lines += [
        f"| name the fish's world | {report['world_pct']}% | all but short-form replies | |",
        f"| claim to remember | {report['claims_memory']} | 0 | {_check(report['claims_memory'] == 0)} |",
        f"| forbidden concepts | {report['forbidden']} | 0 | {_check(report['forbidden'] == 0)} |",
        f"| invalid samples (validate_sample) | {report['invalid']} | 0 | {_check(report['invalid'] == 0)} |",
        f"| output words min / mean / max | {words['min']} / {words['mean']} / {words['max']} | "
        f"<= {persona.MAX_WORDS} | {_check(words['max'] <= persona.MAX_WORDS)} |",
        f"| longest input (characters) | {report['input_chars_max']} | <= {persona.MAX_INPUT_CHARS} | "
        f"{_check(report['input_chars_max'] <= persona.MAX_INPUT_CHARS)} |",
        f"| families | {report['families']} | | |",
        "",
        "| component | samples | % |",
        "|---|---:|---:|",
    ]
    for name, row in report["components"].items():
        lines.append(f"| {name} | {row['count']:,} | {row['pct']} |")
    lines += ["", "| category | samples | % |", "|---|---:|---:|"]
    lines += [f"| {name} | {row['count']:,} | {row['pct']} |" for name, row in report["categories"].items()]
    if report["problems"]:
        lines += ["", "| problem | samples |", "|---|---:|"]
        lines += [f"| {problem} | {count:,} |" for problem, count in report["problems"].items()]
    return "\n".join(lines) + "\n"


def report_files(paths: list[Path]) -> str:
    """The markdown report of each file and, for several files (train first), of all of them together
    plus the split checks: outputs and families shared between the first file and the others."""
    from trainer.data import read_jsonl

    loaded = [(Path(path), read_jsonl(Path(path))) for path in paths]
    parts = []
    for path, samples in loaded:
        parts.append(f"## {path}\n\n{format_report(dataset_report(samples))}")
    if len(loaded) > 1:
        every = [s for _, samples in loaded for s in samples]
        parts.append(f"## all files together\n\n{format_report(dataset_report(every))}")
        first_path, first = loaded[0]
        first_outputs = {s["output"] for s in first}
        first_families = {s.get("family") for s in first} - {None}
        rows = ["| file | samples | outputs also in " + first_path.name + " | families also in "
                + first_path.name + " |", "|---|---:|---:|---:|"]
        for path, samples in loaded[1:]:
            shared_outputs = sum(s["output"] in first_outputs for s in samples)
            shared_families = len({s.get("family") for s in samples} & first_families)
            rows.append(f"| {path} | {len(samples):,} | {shared_outputs} | {shared_families} |")
        parts.append("## split\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)
