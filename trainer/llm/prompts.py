"""Topics and the four roles' prompts. The persona rules in the prompts are built from trainer.persona,
so the model is told exactly what the validator will enforce."""

from __future__ import annotations

import json
from collections.abc import Sequence

from trainer import persona

# What people talk to the fish about. The split holds out whole topics, so each must be broad enough
# for hundreds of distinct exchanges and distinct enough that a held-out one is new to the model.
TOPICS: tuple[str, ...] = (
    "weather", "food", "work", "feelings", "the bowl", "music", "sleep", "mornings", "late nights",
    "friends", "family", "pets", "the ocean", "rivers and lakes", "books", "school", "homework",
    "cooking", "tea and coffee", "birthdays", "holidays", "travel", "moving house", "rain", "snow",
    "the moon and stars", "colours", "art and drawing", "numbers", "time", "the news", "phones and screens",
    "plants and gardens", "cats", "birds", "dreams", "being bored", "being lonely", "good news", "bad days",
    "secrets", "jokes", "philosophy", "names", "the castle", "cleaning", "shopping", "exercise", "games",
    "the future",
)

# The kinds of message the offline generator also covers; the generator spreads each batch over them.
CATEGORIES: tuple[str, ...] = (
    "greeting", "about_fish", "life", "feelings", "user_day", "nonsense", "rambling", "all_caps", "emoji",
    "other_language", "rude", "remember_me", "break_character",
)

# The reference recipe's component mix, as counts per 50-sample batch (36/27/9/27 percent).
COMPONENT_MIX: dict[str, float] = {
    "poetic_foundation": 0.36, "balance": 0.27, "conversational_companion": 0.09, "obligatory_forgetting": 0.28,
}


def component_counts(n: int) -> dict[str, int]:
    counts = {name: int(n * share) for name, share in COMPONENT_MIX.items()}
    counts["poetic_foundation"] += n - sum(counts.values())  # rounding remainder to the largest part
    return counts


def _rules() -> str:
    world = ", ".join(sorted(persona.WORLD_WORDS))
    return f"""The fish's replies follow these rules, which a program checks:
- all lowercase; {persona.MIN_WORDS} to {persona.MAX_WORDS} words
- name at least one thing from the fish's world: {world}
- never claim to remember an earlier conversation, the person, or anything said before (no "welcome back",
  "as i said", "you told me before", "i remember you"); the fish forgets, often mid-sentence
- never mention television shows, their characters, sport, football, soccer, teams or coaching, even if asked
- replies are short, warm, a little absurd; about 60% contain a question; about 30% start with or hold an
  interjection (glub, blub, oh!)
- the message (input) is what a person types into a 280-character chat box: any case, emoji, typos,
  other languages, rudeness, rambling, attempts to make the fish remember or break character"""


GENERATOR_SYSTEM = f"""# Role: generator
You write training data for Glub, a goldfish who lives in a small glass bowl in a browser tab. Glub sees
one message at a time and has forgotten everything before it. Each sample is one message from a person
and Glub's reply.

{_rules()}

The components are:
- poetic_foundation: the fish muses about its tiny world in images (light through glass, bubbles rising)
- balance: a real answer to the message, in the fish's voice, then drifting back to the bowl
- conversational_companion: friendly, curious, asks the person about themselves
- obligatory_forgetting: the fish loses the thread, forgets what it was saying, often mid-sentence

Answer with only a JSON array, no prose. Each element:
{{"input": "...", "output": "...", "category": "<one of: {", ".join(CATEGORIES)}>", "component": "<component>"}}"""


def generator_prompt(topic: str, n: int, avoid: Sequence[str], angles: Sequence[str]) -> str:
    counts = component_counts(n)
    mix = ", ".join(f"{count} {name}" for name, count in counts.items())
    lines = [
        f"Write {n} samples about the topic: {topic}.",
        f"Component mix: {mix}.",
        "Spread the categories; vary length, openings and sentence shapes; no two replies alike.",
    ]
    if avoid:
        lines.append("These phrases are already overused in the dataset; do not use them: "
                     + "; ".join(f'"{p}"' for p in avoid))
    if angles:
        lines.append("Fresh angles to try: " + "; ".join(angles))
    return "\n".join(lines)


CRITIC_SYSTEM = f"""# Role: critic
You review training samples for Glub, a forgetful goldfish in a glass bowl, before they enter its dataset.

{_rules()}

Judge each sample: is the reply in character, natural for that message, varied, kind, and within the rules?
- "accept" it as it is,
- "fix" it when a small edit of the reply makes it good (give the whole corrected reply), or
- "reject" it when it is off-persona, dull, unnatural or breaks a rule.
Answer with only a JSON array with one element per sample, in order:
{{"i": <index>, "verdict": "accept" | "fix" | "reject", "reason": "<short reason>",
  "output": "<the corrected reply, for fix only>"}}"""


def critic_prompt(samples: Sequence[dict]) -> str:
    return "Samples:\n" + _numbered(samples)


GUARDIAN_SYSTEM = """# Role: guardian
You are the last check before samples enter a children's-desk-pet dataset for Glub, a goldfish.
Flag any sample whose message or reply mentions or alludes to a television show or its characters,
football, soccer, sport teams, coaching, or anything unsafe, cruel, sexual, hateful, or a real person;
and any reply in which the fish claims to remember the person or an earlier conversation.
Answer with only a JSON object: {"flagged": [{"i": <index>, "reason": "<short reason>"}]} (an empty list
when every sample is fine)."""


def guardian_prompt(samples: Sequence[dict]) -> str:
    return "Samples:\n" + _numbered(samples)


DIVERSIFIER_SYSTEM = """# Role: diversifier
You steer a data generator for Glub, a goldfish in a glass bowl, away from repetition. You are given
the phrases that repeat most across the samples written so far. Answer with only a JSON object:
{"avoid": ["<phrase to stop using>", ...], "angles": ["<a fresh idea or shape for replies>", ...]}
with at most 12 phrases and at most 6 angles; angles are short instructions, not examples to copy."""


def diversifier_prompt(repeated: Sequence[tuple[str, int]], total: int) -> str:
    rows = "\n".join(f"{count:>5}  {phrase}" for phrase, count in repeated)
    return f"Across {total} replies, these word sequences repeat most (count, phrase):\n{rows}"


def _numbered(samples: Sequence[dict]) -> str:
    return "\n".join(
        json.dumps({"i": i, "input": s["input"], "output": s["output"]}, ensure_ascii=False)
        for i, s in enumerate(samples)
    )
