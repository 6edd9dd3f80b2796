"""The loss curve as a PNG, drawn with pillow (no plotting library needed)."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = (720, 420)
MARGIN = (60, 20, 20, 40)  # left, top, right, bottom
TRAIN_COLOUR = (230, 120, 30)
TEST_COLOUR = (40, 110, 200)


def read_metrics(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def plot_losses(records: list[dict], out: Path) -> Path:
    """Train loss per logged step and test loss per epoch, against the step."""
    train = [(r["step"], r["loss"]) for r in records if r.get("kind") == "step"]
    test = [(r["step"], r["test_loss"]) for r in records if r.get("kind") == "epoch"]
    points = train + test
    if not points:
        raise ValueError("no metrics to plot")
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = MARGIN
    x0, x1 = 0, max(s for s, _ in points) or 1
    y0, y1 = 0.0, max(v for _, v in points) * 1.05 or 1.0

    def to_pixel(step: float, value: float) -> tuple[float, float]:
        x = left + (step - x0) / (x1 - x0) * (SIZE[0] - left - right)
        y = SIZE[1] - bottom - (value - y0) / (y1 - y0) * (SIZE[1] - top - bottom)
        return x, y

    draw.rectangle([left, top, SIZE[0] - right, SIZE[1] - bottom], outline="black")
    for fraction in (0.25, 0.5, 0.75, 1.0):
        value = y1 * fraction
        _, y = to_pixel(0, value)
        draw.line([left, y, SIZE[0] - right, y], fill=(225, 225, 225))
        draw.text((6, y - 6), f"{value:.2f}", fill="black")
    draw.text((left, SIZE[1] - bottom + 8), "0", fill="black")
    draw.text((SIZE[0] - right - 60, SIZE[1] - bottom + 8), f"step {x1}", fill="black")
    for series, colour in ((train, TRAIN_COLOUR), (test, TEST_COLOUR)):
        pixels = [to_pixel(s, v) for s, v in series]
        if len(pixels) > 1:
            draw.line(pixels, fill=colour, width=2)
        for x, y in pixels if series is test else pixels[-1:]:
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
    draw.text((left + 10, top + 6), "train loss", fill=TRAIN_COLOUR)
    draw.text((left + 10, top + 20), "test loss (reply tokens)", fill=TEST_COLOUR)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.png")
    image.save(tmp)
    tmp.replace(out)
    return out
