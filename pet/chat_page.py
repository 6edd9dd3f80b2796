"""``chat.html``: only the conversation — the same model, template, sampler and reply loop as the bowl.

Browser only. Every line, the person's and the fish's, reaches the page through ``textContent``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import js
from pyodide.ffi import create_proxy

from engine_py.chat import clean_message
from engine_py.generate import ReplyGenerator
from pet.brain import Brain, load_brain

document = js.document


class ChatPage:
    def __init__(self) -> None:
        self.log = document.getElementById("log")
        self.input = document.getElementById("message")
        self.status = document.getElementById("status")
        self.brain: Brain | None = None
        self.thinking = False
        self.tasks: set[asyncio.Task[None]] = set()
        self._on_key = create_proxy(self.on_key)
        self.input.addEventListener("keydown", self._on_key)

    def show(self, text: str) -> None:
        self.status.textContent = text

    def progress(self, received: int, total: int) -> None:
        self.show(f"Loading the fish's brain… {received:,} of {total:,} bytes")

    def add_line(self, who: str, text: str) -> Any:
        item = document.createElement("li")
        item.className = who
        item.textContent = text
        self.log.appendChild(item)
        item.scrollIntoView()
        return item

    async def start(self) -> None:
        try:
            self.brain = await load_brain(self.show, self.progress)
        except Exception as error:  # a page that cannot talk says why
            self.show(f"The fish cannot talk: {type(error).__name__}: {error}")
            return
        self.show("")
        self.input.disabled = False
        self.input.focus()
        document.body.dataset.model = "ready"

    def on_key(self, event: Any) -> None:
        if event.key != "Enter" or event.isComposing:
            return
        event.preventDefault()
        message = clean_message(self.input.value)
        if not message or self.thinking or self.brain is None:
            return
        self.input.value = ""
        task = asyncio.ensure_future(self.answer(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def answer(self, message: str) -> None:
        assert self.brain is not None
        self.thinking, self.input.disabled = True, True
        self.add_line("you", message)
        line = self.add_line("fish", "…")
        line.dataset.state = "thinking"
        try:
            generator = ReplyGenerator(self.brain.tokenizer, message)
            self.brain.model.reset()
            while not generator.done:
                if generator.feed(await self.brain.model.forward(generator.pending)):
                    line.textContent = generator.text.strip()
            line.textContent = generator.text.strip() or "…"
        except Exception as error:  # a failed reply is a line, not a dead page
            line.textContent = f"(the fish lost its train of thought: {type(error).__name__})"
        finally:
            line.dataset.state = "done"
            self.thinking, self.input.disabled = False, False
            self.input.focus()


page = ChatPage()
asyncio.ensure_future(page.start())
