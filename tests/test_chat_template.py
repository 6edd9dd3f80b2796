import pytest

from engine_py.chat import (
    BOS_ID,
    EOS_ID,
    FISH_ID,
    MAX_CONTEXT,
    MAX_MESSAGE_CHARS,
    REPLY_BUDGET,
    USER_ID,
    build_prompt,
    build_training_sample,
    clean_message,
)


def test_prompt_frames_the_message_between_user_and_fish_markers():
    assert build_prompt([10, 11, 12]) == [BOS_ID, USER_ID, 10, 11, 12, FISH_ID]


def test_prompt_keeps_the_end_of_a_long_message_and_leaves_the_reply_budget():
    message = list(range(10, 210))
    prompt = build_prompt(message)
    assert len(prompt) + REPLY_BUDGET == MAX_CONTEXT
    assert prompt[-2] == message[-1]
    assert prompt[2] == message[-(MAX_CONTEXT - REPLY_BUDGET - 3)]


def test_prompt_rejects_a_reply_budget_that_leaves_no_room():
    with pytest.raises(ValueError):
        build_prompt([10], reply_budget=MAX_CONTEXT)


def test_training_sample_cuts_the_message_never_the_reply():
    reply = list(range(500, 530))
    ids, start = build_training_sample(list(range(10, 200)), reply)
    assert len(ids) == MAX_CONTEXT
    assert ids[start - 1] == FISH_ID
    assert ids[start:] == [*reply, EOS_ID]
    assert ids[start - 2] == 199


def test_training_sample_refuses_a_reply_longer_than_the_window():
    with pytest.raises(ValueError, match="does not fit"):
        build_training_sample([10], list(range(100)))


def test_clean_message_trims_and_caps_length():
    assert clean_message("  hi  ") == "hi"
    assert len(clean_message("x" * 1000)) == MAX_MESSAGE_CHARS
