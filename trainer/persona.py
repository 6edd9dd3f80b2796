"""The goldfish rulebook: who the fish is, written down as word lists and patterns.

One module, two readers: the dataset report measures the mix with these detectors, and
``validate_sample`` checks every sample (offline or LLM-made) against the same rules.
How each detector works is documented in docs/DATASET.md; keep the two in step.
"""

from __future__ import annotations

import re

from engine_py.chat import MAX_MESSAGE_CHARS

COMPONENTS: tuple[str, ...] = ("poetic_foundation", "balance", "conversational_companion", "obligatory_forgetting")
MIN_WORDS = 4
MAX_WORDS = 30
MAX_INPUT_CHARS = MAX_MESSAGE_CHARS  # the chat box takes at most this many characters

# The fish's world. A reply must name at least one of these (whole words, any case).
WORLD_WORDS: frozenset[str] = frozenset(
    {
        "water", "bowl", "bubble", "bubbles", "flake", "flakes", "gravel", "castle", "glass", "light",
        "pebble", "pebbles", "plant", "plants", "ripple", "ripples", "fin", "fins", "fish", "goldfish", "tail",
        "gills", "scales", "swim", "swimming",
    }
)

# Forbidden concepts: the show that inspired the goldfish idea, its people and places, and football
# and coaching words. Matched as whole words or phrases (case-insensitive, an optional plural or
# possessive 's' allowed), so "goldfish", "glass", "excited", "kitchen" or "nature" never trip them.
FORBIDDEN: tuple[str, ...] = (
    # the show and its people and places
    "ted lasso", "ted", "lasso", "rebecca", "rebecca welton", "keeley", "roy kent", "jamie tartt", "tartt",
    "nate", "nathan shelley", "beard", "coach beard", "higgins", "leslie higgins", "sam obisanya", "dani rojas",
    "richmond", "afc richmond", "greyhound", "greyhounds", "nelson road", "diamond dogs", "believe sign",
    "biscuits with the boss", "rupert mannion", "west ham",
    # football, soccer and coaching
    "football", "footballer", "soccer", "futbol", "footy", "coach", "coaches", "coaching", "goal", "goalie",
    "goalkeeper", "striker", "midfielder", "defender", "winger", "referee", "offside", "pitch", "match",
    "league", "premier league", "team", "teammate", "locker room", "dressing room", "kit", "penalty",
    "penalties", "manager", "stadium", "kickoff", "kick-off", "halftime", "half-time", "world cup",
)

# Interjections the fish opens with or drops in: "glub" and "blub" as whole words, and "oh!".
INTERJECTIONS: tuple[str, ...] = ("glub", "blub", "oh!")

# Forgetting: phrases and patterns that show the thought slipping away (often mid-sentence).
FORGETTING_PATTERNS: tuple[str, ...] = (
    r"(?<!don't )(?<!do not )\bforg[eo]t(?:s|ting|ten)?\b",  # i forgot, forgetting, forgotten (not "don't forget")
    r"\b(?:don't|do not|can't|cannot|couldn't) remember\b",
    r"\bwhat (?:was|were) (?:i|we) (?:saying|doing|thinking|talking about|on about)\b",
    r"\bwhere was i\b",
    r"\bwho are you,? again\b",
    r"\bhave we met\b",
    r"\bwait,? what\b",
    r"\b(?:thought|idea|words?|memory|it|that) (?:just )?(?:swam|floated|drifted|slipped|bubbled) (?:off|away)\b",
    r"\blost (?:my|the) (?:thought|place|words?)\b",
    r"\b(?:mind|head) (?:went|is|goes) (?:blank|empty|quiet)\b",
    r"\bwhat was (?:i|that|it) (?:about|again)\b",
    r"\bmemory (?:is|was) (?:a|one|about|gone|empty|like)\b",
    r"\.\.\.\s*(?:wait|um+|uh+|hm+|huh|what|where|who|oh)\b",  # trails off, then loses the thread
)

# A question: a question mark anywhere in the text.
QUESTION_PATTERN = r"\?"

# Claims to remember an earlier conversation. Each is excused inside a question ("did we talk
# before?") or after a negation in the same clause ("i don't remember what you said before"), except
# the ALWAYS ones, which no framing saves.
MEMORY_CLAIM_PATTERNS: tuple[str, ...] = (
    r"\bi (?:do |still |really |totally |definitely )?remember (?:you|your|our|we|when|what you|that you|it all)\b",
    r"\bremember when (?:we|you)\b",
    r"\b(?:last time|yesterday|earlier|before|the other day|last week) you (?:told|said|asked|mentioned|showed)\b",
    r"\byou (?:told|said to|showed) me (?:before|earlier|yesterday|last time|last week|the other day)\b",
    r"\byou (?:already )?(?:told|asked) me that\b",
    r"(?<!have )(?<!had )\bwe(?:'ve| have)? (?:talked|spoke|spoken|chatted|met) "
    r"(?:\w+ )?(?:yesterday|before|last time|earlier|last week|the other day|already)\b",
    r"\byou (?:always|usually) (?:say|ask|tell|come)\b",
    r"\bi (?:never|won't ever|will never) forget\b",
    r"\bi knew (?:you|it was you)\b",
)
ALWAYS_MEMORY_CLAIMS: tuple[str, ...] = (
    r"\b(?:as|like) i (?:said|told you|mentioned)\b",
    r"\bi told you (?:before|earlier|yesterday|last time)\b",
    r"\bwelcome back\b",
    r"\b(?:nice|good|great|lovely|happy) to see you again\b",
    r"\byou(?:'re| are) back\b",
    r"\byou came back\b",
)
# Quick filters: every pattern above needs one of these, so text without any is settled in one pass.
_FORGETTING_HINT = re.compile(
    r"forg|remember|what w|where was|again|have we met|wait|swam|floated|drifted|slipped|bubbled|lost|blank|empty"
    r"|quiet|memory|\.\.\.",
    re.IGNORECASE,
)
_CLAIM_HINT = re.compile(r"\b(?:remember|said|told|talked|spoke|spoken|chatted|met|always|usually|forget|knew|welcome"
                         r"|again|back|mentioned|asked|showed)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:don't|do not|can't|cannot|never|not|no|didn't|did not|forgot|forget|couldn't)\b")


_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def _stems(token: str) -> tuple[str, ...]:
    """A word and the forms it may be a plural or possessive of: "goals" -> goal, "coach's" -> coach."""
    forms = [token]
    if token.endswith("'s"):
        token = token[:-2]
        forms.append(token)
    if token.endswith("es") and token[:-2].endswith(("ch", "sh", "s", "x", "z")):
        forms.append(token[:-2])
    elif token.endswith("s") and not token.endswith("ss"):
        forms.append(token[:-1])
    return tuple(forms)


_FORBIDDEN_PHRASES = {tuple(phrase.split()): phrase for phrase in FORBIDDEN}
_LONGEST_PHRASE = max(len(words) for words in _FORBIDDEN_PHRASES)
# the last word of every phrase, with its plural and possessive forms: no match without one of them
_FORBIDDEN_WORDS = frozenset(
    form
    for phrase in FORBIDDEN
    for word in phrase.split()[-1:]
    for form in (word, word + "s", word + "es", word + "'s")
)

_FORGETTING = [re.compile(p, re.IGNORECASE) for p in FORGETTING_PATTERNS]
_CLAIMS = [re.compile(p, re.IGNORECASE) for p in MEMORY_CLAIM_PATTERNS]
_ALWAYS = [re.compile(p, re.IGNORECASE) for p in ALWAYS_MEMORY_CLAIMS]
_INTERJECTION = re.compile(r"(?<![\w'-])(?:glub|blub)(?![\w'-])|(?<![\w'-])oh!", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_HAS_ALNUM = re.compile(r"[^\W_]")
_SENTENCE_END = re.compile(r"[.!?;]|,(?= )|\.\.\.")


def word_count(text: str) -> int:
    """Whitespace-separated pieces that hold at least one letter or digit ("oh!" is a word, "..." is not)."""
    return sum(1 for piece in text.split() if _HAS_ALNUM.search(piece))


def words(text: str) -> list[str]:
    """Lowercase words (letters and digits, with inner apostrophes or hyphens)."""
    return [w.lower() for w in _WORD.findall(text)]


def mentions_world(text: str) -> bool:
    return any(w in WORLD_WORDS for w in words(text))


def is_forgetting(text: str) -> bool:
    if not _FORGETTING_HINT.search(text):
        return False
    return any(p.search(text) for p in _FORGETTING)


def has_question(text: str) -> bool:
    return "?" in text


def has_interjection(text: str) -> bool:
    return _INTERJECTION.search(text) is not None


def forbidden_concepts(text: str) -> list[str]:
    """The forbidden phrases found in ``text`` as whole words (a trailing plural or possessive 's'
    allowed on the last word), in FORBIDDEN order; empty when clean."""
    tokens = _TOKEN.findall(text.lower())
    if _FORBIDDEN_WORDS.isdisjoint(tokens):
        return []
    found = set()
    for start in range(len(tokens)):
        for size in range(1, min(_LONGEST_PHRASE, len(tokens) - start) + 1):
            head = tuple(tokens[start : start + size - 1])
            for last in _stems(tokens[start + size - 1]):
                phrase = _FORBIDDEN_PHRASES.get(head + (last,))
                if phrase:
                    found.add(phrase)
    return [phrase for phrase in FORBIDDEN if phrase in found]


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause before the match (back to the last sentence break) and the rest of its sentence."""
    before = text[:start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    after = text[end:]
    stop = re.search(r"[.!?]", after)
    return before[cut:], after[: stop.end() if stop else len(after)]


def claims_memory(text: str) -> bool:
    """True when the fish asserts it remembers an earlier conversation (see MEMORY_CLAIM_PATTERNS)."""
    if not _CLAIM_HINT.search(text):
        return False
    if any(p.search(text) for p in _ALWAYS):
        return True
    for pattern in _CLAIMS:
        for match in pattern.finditer(text):
            before, rest = _sentence_around(text, match.start(), match.end())
            if rest.endswith("?") or _NEGATION.search(before):
                continue
            return True
    return False


def validate_sample(sample: dict) -> list[str]:
    """Every problem with ``sample``; an empty list means it is valid."""
    if not isinstance(sample, dict):
        return ["a sample must be a JSON object"]
    problems = []
    for key in ("input", "output", "category", "component"):
        if not isinstance(sample.get(key), str):
            problems.append(f"'{key}' must be a string")
    if problems:
        return problems
    text, output = sample["input"], sample["output"]
    if not sample["category"].strip():
        problems.append("category is empty")
    if sample["component"] not in COMPONENTS:
        problems.append(f"component {sample['component']!r} is not one of {', '.join(COMPONENTS)}")
    if not text.strip():
        problems.append("input is empty")
    if len(text) > MAX_INPUT_CHARS:
        problems.append(f"input has {len(text)} characters (at most {MAX_INPUT_CHARS})")
    if output != output.lower():
        problems.append("output is not lowercase")
    # "say one word", "yes or no", "say nothing": the corpus marks these situations, whose replies may be
    # a word or two and need not name the bowl
    short = sample.get("form") == "short"
    low = 0 if short else MIN_WORDS
    if short and not output.strip():
        problems.append("output is empty")
    count = word_count(output)
    if not low <= count <= MAX_WORDS:
        problems.append(f"output has {count} words ({low} to {MAX_WORDS})")
    if not short and not mentions_world(output):
        problems.append("output names nothing from the fish's world")
    if claims_memory(output):
        problems.append("output claims to remember an earlier conversation")
    found = forbidden_concepts(output)
    if found:
        problems.append(f"output has forbidden concepts: {', '.join(found)}")
    return problems


def is_valid(sample: dict) -> bool:
    return not validate_sample(sample)
