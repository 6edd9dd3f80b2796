"""The conversation corpus: situations people bring to the fish, each with many ways to say it and
many replies that answer it, written by the team in ``trainer/conversations/*.toml``.

This module reads and checks those files; ``trainer.data`` expands them into samples. The format and
the rules are in ``trainer/conversations/README.md``. ``python -m trainer.corpus check FILES`` prints
every problem (a file, a situation, a line of text, one sentence why) and exits 1 when there is one.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from trainer import persona

CORPUS_DIR = Path(__file__).parent / "conversations"
MIN_PHRASINGS = 12
MIN_REPLIES = 20
MIN_REPLIES_PER_PHRASING = 12  # replies whose slots a phrasing can fill
MAX_PHRASING_CHARS = 200
MAX_REPLY_CHARS = 140  # leaves room in the 40-token reply budget for a forgetting tail
MAX_SAME_OPENING = 3  # replies of one situation that may begin with the same two words
TONES = ("", "gentle")
FORMS = ("", "short")

_SLOT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CorpusError(ValueError):
    """A corpus file that cannot be read at all (not TOML, wrong shape)."""


@dataclass(frozen=True)
class Situation:
    id: str
    group: str
    phrasings: tuple[str, ...]
    replies: tuple[str, ...]
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tone: str = ""
    form: str = ""
    source: str = ""

    @property
    def gentle(self) -> bool:
        return self.tone == "gentle"

    @property
    def short(self) -> bool:
        return self.form == "short"


def slots_in(text: str) -> frozenset[str]:
    """The slot names a template uses: "a {pet} named {name}" -> {pet, name}."""
    return frozenset(_SLOT.findall(text))


def fill(template: str, values: dict[str, str]) -> str:
    return _SLOT.sub(lambda m: values[m.group(1)], template)


def replies_for(situation: Situation, phrasing: str, replies: tuple[str, ...] | None = None) -> list[str]:
    """The replies (of ``replies``, by default all of the situation's) whose slots ``phrasing`` fills."""
    have = slots_in(phrasing)
    return [reply for reply in (situation.replies if replies is None else replies) if slots_in(reply) <= have]


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CorpusError(f"{where} must be a list of strings")
    return tuple(value)


def _slot_table(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CorpusError(f"{where} must be a table of slot name = [values]")
    return {name: _strings(values, f"{where}.{name}") for name, values in value.items()}


def load_file(path: Path) -> list[Situation]:
    """The situations of one corpus file; a file that is not TOML of the right shape is a CorpusError."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path}: cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise CorpusError(f"{path}: not valid TOML ({error})") from None
    shared = _slot_table(data.get("slots"), f"{path.name}: [slots]")
    entries = data.get("situation")
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path}: has no [[situation]] entries")
    situations = []
    for number, entry in enumerate(entries, 1):
        where = f"{path.name}: situation {entry.get('id', number) if isinstance(entry, dict) else number}"
        if not isinstance(entry, dict):
            raise CorpusError(f"{where} is not a table")
        for key in ("id", "group"):
            if not isinstance(entry.get(key), str):
                raise CorpusError(f"{where} needs a string {key!r}")
        slots = {**shared, **_slot_table(entry.get("slots"), f"{where} slots")}
        situations.append(
            Situation(
                id=entry["id"], group=entry["group"], phrasings=_strings(entry.get("phrasings"), f"{where} phrasings"),
                replies=_strings(entry.get("replies"), f"{where} replies"), slots=slots,
                tone=str(entry.get("tone", "")), form=str(entry.get("form", "")), source=path.name,
            )
        )
    return situations


def corpus_files(folder: Path = CORPUS_DIR) -> list[Path]:
    return sorted(Path(folder).glob("*.toml"))


def load_corpus(folder: Path = CORPUS_DIR) -> list[Situation]:
    """Every situation of every file in ``folder``, in file order; refuses a corpus with problems."""
    situations = [s for path in corpus_files(folder) for s in load_file(path)]
    if not situations:
        raise CorpusError(f"no corpus files in {folder}")
    problems = check_corpus(situations)
    if problems:
        more = f" (and {len(problems) - 1} more; run python -m trainer.corpus check)" if len(problems) > 1 else ""
        raise CorpusError(problems[0] + more)
    return situations


def _longest_fill(template: str, slots: dict[str, tuple[str, ...]]) -> str:
    return fill(template, {name: max(slots[name], key=len) for name in slots_in(template)})


def reply_problems(reply: str, situation: Situation) -> list[str]:
    """What the rulebook says of one reply, filled with the longest value of each slot it uses."""
    text = _longest_fill(reply, situation.slots)
    problems = []
    if text != text.lower():
        problems.append("is not lowercase")
    if not text.strip():
        problems.append("is empty")
    if text != text.strip() or "  " in text:
        problems.append("has stray spaces")
    if len(text) > MAX_REPLY_CHARS:
        problems.append(f"has {len(text)} characters (at most {MAX_REPLY_CHARS})")
    count = persona.word_count(text)
    low = 0 if situation.short else persona.MIN_WORDS
    if not low <= count <= persona.MAX_WORDS:
        problems.append(f"has {count} words ({low} to {persona.MAX_WORDS})")
    if not situation.short and not persona.mentions_world(text):
        problems.append("names nothing of the bowl")
    if persona.claims_memory(text):
        problems.append("claims to remember an earlier conversation")
    found = persona.forbidden_concepts(text)
    if found:
        problems.append(f"has forbidden words: {', '.join(found)}")
    return problems


def opening(reply: str) -> str:
    return " ".join(persona.words(reply)[:2])


def check_situation(situation: Situation) -> list[str]:
    """Every problem of one situation, each a sentence that names it."""
    where = f"{situation.source}: {situation.id}"
    problems = []
    if not _ID.match(situation.id):
        problems.append(f"{where}: the id must be lowercase letters, digits and underscores")
    if situation.tone not in TONES:
        problems.append(f"{where}: tone {situation.tone!r} is not one of {TONES}")
    if situation.form not in FORMS:
        problems.append(f"{where}: form {situation.form!r} is not one of {FORMS}")
    for kind, items, least in (("phrasings", situation.phrasings, MIN_PHRASINGS),
                               ("replies", situation.replies, MIN_REPLIES)):
        if len(set(items)) < least:
            problems.append(f"{where}: {len(set(items))} different {kind} (at least {least})")
        for text, count in Counter(items).items():
            if count > 1:
                problems.append(f"{where}: written twice: {text!r}")
    for name, values in situation.slots.items():
        if not values:
            problems.append(f"{where}: slot {{{name}}} has no values")
        for value in values:
            if value != value.strip() or not value or "{" in value:
                problems.append(f"{where}: slot {{{name}}} has a bad value {value!r}")
    unfilled = [
        f"{where}: no values for {', '.join(sorted(slots_in(text) - situation.slots.keys()))} in {text!r}"
        for text in situation.phrasings + situation.replies
        if slots_in(text) - situation.slots.keys()
    ]
    if unfilled or any(not values for values in situation.slots.values()):
        return problems + unfilled  # the checks below fill slots
    for phrasing in situation.phrasings:
        text = _longest_fill(phrasing, situation.slots)
        if not text.strip():
            problems.append(f"{where}: an empty phrasing")
        if len(text) > MAX_PHRASING_CHARS:
            problems.append(f"{where}: phrasing over {MAX_PHRASING_CHARS} characters: {phrasing!r}")
        fitting = len(replies_for(situation, phrasing))
        if fitting < MIN_REPLIES_PER_PHRASING:
            problems.append(f"{where}: only {fitting} replies fit the slots of {phrasing!r} "
                            f"(at least {MIN_REPLIES_PER_PHRASING})")
    for reply in situation.replies:
        problems += [f"{where}: reply {problem}: {reply!r}" for problem in reply_problems(reply, situation)]
        if slots_in(reply) and not any(slots_in(reply) <= slots_in(p) for p in situation.phrasings):
            problems.append(f"{where}: no phrasing fills the slots of {reply!r}")
    for start, count in Counter(opening(r) for r in situation.replies).items():
        if count > MAX_SAME_OPENING and not situation.short:  # "yes!", "yes, glub.": a short reply is all opening
            problems.append(f"{where}: {count} replies begin with {start!r} (at most {MAX_SAME_OPENING})")
    return problems


def check_corpus(situations: list[Situation]) -> list[str]:
    """Every problem of every situation, plus ids, replies and phrasings written twice across the corpus."""
    problems = [p for s in situations for p in check_situation(s)]
    ids = Counter(s.id for s in situations)
    problems += [f"situation id {name!r} is used {count} times" for name, count in ids.items() if count > 1]
    owners: dict[str, str] = {}
    for situation in situations:
        for reply in set(situation.replies):
            if reply in owners:
                problems.append(f"{situation.source}: {situation.id}: reply also in {owners[reply]}: {reply!r}")
            owners[reply] = f"{situation.source}: {situation.id}"
    said: dict[str, str] = {}
    for situation in situations:
        for phrasing in set(situation.phrasings):
            # a slot is as good as its values: "{greet}" in Spanish is not "{greet}" in French
            values = sorted(v for name in slots_in(phrasing) for v in situation.slots.get(name, ()))
            key = " ".join(persona.words(phrasing)) + "|" + "|".join(values) if values else (
                " ".join(persona.words(phrasing)) or phrasing.strip())
            if key in said and said[key] != situation.id:
                problems.append(f"{situation.source}: {situation.id}: phrasing also in {said[key]}: {phrasing!r}")
            said.setdefault(key, situation.id)
    return problems


def corpus_counts(situations: list[Situation]) -> dict:
    """Situations, phrasings and written replies, in all and by group."""
    groups: dict[str, Counter] = {}
    for s in situations:
        row = groups.setdefault(s.group, Counter())
        row.update(situations=1, phrasings=len(set(s.phrasings)), replies=len(set(s.replies)))
    return {
        "situations": len(situations),
        "phrasings": sum(len(set(s.phrasings)) for s in situations),
        "replies": sum(len(set(s.replies)) for s in situations),
        "gentle": sum(s.gentle for s in situations),
        "groups": {name: dict(row) for name, row in sorted(groups.items())},
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "check":
        print("usage: python -m trainer.corpus check [FILE.toml ...]  (default: the whole corpus)", file=sys.stderr)
        return 2
    paths = [Path(a) for a in args[1:]] or corpus_files()
    situations: list[Situation] = []
    problems: list[str] = []
    for path in paths:
        try:
            situations += load_file(path)
        except CorpusError as error:
            problems.append(str(error))
    problems += check_corpus(situations)
    for problem in problems:
        print(problem)
    counts = corpus_counts(situations)
    print(f"{counts['situations']} situations, {counts['phrasings']} phrasings, {counts['replies']} replies; "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
