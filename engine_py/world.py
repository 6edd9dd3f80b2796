"""The fish's world: where it is, what it is doing, what it says, and why.

The simulation advances in fixed steps of ``STEP`` seconds whatever the host's frame rate: ``update``
banks the frame's dt and runs as many whole steps as it covers. So 30 fps and 120 fps produce the same
motion, and a replay with the same seed, dts, clock and events is exact. All randomness comes from the
world's own ``random.Random(seed)``; the wall clock (``now``, Unix seconds) only ever says what hour it is.

Behaviour is the state machine of ``fsm``; this module decides when to ask it for a state (events, idle
events, the phrase scheduler, sleep) and how each state moves the fish.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine_py import bowl, effects, fsm, speech
from engine_py import palette as P
from engine_py.away import AwayScheduler, local_hour
from engine_py.events import (
    Action,
    Click,
    DoubleClick,
    Event,
    FishSays,
    Notify,
    PageHidden,
    PageVisible,
    PointerLeave,
    PointerMove,
    PressEnd,
    PressStart,
    ReplyDone,
    ReplyFailed,
    ReplyStarted,
    ReplyToken,
    ShowText,
)
from engine_py.phrases import Context, PhraseScheduler, hour_band, parse_phrases
from engine_py.sprites import SIZE, TAIL_TILTS

STEP = 1 / 120  # seconds of simulation per step
MAX_FRAME = 0.25  # a longer frame (a hidden tab waking up) is cut to this, not replayed step by step

CRUISE_SPEED = 16.0  # px/s while wandering
EXCITED_SPEED = 40.0  # px/s darting about when excited
TURN_SPEED = 3.0  # |vx| in px/s before the fish wants to face the other way
RESPONSE = 2.5  # 1/s: how fast velocity follows the wanted velocity
LEVEL_BIAS = 0.6  # vertical share of the wandering speed
ARRIVE_RADIUS = 12.0  # px: start slowing down this far from a target
PULL_SPEED = 10.0  # px/s: the most the pointer adds to the wanted velocity
POINTER_INTEREST = 4.0  # s: a pointer that stops moving is forgotten after this
BOB_AMPLITUDE = 1.2  # px
BOB_RATE = 1.8  # rad/s
TAIL_RATE = 3.0  # frames/s at rest; faster when swimming
BUBBLE_RATE = 0.3  # bubbles/s from the fish's mouth
SINK_SPEED = 6.0  # px/s falling asleep
DOUBLE_CLICK = 0.4  # s between two clicks on the fish that make a double click
LONG_PRESS = 0.5  # s a press must last to count as a cuddle
SLEEP_AFTER = 300.0  # s alone before the fish falls asleep
NAP = (60.0, 180.0)  # s a daytime nap lasts
IDLE_EVENT_EVERY = (6.0, 16.0)  # s between small idle events (bubbles, a turn, a nibble)
TALK_CENTER = (float(bowl.CENTER_X), 84.0)

# The fish's centre stays this far inside the water so its whole sprite, bob included, stays wet.
_HALF_W = SIZE / 2 + 1
_HALF_H = SIZE / 2 + BOB_AMPLITUDE + 1
_TOP = bowl.WATER_TOP + _HALF_H + 1
_BOTTOM = bowl.GRAVEL_TOP - _HALF_H

# States in which the fish holds still (its animation is the point).
_STILL = frozenset({"turn_around", "bubble_blow", "eat", "bump_glass", "forget", "wiggle"})
_EXCITED_WORDS = ("!", "wow", "yay", "love", "amazing", "best")
_FORGET_WORDS = ("?", "forget", "forgot", "what", "huh", "remember")
_SAD_WORDS = ("sad", "sorry", "miss", "lonely", "cry")


def swim_x_range(y: float) -> tuple[float, float]:
    """The fish centre's allowed x span at height ``y`` (its sprite's corners stay inside the glass)."""
    half = min(bowl.water_half_width(y - _HALF_H), bowl.water_half_width(y + _HALF_H)) - _HALF_W
    half = max(half, 0.0)
    return bowl.CENTER_X - half, bowl.CENTER_X + half


def clamp_to_water(x: float, y: float) -> tuple[float, float]:
    y = min(max(y, _TOP), _BOTTOM)
    lo, hi = swim_x_range(y)
    return min(max(x, lo), hi), y


def reaction_for(text: str) -> str:
    """The state the fish reacts with after saying ``text``: excited, forget, sad or (mostly) happy."""
    lower = text.lower()
    if any(w in lower for w in _SAD_WORDS):
        return "sad"
    if any(w in lower for w in _EXCITED_WORDS):
        return "excited"
    if any(w in lower for w in _FORGET_WORDS):
        return "forget"
    return "happy"


@dataclass
class Settings:
    name: str = "glub"  # the fish's name: idle lines put it where a name belongs
    reduced_motion: bool = False  # no bob, no sway, no spray, no crumbling words
    notifications_per_day: int = 3  # 0-8 taps on the glass while the user is away
    utc_offset_minutes: int = 0  # local time = UTC + this; the host passes the browser's offset


@dataclass
class Fish:
    x: float = float(bowl.CENTER_X)
    y: float = 80.0
    vx: float = 0.0
    vy: float = 0.0
    target_x: float = float(bowl.CENTER_X)
    target_y: float = 80.0
    facing: int = 1  # 1 right, -1 left
    rest: float = 0.0  # s left to idle at the current target
    tail_phase: float = 0.0  # swim frames elapsed, fractional
    bob: float = 0.0  # current vertical bob offset, px


@dataclass
class World:
    seed: int = 0
    settings: Settings = field(default_factory=Settings)
    fish: Fish = field(default_factory=Fish)
    machine: fsm.Machine = field(default_factory=fsm.Machine)
    bubbles: list[effects.Bubble] = field(default_factory=list)
    particles: list[effects.Particle] = field(default_factory=list)
    speech: speech.Speech | None = None  # the fish's bubble
    user_speech: speech.Speech | None = None  # the user's message, shown while the fish thinks
    chat: str | None = None  # None, "thinking" (the model works) or "talking" (the reply streams)
    pointer: tuple[float, float] | None = None
    pointer_time: float = -1e9  # simulation time of the last pointer move
    time: float = 0.0  # simulation seconds since the world began
    now: float = 0.0  # the host's clock (Unix seconds) at the last update
    last_interaction: float = 0.0  # simulation time of the last click, press, chat or pointer move
    last_chat: float | None = None  # when the last reply was finished
    phrases: PhraseScheduler = field(default_factory=PhraseScheduler)
    away: AwayScheduler = field(default_factory=AwayScheduler)
    night_sleep: bool = False  # asleep for the night: wakes at 06:00 with a morning line
    nap_until: float = 0.0  # simulation time a daytime nap ends
    reaction: str = "happy"  # what the fish does when its reply bubble closes
    rng: random.Random = field(init=False, repr=False)
    _banked: float = field(default=0.0, init=False, repr=False)
    _press: tuple[float, float, float] | None = field(default=None, init=False, repr=False)
    _press_used: bool = field(default=False, init=False, repr=False)
    _last_fish_click: float = field(default=-1e9, init=False, repr=False)
    _next_idle_event: float = field(default=0.0, init=False, repr=False)
    _actions: list[Action] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.fish.target_x, self.fish.target_y = self._random_target()
        self._next_idle_event = self.rng.uniform(*IDLE_EVENT_EVERY)
        self.phrases.name = self.settings.name

    # -- the host's entry points ---------------------------------------------------------------------

    def load_phrases(self, data: Mapping[str, object]) -> None:
        """Give the fish its idle lines (the parsed ``phrases.json``)."""
        self.phrases.phrases = parse_phrases(data)

    @property
    def state(self) -> str:
        return self.machine.state

    @property
    def talking(self) -> bool:
        return self.chat is not None or self.machine.state == "talk"

    @property
    def hour(self) -> float:
        """The local hour at the host's clock."""
        return local_hour(self.now, self.settings.utc_offset_minutes)

    @property
    def palette(self) -> P.Palette:
        return P.palette_for_hour(self.hour)

    def update(self, dt: float, now: float, events: Sequence[Event]) -> list[Action]:
        """Apply ``events``, advance the world by ``dt`` seconds, and return what the host must do."""
        self.now = now
        self.phrases.name = self.settings.name
        self.away.per_day = self.settings.notifications_per_day
        self.away.utc_offset_minutes = self.settings.utc_offset_minutes
        for event in events:
            self._handle(event)
        self._banked += min(max(dt, 0.0), MAX_FRAME)
        # The small slack absorbs float error so that e.g. 1/30 s always counts as exactly 4 steps.
        while self._banked >= STEP - 1e-9:
            self._banked -= STEP
            self._step(STEP)
        self._schedule()
        actions, self._actions = self._actions, []
        return actions

    # -- events ---------------------------------------------------------------------------------------

    def _handle(self, event: Event) -> None:
        if isinstance(event, PointerMove):
            self.pointer = (event.x, event.y)
            self.pointer_time = self.time
            self.last_interaction = max(self.last_interaction, self.time)
        elif isinstance(event, PointerLeave):
            self.pointer = None
        elif isinstance(event, Click):
            self._click(event.x, event.y)
        elif isinstance(event, DoubleClick):
            self._touch()
            if self.hits_fish(event.x, event.y):
                self._react("excited")
        elif isinstance(event, PressStart):
            self._press = (self.time, event.x, event.y)
            self._press_used = False
        elif isinstance(event, PressEnd):
            self._press = None
        elif isinstance(event, ReplyStarted):
            self._touch()
            self.user_speech = speech.Speech(event.message, speech.USER_STYLE, instant=True, duration=4.0)
            self.speech = None
            self.chat = "thinking"
            self._go_talk()
        elif isinstance(event, ReplyToken):
            if self.chat is None:
                self.chat = "thinking"
                self._go_talk()
            if self.speech is None or not self.speech.streaming:
                self.speech = speech.Speech("", streaming=True, instant=self.settings.reduced_motion)
            self.speech.extend(event.piece)
            self.chat = "talking"
        elif isinstance(event, ReplyDone | FishSays):
            self._touch()
            if self.chat is None:
                self._go_talk()
            if self.speech is None or not self.speech.streaming:
                self.speech = speech.Speech("", instant=self.settings.reduced_motion)
            self.speech.end_stream(event.text.strip() or "...")
            self.chat = "talking"
            self.reaction = reaction_for(self.speech.text)
        elif isinstance(event, ReplyFailed):
            self.chat = None
            self.user_speech = None
            fsm.release(self.machine, "talk", self.rng)
            self._react("sad")
        elif isinstance(event, PageHidden):
            self.away.leave(self.now)
        elif isinstance(event, PageVisible):
            self.away.come_back()
            self._touch()

    def _touch(self) -> None:
        """Someone is there: silence ends, and a sleeper wakes."""
        self.last_interaction = self.time
        if self.machine.state == "sleep" or self.night_sleep:
            self._wake()

    def _click(self, x: float, y: float) -> None:
        if self._press_used:
            self._press_used = False  # the click that ends a cuddle is not a poke
            self._touch()
            return
        self._touch()
        if self.hits_fish(x, y):
            if self.time - self._last_fish_click <= DOUBLE_CLICK:
                self._react("excited")
            else:
                self._react("wiggle")
                if not self.settings.reduced_motion:
                    effects.spiral(self.particles, self.fish.x, self.fish.y + self.fish.bob, self.rng)
            self._last_fish_click = self.time
        elif bowl.in_water(x, y):
            if not self.settings.reduced_motion:
                effects.splash(self.particles, x, y, self.rng)
            for _ in range(2):
                effects.spawn_bubble(self.bubbles, x, y, self.rng, size=1)
            if not self.talking:
                # A tap in the water is something to look at.
                self.fish.target_x, self.fish.target_y = clamp_to_water(x, y)
                self.fish.rest = 0.0

    def _react(self, state: str) -> None:
        fsm.request(self.machine, state, self.rng)

    def _go_talk(self) -> None:
        if self.machine.state == "sleep" or self.night_sleep:
            self._wake()
        # Talking is not optional: after an excited dash (a higher priority) the fish still comes to talk.
        fsm.request_or_queue(self.machine, "talk", self.rng, held=True)
        self.fish.target_x, self.fish.target_y = TALK_CENTER

    def hits_fish(self, x: float, y: float) -> bool:
        fish = self.fish
        return abs(x - fish.x) <= SIZE / 2 + 2 and abs(y - fish.y - fish.bob) <= SIZE / 2 + 1

    # -- sleep --------------------------------------------------------------------------------------

    def _fall_asleep(self) -> None:
        if not fsm.request(self.machine, "sleep", self.rng, held=True):
            return
        if hour_band(self.hour) == "night":
            self.night_sleep = True
        else:
            self.nap_until = self.time + self.rng.uniform(*NAP)
        self.speech = None

    def _wake(self, with_line: str | None = None) -> None:
        self.night_sleep = False
        self.nap_until = 0.0
        self.last_interaction = self.time
        fsm.release(self.machine, "sleep", self.rng)
        if with_line:
            picked = self.phrases.pick(self._context(), self.rng, only=with_line)
            if picked:
                self._say(picked[1])

    # -- one fixed step -------------------------------------------------------------------------------

    def _step(self, dt: float) -> None:
        self.time += dt
        fish, machine = self.fish, self.machine
        ended = fsm.tick(machine, dt, self.rng)
        if ended == "turn_around":
            fish.target_x, fish.target_y = self._random_target(ahead=fish.facing)

        if self._press is not None and not self._press_used and self.time - self._press[0] >= LONG_PRESS:
            if self.hits_fish(self._press[1], self._press[2]):
                self._touch()
                self._react("happy")
                self._press_used = True

        want_x, want_y = self._steer(dt)
        k = 1.0 - math.exp(-RESPONSE * dt * (3.0 if machine.state == "excited" else 1.0))
        fish.vx += (want_x - fish.vx) * k
        fish.vy += (want_y - fish.vy) * k
        x, y = fish.x + fish.vx * dt, fish.y + fish.vy * dt
        fish.x, fish.y = clamp_to_water(x, y)
        bumped = fish.x != x
        if bumped:
            fish.vx = 0.0
        if fish.y != y:
            fish.vy = 0.0
        if bumped and machine.state == "idle_swim" and abs(x - fish.x) > 0.02 and self.rng.random() < 0.3:
            fsm.request(machine, "bump_glass", self.rng)  # nose met the glass: boink

        # The fish faces the way it swims, and changing sides is a turn, never a flip.
        if abs(fish.vx) > TURN_SPEED and (1 if fish.vx > 0 else -1) != fish.facing:
            if machine.state in ("idle_swim", "excited", "sleep", "sad", "talk", "happy"):
                if machine.state == "idle_swim":
                    fsm.request(machine, "turn_around", self.rng)
                fish.facing = 1 if fish.vx > 0 else -1

        speed = math.hypot(fish.vx, fish.vy)
        fish.tail_phase = (fish.tail_phase + dt * (TAIL_RATE + speed * 0.25)) % len(TAIL_TILTS)
        fish.bob = 0.0 if self.settings.reduced_motion else BOB_AMPLITUDE * math.sin(self.time * BOB_RATE)
        if machine.state == "sleep":
            fish.bob *= 0.3

        self._step_speech(dt)
        self._step_state_effects(dt)
        bubble_rate = BUBBLE_RATE * (0.3 if self.settings.reduced_motion else 1.0)
        if machine.state != "sleep" and self.rng.random() < bubble_rate * dt:
            self._mouth_bubble()
        self.bubbles = effects.step_bubbles(self.bubbles, dt, bowl.in_water)
        self.particles = effects.step_particles(self.particles, dt)

    def _step_state_effects(self, dt: float) -> None:
        machine = self.machine
        if machine.state == "bubble_blow" and machine.frame == 2 and machine.elapsed - dt < 2 / 3.0 <= machine.elapsed:
            self._mouth_bubble(size=2)
        if machine.state == "sleep" and self.rng.random() < 0.08 * dt:
            self._mouth_bubble(size=1)

    def _step_speech(self, dt: float) -> None:
        if self.user_speech is not None:
            self.user_speech.step(dt)
            # The user's words stay up while the fish thinks, and a moment into its answer.
            if self.chat is None or self.chat == "talking" and self.user_speech.age > 1.5:
                self.user_speech = None
        bubble = self.speech
        if bubble is None:
            return
        bubble.step(dt)
        if bubble.finished:
            self.speech = None
            is_reply = self.chat == "talking"
            if is_reply:
                self.chat = None
                self.last_chat = self.time
                self.phrases.postpone(self.time, self.rng)
                fsm.release(self.machine, "talk", self.rng)
                self._react(self.reaction)
            if (is_reply or self.reaction == "forget") and not self.settings.reduced_motion:
                # The forget dissolve: the words crumble as the bubble goes.
                x, y = self.speech_origin(bubble.text)
                effects.dissolve(self.particles, x, y, speech.text_pixels(bubble.text), self.rng)
            self.reaction = "happy"

    def speech_origin(self, text: str) -> tuple[int, int]:
        """Top-left of the fish's bubble for ``text``: above the fish, inside the frame."""
        w, h = speech.bubble_size(text)
        x = int(self.fish.x) - 6 if self.fish.facing > 0 else int(self.fish.x) - w + 6
        y = int(self.fish.y + self.fish.bob) - SIZE // 2 - h - 1
        x = min(max(x, 2), bowl.WIDTH - w - 2)
        y = min(max(y, 2), bowl.HEIGHT - h - 2)
        return x, y

    def _steer(self, dt: float) -> tuple[float, float]:
        """The velocity the fish wants in its current state (and its small decisions on the way)."""
        fish, state = self.fish, self.machine.state
        if state in _STILL:
            return 0.0, 0.0
        if state == "sleep":
            return 0.0, SINK_SPEED if fish.y < _BOTTOM - 0.5 else 0.0
        if state == "sad":
            return fish.facing * 3.0, 4.0  # drifts down, listless
        if state == "excited":
            # Quick zigzags: a new nearby target whenever the last one is reached.
            if math.hypot(fish.target_x - fish.x, fish.target_y - fish.y) < 4:
                fish.target_x, fish.target_y = clamp_to_water(
                    fish.x + self.rng.uniform(-30, 30), fish.y + self.rng.uniform(-12, 12)
                )
            return self._toward(EXCITED_SPEED)

        talking = state == "talk" or self.chat is not None
        if talking:
            fish.target_x, fish.target_y = TALK_CENTER
            if math.hypot(fish.target_x - fish.x, fish.target_y - fish.y) < 2.0:
                return 0.0, 0.0
            return self._toward(CRUISE_SPEED * 1.5)

        dist = math.hypot(fish.target_x - fish.x, fish.target_y - fish.y)
        want_x, want_y = self._toward(CRUISE_SPEED * (0.5 if state == "happy" else 1.0))
        if dist < 3.0:
            # Arrived: idle a moment, then pick somewhere new.
            if fish.rest <= 0:
                fish.rest = self.rng.uniform(0.8, 3.0)
            fish.rest -= dt
            if fish.rest <= 0:
                fish.target_x, fish.target_y = self._random_target()
            want_x = want_y = 0.0

        # The pointer pulls gently while it is in the water and recently moved: curious, not obedient.
        pointer = self.pointer
        if pointer is not None and self.time - self.pointer_time < POINTER_INTEREST and bowl.in_water(*pointer):
            px, py = pointer[0] - fish.x, pointer[1] - fish.y
            pdist = math.hypot(px, py)
            if pdist > 1e-6:
                pull = PULL_SPEED * min(1.0, pdist / 30.0)
                want_x += px / pdist * pull
                want_y += py / pdist * pull
        return want_x, want_y

    def _toward(self, speed: float) -> tuple[float, float]:
        fish = self.fish
        dx, dy = fish.target_x - fish.x, fish.target_y - fish.y
        dist = math.hypot(dx, dy)
        if dist < 1e-6:
            return 0.0, 0.0
        speed *= min(1.0, dist / ARRIVE_RADIUS)
        # Fish swim level by choice: climbing and sinking is slower than going along.
        return dx / dist * speed, dy / dist * speed * LEVEL_BIAS

    def _random_target(self, ahead: int = 0) -> tuple[float, float]:
        y = self.rng.uniform(_TOP, _BOTTOM)
        lo, hi = swim_x_range(y)
        if ahead > 0:
            lo = min(max(lo, self.fish.x + 10), hi)
        elif ahead < 0:
            hi = max(min(hi, self.fish.x - 10), lo)
        return self.rng.uniform(lo, hi), y

    def _mouth_bubble(self, size: int | None = None) -> None:
        fish = self.fish
        mouth_x = fish.x + (SIZE / 2 - 2) * fish.facing
        effects.spawn_bubble(self.bubbles, mouth_x, fish.y + fish.bob, self.rng, size)

    # -- schedulers (once per update, not per step: they think in seconds, not ticks) -----------------

    def _context(self) -> Context:
        return Context(self.time, self.hour, self.last_interaction, self.last_chat, self.away.away)

    def _say(self, text: str) -> None:
        self.speech = speech.Speech(text, instant=self.settings.reduced_motion)
        self._actions.append(ShowText(text))

    def _schedule(self) -> None:
        machine = self.machine
        if self.away.away:
            line = self.away.due(self.now, self.phrases, self.rng)
            if line:
                self._actions.append(Notify(line))
        if machine.state == "sleep":
            if self.night_sleep and hour_band(self.hour) == "morning":
                self._wake(with_line="morning")
            elif not self.night_sleep and self.nap_until and self.time >= self.nap_until:
                self._wake()
            return
        if self.night_sleep:  # something else (a chat) took over the night: it is awake now
            self.night_sleep = False
        if machine.state == "idle_swim" and self.chat is None and self.time - self.last_interaction >= SLEEP_AFTER:
            self._fall_asleep()
            return

        busy = self.chat is not None or self.speech is not None or machine.state in ("sleep", "talk")
        picked = self.phrases.due(self._context(), self.rng, quiet=busy)
        if picked:
            category, line = picked
            self._say(line)
            # Some lines come with a face.
            mood = {"forgetful": "forget", "long_silence": "sad", "hungry": "eat", "cheerful": "happy"}.get(category)
            if mood:
                self._react(mood)
                if mood == "forget":
                    self.reaction = "forget"

        if self.time >= self._next_idle_event:
            self._next_idle_event = self.time + self.rng.uniform(*IDLE_EVENT_EVERY)
            # Only from a settled swim: a fish that just finished something does not start the next at once.
            if machine.state == "idle_swim" and machine.elapsed > 1.5 and self.chat is None:
                lo, hi = swim_x_range(self.fish.y)
                at_glass = min(self.fish.x - lo, hi - self.fish.x) < 3
                if at_glass:
                    self._react("bump_glass")
                else:
                    choice = self.rng.choices(("bubble_blow", "turn_around", "eat", "forget"), (3, 2, 2, 1))[0]
                    self._react(choice)
                    if choice == "turn_around":
                        # It stops to turn: no leftover speed that would turn it straight back.
                        self.fish.facing = -self.fish.facing
                        self.fish.vx = 0.0
