"""The canvas: one framebuffer copy per frame, a whole-number scale, pointer positions in frame pixels.

Browser only. The framebuffer is already RGBA in ImageData's byte order, so a frame is one
``assign`` (a memcpy out of the wasm heap) and one ``putImageData``; nothing loops over pixels.
"""

from __future__ import annotations

from typing import Any


def integer_scale(available_width: float, available_height: float, width: int, height: int) -> int:
    """The largest whole-number upscale that fits the space (at least 1): pixels stay square and sharp."""
    return max(1, min(int(available_width // width), int(available_height // height)))


def css_size(
    available_width: float, available_height: float, width: int, height: int, device_pixel_ratio: float = 1.0
) -> tuple[int, float, float]:
    """The scale in *device* pixels and the CSS box that gives it.

    On a 1.5x screen a CSS scale of 2 is 3 device pixels per frame pixel — still whole — but a CSS
    scale of 3 would be 4.5, and nearest-neighbour sampling would make every other pixel fatter. So
    the whole number is chosen in device pixels and divided back into CSS pixels.
    """
    ratio = device_pixel_ratio if device_pixel_ratio > 0 else 1.0
    scale = integer_scale(available_width * ratio, available_height * ratio, width, height)
    return scale, width * scale / ratio, height * scale / ratio


def client_to_frame(
    client_x: float, client_y: float, rect: tuple[float, float, float, float], width: int, height: int
) -> tuple[float, float]:
    """A point in CSS pixels (rect = left, top, css width, css height of the canvas) in frame pixels."""
    left, top, css_width, css_height = rect
    x = (client_x - left) * width / css_width if css_width else 0.0
    y = (client_y - top) * height / css_height if css_height else 0.0
    return min(max(x, 0.0), width - 1.0), min(max(y, 0.0), height - 1.0)


class Screen:
    """Presents framebuffers on ``canvas`` (whose width/height attributes are the frame size)."""

    def __init__(self, canvas: Any, width: int, height: int) -> None:
        self.canvas = canvas
        self.width = width
        self.height = height
        canvas.width = width
        canvas.height = height
        self.context = canvas.getContext("2d", alpha=False)
        # One ImageData for the page's lifetime; each frame overwrites its bytes in place.
        self.image = self.context.createImageData(width, height)
        self.data = self.image.data

    def show(self, pixels: bytearray) -> None:
        """Put one RGBA frame (width * height * 4 bytes, row-major) on the canvas."""
        self.data.assign(pixels)
        self.context.putImageData(self.image, 0, 0)

    def fit(self, available_width: float, available_height: float, device_pixel_ratio: float = 1.0) -> int:
        """Size the canvas's CSS box to the largest whole multiple (in device pixels) that fits; the scale."""
        scale, css_width, css_height = css_size(
            available_width, available_height, self.width, self.height, device_pixel_ratio
        )
        self.canvas.style.width = f"{css_width}px"
        self.canvas.style.height = f"{css_height}px"
        return scale

    def to_frame(self, client_x: float, client_y: float) -> tuple[float, float]:
        """A pointer event's client position in framebuffer pixels."""
        rect = self.canvas.getBoundingClientRect()
        return client_to_frame(
            client_x, client_y, (rect.left, rect.top, rect.width, rect.height), self.width, self.height
        )
