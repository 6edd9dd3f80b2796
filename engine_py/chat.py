"""The chat template shared by training and inference.

One exchange per context: ``<bos> <user> {message} <fish> {reply} <eos>``, at most 96 tokens.
The fish never sees earlier turns, so it forgets you between sentences.
"""

from __future__ import annotations

PAD_ID = 0
BOS_ID = 1
EOS_ID = 2
USER_ID = 3
FISH_ID = 4
SPECIAL_TOKENS = ("<pad>", "<bos>", "<eos>", "<user>", "<fish>")

MAX_CONTEXT = 96
REPLY_BUDGET = 40
MAX_MESSAGE_CHARS = 280

# <bos> <user> ... <fish> around the message.
PROMPT_FRAME = 3


def keep_last(ids: list[int], limit: int) -> list[int]:
    """The fish hears the end of what you said: keep only the last ``limit`` ids."""
    if limit <= 0:
        return []
    return ids[-limit:]


def build_prompt(message_ids: list[int], reply_budget: int = REPLY_BUDGET) -> list[int]:
    """``<bos> <user> {message} <fish>``, leaving ``reply_budget`` positions free in the window."""
    if not 1 <= reply_budget <= MAX_CONTEXT - PROMPT_FRAME:
        raise ValueError(f"reply budget must be between 1 and {MAX_CONTEXT - PROMPT_FRAME}, got {reply_budget}")
    room = MAX_CONTEXT - PROMPT_FRAME - reply_budget
    return [BOS_ID, USER_ID, *keep_last(message_ids, room), FISH_ID]


def build_training_sample(message_ids: list[int], reply_ids: list[int]) -> tuple[list[int], int]:
    """A whole exchange ending in ``<eos>``, cut to the window by trimming the message's start.

    Returns the ids and the index of the first reply token (the ``<fish>`` marker sits just
    before it). The reply itself is never cut: a reply too long for the window is an error.
    """
    reply = [*reply_ids, EOS_ID]
    room = MAX_CONTEXT - PROMPT_FRAME - len(reply)
    if room < 0:
        raise ValueError(f"reply of {len(reply_ids)} tokens does not fit the {MAX_CONTEXT}-token window")
    message = keep_last(message_ids, room)
    ids = [BOS_ID, USER_ID, *message, FISH_ID, *reply]
    return ids, len(message) + PROMPT_FRAME


def clean_message(text: str) -> str:
    """What the chat box accepts: trimmed, at most MAX_MESSAGE_CHARS characters."""
    return text.strip()[:MAX_MESSAGE_CHARS]
