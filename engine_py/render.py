"""Drawing a frame: the cached scene, then the few things that move.

Reads the world, never changes it. The cost per frame is one background copy plus a slice assignment per
sprite row run, a few dozen in all.
"""

from __future__ import annotations

from engine_py.bowl import background
from engine_py.framebuffer import Framebuffer, blit
from engine_py.sprites import fish_sprites
from engine_py.world import World


def round_px(value: float) -> int:
    # Round half up (not to even) so a slow drift moves the sprite one pixel at a steady cadence.
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def render(world: World, fb: Framebuffer) -> None:
    """Draw ``world`` into ``fb`` (which must be ``WIDTH`` x ``HEIGHT``)."""
    fb.fill_from(background(world.palette))
    sprites = fish_sprites(world.palette)

    for b in world.bubbles:
        blit(fb, sprites.bubbles[b.size - 1], round_px(b.draw_x), round_px(b.y))

    fish = world.fish
    if fish.facing == 0:
        # Facing the viewer it "talks": the mouth opens and closes at the tail's rhythm.
        sprite = sprites.front[fish.frame % len(sprites.front)]
    else:
        frames = sprites.right if fish.facing > 0 else sprites.left
        sprite = frames[fish.frame % len(frames)]
    blit(fb, sprite, round_px(fish.x) - sprite.width // 2, round_px(fish.y + fish.bob) - sprite.height // 2)
