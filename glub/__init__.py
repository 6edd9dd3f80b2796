"""Glub for Python people: talk to the goldfish from code.

    >>> import glub
    >>> fish = glub.Fish()                    # the shipped model, or Fish("path/to/model/folder")
    >>> fish.reply("hello")                   # the whole reply
    >>> for piece in fish.stream("hello"):    # or token by token
    ...     print(piece, end="")

The same chat template, 96-token cap, sampler and tokenizer as the page (``engine_py``), on
CPython onnxruntime.
"""

from glub.fish import Fish, ModelError, default_model_dir

__all__ = ["Fish", "ModelError", "default_model_dir"]
