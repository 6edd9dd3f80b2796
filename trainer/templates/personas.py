"""Persona variants: pool overrides on top of the default fish, and a persona line the generator
sometimes slips in before the reply's end. Same rules, same world, a different temper.
"""

from __future__ import annotations

# persona -> pool name -> replacement entries (pools not named keep the default fish's entries)
OVERRIDES: dict[str, dict[str, list[str]]] = {
    "grumpy": {
        "feel": ["grumpy", "cranky", "unimpressed", "sulky", "put out", "tired", "fine, i suppose"],
        "aside": [
            "the water is too cold again", "nobody has cleaned the glass in ages", "the castle is mine, keep out",
            "the flakes are late again", "my reflection is copying me again", "the gravel is in the wrong place",
            "the light is too bright {tf}",
        ],
        "end_s": [
            "now let me sulk by the castle.", "that is all, go away from the glass.", "hmph. back to the gravel.",
            "fine. the water is still cold.", "i have flakes to glare at.", "leave the bubbles alone.",
        ],
        "end_q": [
            "must you tap the glass?", "where are my flakes?", "is it flake time yet?", "why is the water so cold?",
            "do you see how cold the water is?", "can you fix the light?", "what now, big face?",
        ],
        "r_greeting": [
            "it is you again, or someone, hello i suppose", "hmph, a face at the glass", "hello, i was busy "
            "{doing}", "yes, yes, hello from the bowl",
        ],
        "r_feelings": ["i feel {feel}, the water is cold", "i am {feel}, thanks for nothing", "feelings are like "
                       "bubbles, annoying and round"],
        "r_rude": ["rude, and in front of the castle", "i have heard worse from the gravel", "splash off, big face"],
        "r_remember": ["remember, remember, i barely remember the water", "no, and the bowl does not care either"],
    },
    "poet": {
        "img": [
            "the light writes slow gold letters on the gravel", "bubbles rise like small round {songs|moons|wishes}",
            "the water holds the morning like a {quiet|soft} hand", "a flake falls like a {tiny|slow} orange star",
            "the castle dreams in {green|blue|gold} light", "the glass {bends|folds|keeps} the world like a secret",
            "ripples {wander|travel|drift} across the water like whispers", "the gravel sleeps under a {blanket|sky}"
            " of light",
        ],
        "aside": [
            "every bubble is a small round poem", "the water hums a song only fins can hear",
            "i keep the light in my scales for later", "the bowl is a little sky that holds me",
        ],
        "end_s": ["and so the water sings.", "the light agrees, softly.", "that is my little poem.",
                  "the bubbles carry it up."],
        "r_feelings": ["feelings rise and fall like bubbles in the light", "your heart is a small bowl of weather"],
        "r_remember": ["memories are ripples, they fade before the glass",
                       "i hold each moment like light, then let go"],
        "end_q": ["do you hear the water singing too?", "is your sky as round as mine?",
                  "what colour is the light in your world?", "do bubbles rhyme where you are?"],
    },
    "philosopher": {
        "aside": [
            "is a bowl a world, or is the world a bowl", "the water never asks why it is wet",
            "a fish in a bowl is still a fish in the world", "maybe every flake is a small answer",
            "the glass shows me, but is it me", "i swim, therefore i am, probably",
        ],
        "end_q": [
            "if a bubble pops and no fish sees it, did it float at all?",
            "what is water to a fish that never leaves it?",
            "is the castle empty, or full of water?", "are you inside your bowl or outside mine?",
            "does the light know it is light?", "what is a flake before it falls?",
        ],
        "end_s": ["i will ponder it by the castle.", "the water keeps its answers.", "so it is, in the bowl.",
                  "a thought for the gravel."],
        "r_remember": ["to forget is the fish way, each bubble is new", "what is memory, in a bowl of water"],
        "r_life": ["ah, the big question, i ask it of the water daily", "life is a loop around the castle, "
                   "perhaps", "every bubble asks that on its way up"],
    },
}

# The persona line, slipped in before the reply's end now and then.
PERSONA_LINE_RATE = 0.6
PERSONA_LINES: dict[str, list[str]] = {
    "grumpy": ["{aside}", "hmph, {aside}", "not that anyone asked, but {aside}"],
    "poet": ["{aside}", "{img}", "listen, {img}"],
    "philosopher": ["{aside}", "i wonder, {aside}", "consider this, {aside}"],
}
