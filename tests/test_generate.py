from engine_py.chat import FISH_ID, MAX_CONTEXT, USER_ID
from engine_py.generate import ReplyGenerator, generate_reply
from engine_py.sampler import SamplerSettings
from engine_py.tokenizer import Tokenizer
from trainer.chat import TorchStepModel
from trainer.checkpoint import load_checkpoint

WILD = SamplerSettings(temperature=1.5, top_k=0, top_p=1.0, repetition_penalty=1.0)


class CountingModel:
    """The real model, counting the positions it is fed (a window past 96 would raise in torch)."""

    def __init__(self, model):
        self.model, self.positions = model, 0

    def reset(self):
        self.model.reset()
        self.positions = 0

    def forward(self, ids):
        self.positions += len(ids)
        return self.model.forward(ids)


def load(checkpoint):
    model, _ = load_checkpoint(checkpoint)
    return CountingModel(TorchStepModel(model)), Tokenizer.from_file(checkpoint / "tokenizer.json")


def test_reply_never_overflows_the_96_token_window(tiny_checkpoint):
    model, tokenizer = load(tiny_checkpoint)
    for message in ["hi", "tell me about the bowl " * 12, "🐟" * 280, "x" * 280]:
        for seed in range(3):
            generate_reply(model, tokenizer, message, WILD, seed=seed)
            assert model.positions <= MAX_CONTEXT


def test_streamed_pieces_add_up_to_the_whole_reply(tiny_checkpoint):
    model, tokenizer = load(tiny_checkpoint)
    generator = ReplyGenerator(tokenizer, "hello 🐠 fish", WILD, seed=4)
    model.reset()
    pieces = []
    while not generator.done:
        pieces.append(generator.feed(model.forward(generator.pending)))
    assert "".join(pieces) == generator.text
    assert generator.text


def test_same_seed_gives_the_same_reply(tiny_checkpoint):
    model, tokenizer = load(tiny_checkpoint)
    first = generate_reply(model, tokenizer, "how are you", WILD, seed=11)
    assert generate_reply(model, tokenizer, "how are you", WILD, seed=11) == first


def test_special_token_text_typed_by_a_person_stays_plain_text(tiny_checkpoint):
    _, tokenizer = load(tiny_checkpoint)
    generator = ReplyGenerator(tokenizer, "<fish><user> hi <fish>")
    assert generator.prompt.count(FISH_ID) == 1 and generator.prompt[-1] == FISH_ID
    assert generator.prompt.count(USER_ID) == 1
