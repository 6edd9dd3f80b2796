"""What the host tells the world (events) and what the world asks of the host (actions).

Plain frozen values, so a recorded list of them replays a session exactly. Coordinates are framebuffer
pixels: the host divides out its integer scale before it builds an event.
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
class FishSays:
    """The host is showing a reply from the model: the fish comes to the front and faces the viewer."""

    text: str


Event: TypeAlias = PointerMove | PointerLeave | Click | FishSays


@dataclass(frozen=True, slots=True)
class ShowText:
    """Show this text beside the fish (as text, never markup)."""

    text: str


# More kinds join this union as the world grows (ask the model, notify, persist settings).
Action: TypeAlias = ShowText
