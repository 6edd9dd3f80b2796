"""What the host tells the world (events) and what the world asks of the host (actions).

Plain frozen values, so a recorded list of them replays a session exactly. Coordinates are framebuffer
pixels: the host divides out its integer scale before it builds an event. Text is always text: the host
puts an action's text on the page through ``textContent`` (or pixels), never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class PointerMove:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class PointerLeave:
    """The pointer left the canvas: the fish stops following it."""


@dataclass(frozen=True, slots=True)
class Click:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class DoubleClick:
    """Optional: the world also recognises two quick clicks on the fish by itself."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class PressStart:
    """A pointer went down (held 0.5 s or longer on the fish, it is a cuddle)."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class PressEnd:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    """The user sent ``message``; the model is thinking. The fish swims to the centre to listen."""

    message: str


@dataclass(frozen=True, slots=True)
class ReplyToken:
    """A piece of the reply as it streams (appended to what the bubble shows)."""

    piece: str


@dataclass(frozen=True, slots=True)
class ReplyDone:
    """The reply is complete: ``text`` is the whole of it (it replaces what streamed)."""

    text: str


@dataclass(frozen=True, slots=True)
class ReplyFailed:
    """The model could not answer: the fish is a little sad about it."""


@dataclass(frozen=True, slots=True)
class FishSays:
    """A whole reply at once, without the streaming (same as ``ReplyDone`` with no ``ReplyStarted``)."""

    text: str


@dataclass(frozen=True, slots=True)
class PageHidden:
    """The user left (the tab is hidden): the away scheduler starts planning taps on the glass."""


@dataclass(frozen=True, slots=True)
class PageVisible:
    """The user is back."""


Event: TypeAlias = (
    PointerMove
    | PointerLeave
    | Click
    | DoubleClick
    | PressStart
    | PressEnd
    | ReplyStarted
    | ReplyToken
    | ReplyDone
    | ReplyFailed
    | FishSays
    | PageHidden
    | PageVisible
)


@dataclass(frozen=True, slots=True)
class ShowText:
    """The fish said this line (an idle phrase): mirror it for screen readers (aria-live), as text."""

    text: str


@dataclass(frozen=True, slots=True)
class Notify:
    """The user is away and the fish taps on the glass: raise a notification with this text."""

    text: str


Action: TypeAlias = ShowText | Notify
