"""The desk pet in a terminal: the page's engine drawn with truecolor half blocks.

The same ``World`` and ``render`` as the browser; this host only turns keys and mouse clicks into
engine events and the framebuffer into text. The model answers on a worker thread so the bowl
keeps moving while it thinks.
"""

from __future__ import annotations

import json
import os
import queue
import re
import select
import shutil
import sys
import termios
import threading
import time
import tty
from dataclasses import dataclass, field

from engine_py import bowl
from engine_py.chat import MAX_MESSAGE_CHARS
from engine_py.events import (
    Click,
    DoubleClick,
    PressEnd,
    PressStart,
    ReplyDone,
    ReplyFailed,
    ReplyStarted,
    ReplyToken,
    ShowText,
)
from engine_py.framebuffer import HEIGHT, WIDTH, Framebuffer
from engine_py.render import render
from engine_py.world import Settings, World
from glub.ansi import Fit, fit, frame_lines
from glub.fish import Fish, data_dir

HELP = "enter: talk  ctrl-t: tap the fish  ctrl-e: double-tap  ctrl-p: hold  ctrl-w: splash  ctrl-c: quit"
STATUS_LINES = 3  # what the fish said, what you type, the help line
FRAME_SECONDS = 1 / 15
HOLD_SECONDS = 0.6
CTRL_C, CTRL_D, CTRL_E, CTRL_P, CTRL_T, CTRL_W = "\x03", "\x04", "\x05", "\x10", "\x14", "\x17"
# SGR mouse reports: ESC [ < button ; column ; row (M = press, m = release)
MOUSE = re.compile(r"\x1b\[<(\d+);(\d+);(\d+)([Mm])")
ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-9;<?]*[A-Za-z~]")


@dataclass
class Screen:
    """What the terminal shows besides the bowl, and where the bowl sits."""

    said: str = ""
    typed: str = ""
    thinking: bool = False
    layout: Fit = field(default_factory=lambda: fit(WIDTH, HEIGHT, 80, 20))
    left: int = 0


class TerminalPet:
    def __init__(self, fish: Fish | None, seed: int | None = None, name: str = "glub") -> None:
        self.fish = fish
        self.name = name
        offset = time.localtime().tm_gmtoff // 60
        self.world = World(seed=seed if seed is not None else int(time.time()),
                           settings=Settings(name=name, utc_offset_minutes=offset))
        try:
            self.world.load_phrases(json.loads((data_dir() / "phrases.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass  # without its phrase file the fish is quieter, not broken
        self.framebuffer = Framebuffer()
        self.screen = Screen()
        self.events: list = []
        self.replies: queue.Queue = queue.Queue()
        self.release_at: float | None = None

    # -- input -------------------------------------------------------------------------------------

    def fish_point(self) -> tuple[float, float]:
        return self.world.fish.x, self.world.fish.y

    def handle_input(self, text: str, now: float) -> bool:
        """Apply keys and mouse reports; False when the user asked to leave."""
        for match in MOUSE.finditer(text):
            button, col, row, kind = int(match[1]), int(match[2]) - 1, int(match[3]) - 1, match[4]
            if button & 3 != 0 or row >= self.screen.layout.rows:
                continue
            x, y = self.screen.layout.to_frame(col - self.screen.left, row)
            if kind == "M":
                self.events.append(PressStart(x, y))
            else:
                self.events += [PressEnd(x, y), Click(x, y)]
        for key in ESCAPE_SEQUENCE.sub("", MOUSE.sub("", text)):
            if key in (CTRL_C, CTRL_D):
                return False
            if key == CTRL_T:
                self.events.append(Click(*self.fish_point()))
            elif key == CTRL_E:
                self.events.append(DoubleClick(*self.fish_point()))
            elif key == CTRL_P:
                self.events.append(PressStart(*self.fish_point()))
                self.release_at = now + HOLD_SECONDS
            elif key == CTRL_W:
                x = bowl.CENTER_X - 40 if self.world.fish.x > bowl.CENTER_X else bowl.CENTER_X + 40
                self.events.append(Click(x, 100))
            elif key in ("\r", "\n"):
                self.send()
            elif key in ("\x7f", "\b"):
                self.screen.typed = self.screen.typed[:-1]
            elif key.isprintable() and len(self.screen.typed) < MAX_MESSAGE_CHARS:
                self.screen.typed += key
        return True

    def send(self) -> None:
        message = self.screen.typed.strip()
        if not message or self.screen.thinking:
            return
        self.screen.typed = ""
        if self.fish is None:
            self.screen.said = "(no model: the fish only mutters to itself)"
            return
        self.screen.thinking = True
        self.screen.said = f"you> {message}"
        self.events.append(ReplyStarted(message))
        threading.Thread(target=self.think, args=(message,), daemon=True).start()

    def think(self, message: str) -> None:
        try:
            for piece in self.fish.stream(message):
                self.replies.put(("token", piece))
            self.replies.put(("done", None))
        except Exception as error:  # a failed reply is a line on screen, never a dead pet
            self.replies.put(("failed", f"{type(error).__name__}: {error}"))

    def collect_replies(self) -> None:
        while True:
            try:
                kind, value = self.replies.get_nowait()
            except queue.Empty:
                return
            if kind == "token":
                if not self.screen.said.startswith(f"{self.name}> "):
                    self.screen.said = f"{self.name}> "
                self.screen.said += value
                self.events.append(ReplyToken(value))
            elif kind == "done":
                self.screen.thinking = False
                self.events.append(ReplyDone(self.screen.said.removeprefix(f"{self.name}> ").strip()))
            else:
                self.screen.thinking = False
                self.screen.said = f"(the fish lost its train of thought: {value})"
                self.events.append(ReplyFailed())

    # -- a frame -----------------------------------------------------------------------------------

    def step(self, dt: float, now: float) -> None:
        if self.release_at is not None and now >= self.release_at:
            self.events.append(PressEnd(*self.fish_point()))
            self.release_at = None
        self.collect_replies()
        events, self.events = self.events, []
        for action in self.world.update(dt, time.time(), events):
            if isinstance(action, ShowText) and not self.screen.thinking:
                self.screen.said = f"{self.name}> {action.text}"
        render(self.world, self.framebuffer)

    def draw(self, cols: int, rows: int) -> str:
        layout = fit(WIDTH, HEIGHT, cols, max(1, rows - STATUS_LINES))
        self.screen.layout, self.screen.left = layout, (cols - layout.cols) // 2
        pad = " " * self.screen.left
        lines = [pad + line for line in frame_lines(self.framebuffer.pixels, WIDTH, layout)]
        said = self.screen.said + (" …" if self.screen.thinking else "")
        typed = "> " + self.screen.typed[-(cols - 3):]
        lines += [said[:cols], typed, HELP[:cols]]
        return "\x1b[H" + "\x1b[K\r\n".join(lines) + "\x1b[K\x1b[J"

    def run(self, stdin_fd: int | None = None, out=None) -> int:
        stdin_fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
        out = out or sys.stdout
        if not os.isatty(stdin_fd):
            raise ValueError("glub pet needs a terminal (try: glub chat)")
        saved = termios.tcgetattr(stdin_fd)
        out.write("\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[2J")  # alt screen, no cursor, mouse on
        try:
            tty.setraw(stdin_fd)
            last = time.monotonic()
            while True:
                ready, _, _ = select.select([stdin_fd], [], [], FRAME_SECONDS)
                now = time.monotonic()
                if ready and not self.handle_input(os.read(stdin_fd, 4096).decode("utf-8", "replace"), now):
                    return 0
                self.step(now - last, now)
                last = now
                size = shutil.get_terminal_size()
                out.write(self.draw(size.columns, size.lines))
                out.flush()
        finally:
            termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved)
            out.write("\x1b[?1006l\x1b[?1000l\x1b[?25h\x1b[?1049l")
            out.flush()
