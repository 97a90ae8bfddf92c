"""The demo text generator: its inlined draws give the notes the plain random calls give.

demo.py skips rng.randint()/choice()/choices() for speed but must draw the same numbers, so a
seed keeps giving the same notes (benchmarks on demo data stay comparable across versions).
The reference below is the generator written with the plain calls.
"""

from __future__ import annotations

import random

import pytest

from webapp.services import demo


def reference_words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(demo.WORDS, cum_weights=demo._ZIPF_CUMULATIVE, k=count)


def reference_sentence(rng: random.Random) -> str:
    words = []
    for content_word in reference_words(rng, rng.randint(3, 8)):
        words.extend(rng.choices(demo.FUNCTION_WORDS, k=rng.randint(0, 2)))
        words.append(content_word)
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def reference_body(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.random()
        if kind < 0.15:
            parts.append("## " + " ".join(reference_words(rng, 3)).capitalize())
        elif kind < 0.35:
            parts.append("\n".join("- " + " ".join(reference_words(rng, rng.randint(2, 6))) for _ in range(3)))
        else:
            parts.append(" ".join(reference_sentence(rng) for _ in range(rng.randint(2, 6))))
    return "\n\n".join(parts)


@pytest.mark.parametrize("seed_value", [0, 7, 12345])
def test_same_seed_same_text_as_the_plain_random_calls(seed_value):
    fast, plain = random.Random(seed_value), random.Random(seed_value)
    for _ in range(300):
        assert demo._words(fast, 4) == reference_words(plain, 4)
        assert demo._body(fast) == reference_body(plain)
    assert fast.getstate() == plain.getstate()  # and the generator is left where it would be
