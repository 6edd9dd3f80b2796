"""The pure-Python tokenizer gives the library's ids, byte for byte, and the trainer keeps the contract."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer as HFTokenizer
from tokenizers import pre_tokenizers

from engine_py.chat import BOS_ID, EOS_ID, FISH_ID, PAD_ID, SPECIAL_TOKENS, USER_ID
from engine_py.tokenizer import BYTE_TO_CHAR, LATE_LETTERS, LATE_NUMBERS, WHITE_SPACE, Tokenizer, split_words
from trainer.tokenizer import encode_text, read_sample_texts, train_tokenizer, train_tokenizer_file

FAST = settings(max_examples=300, deadline=None)

THINGS = ["water", "bowl", "bubbles", "flakes", "gravel", "castle", "plant", "glass", "light", "snail"]
FEELINGS = ["happy", "sleepy", "hungry", "curious", "wobbly", "shiny", "calm", "bored"]
OPENERS = ["hi glub", "hey fish", "good morning", "are you ok", "what are you doing", "do you like the",
           "i dropped some", "look at the", "tell me about the", "how is the"]
EXTRAS = ["!", "?", "...", " :)", " 🐟", " 🫧🫧", " 123", " x2", ",", " — ok", " (really)", " it's fine",
          " we'll see", " I'M BACK", " naïve café", " 金魚が泳ぐ", " рыбка", " 물고기", " ẞ", " 3.14",
          "\n", "  "]


def goldfish_corpus(lines: int, seed: int = 7) -> list[str]:
    """Chat lines both ways: mostly lowercase fish talk, some case, digits, emoji and other scripts."""
    rng = random.Random(seed)
    corpus = []
    for _ in range(lines):
        if rng.random() < 0.5:
            line = f"{rng.choice(OPENERS)} {rng.choice(THINGS)}"
        else:
            line = f"blub. the {rng.choice(THINGS)} is {rng.choice(FEELINGS)} and i am {rng.choice(FEELINGS)}"
        line += "".join(rng.choice(EXTRAS) for _ in range(rng.randrange(3)))
        if rng.random() < 0.2:
            line = line.capitalize()
        if rng.random() < 0.1:
            line = f"I ate {rng.randrange(1000)} flakes at {rng.randrange(24):02d}:{rng.randrange(60):02d}"
        corpus.append(line)
    return corpus


CORPUS = goldfish_corpus(3000)


@pytest.fixture(scope="module")
def tokenizer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tokenizer.json trained the way the CLI does it: from JSONL samples."""
    folder = tmp_path_factory.mktemp("tok")
    data = folder / "train.jsonl"
    pairs = zip(CORPUS[::2], CORPUS[1::2], strict=True)
    rows = [{"input": a, "output": b, "category": "chat"} for a, b in pairs]
    data.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return train_tokenizer_file([data], folder / "tokenizer.json", vocab_size=5120)


@pytest.fixture(scope="module")
def hf(tokenizer_path: Path) -> HFTokenizer:
    return HFTokenizer.from_file(str(tokenizer_path))


@pytest.fixture(scope="module")
def py(tokenizer_path: Path) -> Tokenizer:
    return Tokenizer.from_file(tokenizer_path)


# --- the contract of the trained file -------------------------------------------------------------


def test_special_tokens_take_ids_zero_to_four_in_order(hf: HFTokenizer, py: Tokenizer) -> None:
    assert [PAD_ID, BOS_ID, EOS_ID, USER_ID, FISH_ID] == [0, 1, 2, 3, 4]
    for expected, token in enumerate(SPECIAL_TOKENS):
        assert hf.token_to_id(token) == expected
        assert py.token_to_id(token) == expected
        assert py.id_to_token(expected) == token


def test_vocab_is_no_larger_than_asked(hf: HFTokenizer, py: Tokenizer) -> None:
    assert py.vocab_size == hf.get_vocab_size() <= 5120
    small = train_tokenizer(CORPUS, vocab_size=300)
    assert small.get_vocab_size() == 300
    assert Tokenizer.from_json(small.to_str()).vocab_size == 300


def test_too_small_a_vocab_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 261"):
        train_tokenizer(CORPUS, vocab_size=260)


def test_every_byte_is_one_token_so_nothing_is_unknown(hf: HFTokenizer, py: Tokenizer) -> None:
    assert sorted(BYTE_TO_CHAR.values()) == sorted(pre_tokenizers.ByteLevel.alphabet())
    for byte, char in BYTE_TO_CHAR.items():
        assert py.token_to_id(char) == hf.token_to_id(char) is not None, byte
    for byte in range(128):
        assert len(py.encode(chr(byte))) == 1


def test_no_post_processor_adds_tokens(hf: HFTokenizer) -> None:
    assert hf.encode("hi glub").ids == encode_text(hf, "hi glub")
    assert BOS_ID not in hf.encode("hi glub").ids


# --- special tokens typed by a person are text ----------------------------------------------------


def test_library_alone_matches_special_tokens_inside_text(hf: HFTokenizer) -> None:
    # Why encode_text exists: add_special_tokens=False does not stop this.
    assert hf.encode("<fish>", add_special_tokens=False).ids == [FISH_ID]


@pytest.mark.parametrize("text", [*SPECIAL_TOKENS, "hi <fish> i am <bos><eos>", "<user>:<pad>", " <fish>"])
def test_typed_special_token_strings_never_give_special_ids(
    hf: HFTokenizer, py: Tokenizer, text: str
) -> None:
    ids = py.encode(text)
    assert ids == encode_text(hf, text)
    assert not set(ids) & {PAD_ID, BOS_ID, EOS_ID, USER_ID, FISH_ID}
    assert py.decode(ids) == text


def test_encode_text_leaves_the_tokenizer_as_it_found_it(hf: HFTokenizer) -> None:
    encode_text(hf, "<fish>")
    assert hf.encode_special_tokens is False


# --- ids identical to the library -----------------------------------------------------------------


def test_ids_match_library_on_every_corpus_line(hf: HFTokenizer, py: Tokenizer) -> None:
    for line in CORPUS:
        assert py.encode(line) == encode_text(hf, line), line
        assert py.decode(py.encode(line)) == line


def test_ids_match_library_on_the_generated_dataset(hf: HFTokenizer, py: Tokenizer, tmp_path: Path) -> None:
    from trainer.data import build_dataset

    samples = build_dataset(2000, seed=3).train
    texts = [s[key] for s in samples for key in ("input", "output")]
    real = train_tokenizer(texts)
    real_py = Tokenizer.from_json(real.to_str())
    for text in texts:
        assert real_py.encode(text) == encode_text(real, text), text
        # The goldfish-chat tokenizer meets text it was not trained on too.
        assert py.encode(text) == encode_text(hf, text), text


def test_pieces_split_like_gpt2() -> None:
    cases = {
        "it's  ok": ["it", "'s", " ", " ok"],
        "we'LL 're": ["we", "'", "LL", " '", "re"],
        "blub!!  \n\n fish": ["blub", "!!", "  \n\n", " fish"],
        "abc123 4.5": ["abc", "123", " 4", ".", "5"],
        "end   ": ["end", "   "],
        "a\x1cb\u3000c": ["a", "\x1c", "b", "\u3000", "c"],
    }
    for text, pieces in cases.items():
        assert split_words(text) == pieces, text


def test_split_matches_library_on_spaces_late_unicode_and_sampled_code_points() -> None:
    """Each character sits after a letter, a digit and a symbol, so its class decides the split."""
    library = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    rng = random.Random(0)
    points = {cp for cp in range(0x3100) if chr(cp).isspace() or chr(cp) in WHITE_SPACE}
    for lo, hi in (*LATE_LETTERS, *LATE_NUMBERS):
        points |= {lo - 1, lo, hi, hi + 1, rng.randint(lo, hi)}
    points |= {rng.randrange(0x110000) for _ in range(15000)}
    chars = [chr(cp) for cp in sorted(points) if not 0xD800 <= cp < 0xE000]
    text = "".join(f"a{c}\n1{c}\n!{c}\n" for c in chars)
    expected = [piece for piece, _ in library.pre_tokenize_str(text)]
    assert ["".join(BYTE_TO_CHAR[b] for b in w.encode()) for w in split_words(text)] == expected


FRAGMENTS = st.sampled_from(
    [" ", "  ", "\n", "\t", "\r\n", "\u3000", "\xa0", "\x1c", "\x85", "'s", "'re", "'ll", "'d", "'",
     "0", "42", "٣", "½", "金魚", "泳ぐ", "🐟", "🫧", "\U0001f469\u200d\U0001f467", "e\u0301", "\u0301",
     "ß", "İ", "Ǆ", "<fish>", "<bos>", "bowl", "Bubbles", "FLAKES", "!", "?!", "...", "\x00", "\ufeff",
     "\U0010ffff", "\U00031350", "\U00010d40"]
)
WIDE_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=30).map("".join),
)


@FAST
@given(text=WIDE_TEXT)
def test_ids_match_library_on_arbitrary_unicode(hf: HFTokenizer, py: Tokenizer, text: str) -> None:
    ids = py.encode(text)
    assert ids == encode_text(hf, text)
    assert py.decode(ids) == text


def test_encoding_twice_gives_the_same_ids_from_the_cache(py: Tokenizer) -> None:
    text = CORPUS[0] + " 🐟 <fish>"
    assert py.encode(text) == py.encode(text)


# --- decoding ---------------------------------------------------------------------------------------


@FAST
@given(ids=st.lists(st.integers(min_value=0, max_value=5200), max_size=40), skip_special=st.booleans())
def test_decode_matches_library_on_random_ids(
    hf: HFTokenizer, py: Tokenizer, ids: list[int], skip_special: bool
) -> None:
    # Random ids are mostly broken UTF-8 and include ids past the vocabulary, which both drop.
    assert py.decode(ids, skip_special=skip_special) == hf.decode(ids, skip_special_tokens=skip_special)


@FAST
@given(data=st.binary(max_size=40))
def test_decode_of_raw_bytes_matches_library(hf: HFTokenizer, py: Tokenizer, data: bytes) -> None:
    ids = [py.token_to_id(BYTE_TO_CHAR[b]) for b in data]
    assert py.decode(ids) == hf.decode(ids) == data.decode("utf-8", errors="replace")


def test_decode_keeps_special_tokens_only_when_asked(py: Tokenizer) -> None:
    ids = [BOS_ID, USER_ID, *py.encode("hi"), FISH_ID, *py.encode("blub"), EOS_ID]
    assert py.decode(ids) == "hiblub"
    assert py.decode(ids, skip_special=False) == "<bos><user>hi<fish>blub<eos>"


# --- reading samples --------------------------------------------------------------------------------


def test_malformed_jsonl_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"input": "hi", "output": "blub", "category": "hello"}\n\n{"input": "hi", oops\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:3: not JSON") as err:
        train_tokenizer_file([bad], tmp_path / "tokenizer.json")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "tokenizer.json").exists()


@pytest.mark.parametrize(
    ("line", "problem"),
    [('["hi", "blub"]', "expected a JSON object"), ('{"input": "hi"}', "'output' must be a string"),
     ('{"input": 3, "output": "x"}', "'input' must be a string")],
)
def test_sample_without_text_fields_names_the_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(ValueError, match=rf"s\.jsonl:1: {problem}"):
        list(read_sample_texts(path))


def test_missing_jsonl_file_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nope.jsonl: no such file"):
        train_tokenizer_file([tmp_path / "nope.jsonl"], tmp_path / "tokenizer.json")


def test_tokenizer_file_is_written_whole_with_no_temp_left(tokenizer_path: Path) -> None:
    assert tokenizer_path.name == "tokenizer.json"
    assert sorted(p.name for p in tokenizer_path.parent.iterdir()) == ["tokenizer.json", "train.jsonl"]
    assert json.loads(tokenizer_path.read_text(encoding="utf-8"))["model"]["type"] == "BPE"


def test_a_tokenizer_with_other_settings_is_refused(hf: HFTokenizer) -> None:
    data = json.loads(hf.to_str())
    data["normalizer"] = {"type": "NFC"}
    with pytest.raises(ValueError, match="normalizer"):
        Tokenizer.from_json(json.dumps(data))

