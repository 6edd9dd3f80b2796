"""Drawing a frame: the cached scene, then the few things that move.

Reads the world, never changes it. The cost per frame is one background copy, one row of foam, and a
slice assignment per sprite row run: the fish, its pupil and decorations, bubbles, particles, and the
speech bubbles (each cached as a sprite until its visible text changes).
"""

from __future__ import annotations

import math

from engine_py import bowl, speech
from engine_py.framebuffer import Framebuffer, blit
from engine_py.sprites import SIZE, eye_box, fish_sprites
from engine_py.world import POINTER_INTEREST, World


def round_px(value: float) -> int:
    # Round half up (not to even) so a slow drift moves the sprite one pixel at a steady cadence.
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def fish_frame(world: World) -> tuple[str, int]:
    """The (state, frame) the fish is drawn in: the state machine's, with the swim cycle and the talk."""
    machine, fish = world.machine, world.fish
    state = machine.state
    if state == "idle_swim" or (state == "talk" and world.chat == "thinking"):
        return "idle_swim", int(fish.tail_phase) % 4
    if state == "talk":
        bubble = world.speech
        moving = bubble is not None and (bubble.streaming or not bubble.revealed)
        return "talk", machine.frame if moving else 0
    return state, machine.frame


def pupil_offset(world: World, eye_x: int, eye_y: int) -> tuple[int, int]:
    """Which cell of the 2x2 eye the pupil sits in: toward a recently moved pointer, else ahead."""
    fish = world.fish
    if world.pointer is not None and world.time - world.pointer_time < POINTER_INTEREST * 2:
        px, py = world.pointer
        return (1 if px > eye_x + 1 else 0), (1 if py > eye_y + 1 else 0)
    return (1 if fish.facing > 0 else 0), 1


def render(world: World, fb: Framebuffer) -> None:
    """Draw ``world`` into ``fb`` (which must be ``WIDTH`` x ``HEIGHT``)."""
    palette = world.palette
    reduced = world.settings.reduced_motion
    fb.fill_from(bowl.background(palette, bowl.background_frame(world.time, reduced)))
    offset, foam = bowl.foam_row(palette, world.time, reduced)
    fb.pixels[offset : offset + len(foam)] = foam
    sprites = fish_sprites(palette)

    for b in world.bubbles:
        blit(fb, sprites.bubbles[b.size - 1], round_px(b.draw_x), round_px(b.y))

    fish = world.fish
    state, frame = fish_frame(world)
    frames = sprites.frames(state, fish.facing)
    sprite = frames[frame % len(frames)]
    sx = round_px(fish.x) - SIZE // 2
    sy = round_px(fish.y + fish.bob) - SIZE // 2
    blit(fb, sprite, sx, sy)
    eye = eye_box(state, frame, fish.facing)
    if eye is not None:
        dx, dy = pupil_offset(world, sx + eye[0], sy + eye[1])
        blit(fb, sprites.pupil, sx + eye[0] + dx, sy + eye[1] + dy)
    _decorate(world, fb, sprites, state, frame, sx, sy)

    for p in world.particles:
        blit(fb, sprites.particles[p.colour], int(p.x), int(p.y))

    if world.user_speech is not None:
        text = world.user_speech.text
        width, _ = speech.bubble_size(text)
        speech.draw_bubble(fb, text, len(text), speech.USER_STYLE, "right", bowl.WIDTH - width - 4, 4, palette)
    bubble = world.speech
    if bubble is not None and bubble.visible_text:
        # Laid out for the whole text so far, revealed a prefix at a time: the words never reflow.
        x, y = world.speech_origin(bubble.text)
        tail = "left" if fish.facing > 0 else "right"
        speech.draw_bubble(fb, bubble.text, len(bubble.visible_text), speech.FISH_STYLE, tail, x, y, palette)
    elif world.chat == "thinking":
        dots = "." * (1 + int(world.time * 3) % 3)
        speech.draw_bubble(fb, "...", len(dots), speech.FISH_STYLE, "left", sx + 8, sy - 17, palette)


def _decorate(world: World, fb: Framebuffer, sprites, state: str, frame: int, sx: int, sy: int) -> None:  # noqa: ANN001
    """The little signs beside the fish: sparkles, Z's, "?", "!", a pellet, impact stars."""
    deco = sprites.decorations
    facing = world.fish.facing
    nose = sx + SIZE + 1 if facing > 0 else sx - 4
    t = world.machine.elapsed
    if state == "happy":
        for i, (dx, dy) in enumerate(((-3, -3), (SIZE, -2), (SIZE // 2, -6))):
            if (int(t * 6) + i) % 3:
                blit(fb, deco["sparkle"], sx + dx, sy + dy)
        blit(fb, deco["heart"], sx + SIZE // 2 - 2, sy - 7 - int(t * 4) % 3)
    elif state == "sleep":
        rise = int(world.time * 3) % 8
        blit(fb, deco["z_small"], sx + (SIZE if facing > 0 else -4), sy - rise // 2)
        blit(fb, deco["z_big"], sx + (SIZE + 3 if facing > 0 else -8), sy - 6 - rise // 2)
    elif state == "forget":
        blit(fb, deco["question"], sx + SIZE // 2 - 2, sy - 9 - int(math.sin(t * 5) > 0))
    elif state == "excited":
        blit(fb, deco["exclaim"], sx + SIZE // 2 - 2, sy - 10)
        if int(t * 8) % 2:
            blit(fb, deco["sparkle_small"], sx - 2, sy + 2)
            blit(fb, deco["sparkle_small"], sx + SIZE + 1, sy + 3)
    elif state == "eat" and frame < 2:
        blit(fb, deco["pellet"], nose + (3 - frame * 3) * facing - (0 if facing > 0 else 0), sy + 8)
    elif state == "bump_glass" and frame < 2:
        blit(fb, deco["star"], nose - (1 if facing > 0 else 0), sy + 4 - frame)
    elif state == "wiggle" and int(t * 10) % 2:
        blit(fb, deco["sparkle_small"], sx - 1, sy + 1)
        blit(fb, deco["sparkle_small"], sx + SIZE, sy + SIZE - 3)
