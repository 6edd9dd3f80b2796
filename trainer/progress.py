"""A one-line progress bar for training: step, loss, tokens/s and ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class Progress:
    """Redraws one line on a terminal; on a pipe or file prints a line every ``every`` steps."""

    def __init__(self, total: int, start: int = 0, stream: TextIO | None = None, every: int = 50, width: int = 24):
        self.total, self.start, self.step = total, start, start
        self.stream = stream or sys.stderr
        self.every, self.width = every, width
        self.tokens = 0
        self.started = time.perf_counter()
        self.interactive = self.stream.isatty()

    def update(self, step: int, loss: float, tokens: int) -> None:
        self.step = step
        self.tokens += tokens
        if self.interactive:
            self.stream.write("\r" + self.line(loss))
            self.stream.flush()
        elif step % self.every == 0 or step == self.total:
            self.stream.write(self.line(loss) + "\n")

    def line(self, loss: float) -> str:
        elapsed = time.perf_counter() - self.started
        done = self.step - self.start
        rate = self.tokens / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.step) * elapsed / done if done else 0.0
        filled = int(self.width * self.step / max(1, self.total))
        bar = "#" * filled + "." * (self.width - filled)
        return (
            f"[{bar}] {self.step}/{self.total}  loss {loss:.3f}  {rate:,.0f} tok/s  "
            f"eta {format_duration(eta)}"
        )

    def close(self) -> None:
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()
