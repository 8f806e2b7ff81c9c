"""A tiny deterministic PRNG: xoshiro256** seeded through splitmix64, in pure Python.

Integer arithmetic only, so a seed gives the same stream on every machine and Python version.
Never swap it for `random` or numpy: every member's personal input depends on this stream.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from typing import TypeVar

T = TypeVar("T")

MASK64 = (1 << 64) - 1


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK64


def splitmix64(state: int) -> tuple[int, int]:
    """One splitmix64 step: (new state, output)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


class Rng:
    """xoshiro256** (Blackman & Vigna), its 256-bit state filled by splitmix64 from the seed."""

    __slots__ = ("_s",)

    def __init__(self, seed: int) -> None:
        if not 0 <= seed <= MASK64:
            raise ValueError(f"seed must be an integer in [0, 2**64), not {seed}")
        state = seed
        words = []
        for _ in range(4):
            state, out = splitmix64(state)
            words.append(out)
        self._s = words

    def next_u64(self) -> int:
        """The next 64-bit output."""
        s = self._s
        result = (_rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(self, n: int) -> int:
        """A uniform integer in [0, n), without modulo bias (rejection on the top bits)."""
        if not 1 <= n <= 1 << 64:
            raise ValueError(f"n must be in [1, 2**64], not {n}")
        bits = (n - 1).bit_length()
        if bits == 0:
            return 0
        while True:
            r = self.next_u64() >> (64 - bits)
            if r < n:
                return r

    def randint(self, a: int, b: int) -> int:
        """A uniform integer in [a, b], both ends included."""
        if a > b:
            raise ValueError(f"empty range [{a}, {b}]")
        return a + self.below(b - a + 1)

    def random(self) -> float:
        """A uniform float in [0, 1) with 53 random bits (exact, no rounding)."""
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def chance(self, percent: int) -> bool:
        """True with probability percent/100, decided on integers."""
        return self.below(100) < percent

    def choice(self, seq: Sequence[T]) -> T:
        """One element, uniformly."""
        if not seq:
            raise IndexError("choice from an empty sequence")
        return seq[self.below(len(seq))]

    def shuffle(self, items: MutableSequence[T]) -> None:
        """Shuffle in place (Fisher-Yates, from the end)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        """k distinct positions of seq, in random order (partial Fisher-Yates on a copy)."""
        pool = list(seq)
        if not 0 <= k <= len(pool):
            raise ValueError(f"cannot sample {k} from {len(pool)}")
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]
