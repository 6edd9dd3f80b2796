"""The page's pure parts on CPython: settings parsing, the PNG encoder, the pictures, the title, the scale."""

from __future__ import annotations

import json
import struct
import zlib

import pytest

from pet.icons import ICONS, icon_png, poster_png, screenshot_png
from pet.png import encode_png, upscale
from pet.screen import css_size
from pet.settings import DEFAULT_NAME, SETTINGS_KEY, Prefs, Store, clean_name, clean_per_day, from_json, to_json
from pet.title import page_title


def decode_png(data: bytes) -> tuple[int, int, bytes]:
    """Our own reader for our own files: chunks with valid CRCs, RGBA8, filter 0 rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    assert all(raw[y * stride] == 0 for y in range(height))
    return width, height, b"".join(raw[y * stride + 1 : (y + 1) * stride] for y in range(height))


def test_png_round_trips_pixels() -> None:
    pixels = bytes(range(256)) * 3  # 8 x 24 RGBA
    assert decode_png(encode_png(8, 24, pixels)) == (8, 24, pixels)
    with pytest.raises(ValueError):
        encode_png(2, 2, b"\0" * 15)


def test_png_opens_in_pillow_too() -> None:
    pil = pytest.importorskip("PIL.Image")
    import io

    image = pil.open(io.BytesIO(icon_png(192)))
    assert image.size == (192, 192) and image.mode == "RGBA"


def test_upscale_makes_squares() -> None:
    pixels = bytes([1, 2, 3, 4, 5, 6, 7, 8])  # 2 x 1
    assert upscale(pixels, 2, 1, 2) == bytes([1, 2, 3, 4] * 2 + [5, 6, 7, 8] * 2) * 2


def test_poster_and_icons_have_their_sizes() -> None:
    width, height, _ = decode_png(poster_png())
    assert (width, height) == (240, 160)
    assert poster_png() == poster_png(), "the poster must not depend on when the site is built"
    assert decode_png(screenshot_png())[:2] == (960, 640)
    for size, maskable in ICONS.values():
        w, h, rgba = decode_png(icon_png(size, maskable))
        assert (w, h) == (size, size)
        assert all(rgba[i + 3] == 255 for i in range(0, len(rgba), 4 * 97)), "an icon must be opaque"


def test_maskable_icon_keeps_the_fish_in_the_safe_circle() -> None:
    size = 512
    _, _, rgba = decode_png(icon_png(size, maskable=True))
    background = rgba[:4]
    radius = 0.4 * size
    for y in range(0, size, 4):
        for x in range(0, size, 4):
            i = (y * size + x) * 4
            if rgba[i : i + 4] != background:
                assert (x - size / 2) ** 2 + (y - size / 2) ** 2 <= radius**2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bubbles", "Bubbles"),
        ("  Sir   Fin  ", "Sir Fin"),
        ("a" * 40, "a" * 16),
        ("line\nbreak\u202e", "line break"),
        ("   ", DEFAULT_NAME),
        (None, DEFAULT_NAME),
        (42, DEFAULT_NAME),
    ],
)
def test_clean_name(raw: object, expected: str) -> None:
    assert clean_name(raw) == expected


def test_clean_per_day() -> None:
    assert [clean_per_day(v) for v in (0, 8, 9, -3, "5", " 2 ", True, "x", 2.5, None)] == [
        0, 8, 8, 0, 5, 2, None, None, None, None,
    ]  # fmt: skip


def test_settings_round_trip_and_repairs() -> None:
    prefs = Prefs("Finn", 6)
    assert from_json(to_json(prefs)) == (prefs, None)
    assert json.loads(to_json(prefs))["version"] == 1
    assert from_json(None) == (Prefs(), None)
    assert from_json("{oops")[0] == Prefs() and "unreadable" in from_json("{oops")[1]
    assert "another version" in from_json(json.dumps({"version": 99, "name": "x"}))[1]
    assert "another version" in from_json("[1, 2]")[1]
    repaired, problem = from_json(json.dumps({"version": 1, "name": "Finn", "notifications_per_day": "lots"}))
    assert repaired == Prefs("Finn", 3) and problem and "notifications per day" in problem


class FakeStorage:
    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def getItem(self, key: str) -> str | None:  # noqa: N802 - the Web Storage API's spelling
        return self.items.get(key)

    def setItem(self, key: str, value: str) -> None:  # noqa: N802
        self.items[key] = value


def test_store_survives_blocked_and_full_storage() -> None:
    storage = FakeStorage()
    store = Store(lambda: storage)
    assert store.save(Prefs("Finn", 1)) is None
    assert SETTINGS_KEY in storage.items and store.load() == (Prefs("Finn", 1), None)

    def blocked() -> FakeStorage:
        raise PermissionError("SecurityError")

    prefs, problem = Store(blocked).load()
    assert prefs == Prefs() and problem == Store.BLOCKED
    assert Store(blocked).save(Prefs()) == Store.BLOCKED

    class Full(FakeStorage):
        def setItem(self, key: str, value: str) -> None:  # noqa: N802
            raise OSError("QuotaExceededError")

    assert Store(Full).save(Prefs()) == Store.BLOCKED


def test_title() -> None:
    assert page_title("Finn") == "Finn — your goldfish"
    assert page_title("Finn", hidden=True) == "Finn misses you"
    assert page_title("Finn", hidden=True, missed=2) == "(2) Finn misses you"


@pytest.mark.parametrize(
    ("space", "ratio", "scale", "css"),
    [
        ((900, 500), 1.0, 3, (720, 480)),
        ((900, 500), 2.0, 6, (720, 480)),
        ((500, 400), 1.5, 3, (480, 320)),  # CSS 2x would be 3 device px: whole; CSS 3x would be 4.5
        ((100, 50), 1.0, 1, (240, 160)),  # never below 1: the page scrolls rather than blurs
    ],
)
def test_css_size_is_whole_in_device_pixels(
    space: tuple[int, int], ratio: float, scale: int, css: tuple[float, float]
) -> None:
    got_scale, width, height = css_size(*space, 240, 160, ratio)
    assert (got_scale, (width, height)) == (scale, css)
