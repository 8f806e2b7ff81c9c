"""The generator types, and helpers that format answers the way members type them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from bot.catalog.generators.rng import Rng
from bot.rules.grading import Tolerance, normalise_text, parse_number


@dataclass(frozen=True, slots=True)
class Instance:
    """One member's personal copy of a generated challenge."""

    prompt: str
    data: str | None
    answer: str
    kind: Literal["numeric", "text"]
    tolerance: str | None

    def __post_init__(self) -> None:
        if self.kind == "numeric":
            if self.tolerance is None or parse_number(self.answer) is None:
                raise ValueError(f"numeric instance needs a number and a tolerance: {self!r}")
            Tolerance.parse(self.tolerance)
        elif self.tolerance is not None or not normalise_text(self.answer):
            raise ValueError(f"text instance needs a word and no tolerance: {self!r}")
        if self.data is not None and "```" in self.data:
            raise ValueError("data must not contain a code fence")


@dataclass(frozen=True, slots=True)
class Generator:
    """A challenge template that makes a personal Instance from a seeded Rng."""

    id: str
    kind: Literal["puzzle", "numeric"]
    track: str
    difficulty: int
    title: str
    explanation: str
    reference: str | None
    make: Callable[[Rng], Instance]


def decimal(value: float, places: int) -> str:
    """`value` rounded to `places` decimals, never printed as `-0.000`."""
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def unit(places: int) -> str:
    """One unit in the last of `places` decimals: 3 -> "0.001"."""
    return f"{10.0**-places:.{places}f}"


def integer_answer(prompt: str, data: str | None, value: int) -> Instance:
    """An integer answer, graded exactly (tolerance 0)."""
    return Instance(prompt, data, str(value), "numeric", "0")


def decimal_answer(prompt: str, data: str | None, value: float, places: int) -> Instance:
    """A decimal rounded to `places`; one unit in the last place is tolerated, so a correctly
    rounded or truncated answer is accepted."""
    return Instance(prompt, data, decimal(value, places), "numeric", unit(places))


def word_answer(prompt: str, data: str | None, word: str) -> Instance:
    """A single token, graded as exact text."""
    return Instance(prompt, data, word, "text", None)


def far_apart(value: float, others: list[float], places: int, factor: int = 3) -> bool:
    """True when every other value is more than `factor` units of the last place from `value`,
    so the tolerance rejects those common mistakes with room to spare."""
    gap = factor * 10.0**-places
    return all(abs(value - other) > gap for other in others)


def tenths(k: int) -> str:
    """An integer count of tenths as a decimal: 125 -> "12.5", -3 -> "-0.3"."""
    sign = "-" if k < 0 else ""
    return f"{sign}{abs(k) // 10}.{abs(k) % 10}"


def hundredths(k: int) -> str:
    """An integer count of hundredths as a decimal: 7 -> "0.07"."""
    sign = "-" if k < 0 else ""
    return f"{sign}{abs(k) // 100}.{abs(k) % 100:02d}"


def thousandths(k: int) -> str:
    """An integer count of thousandths as a decimal: 57 -> "0.057"."""
    sign = "-" if k < 0 else ""
    return f"{sign}{abs(k) // 1000}.{abs(k) % 1000:03d}"


BH = "Blitzstein & Hwang, Introduction to Probability (2nd ed.)"


OPENINTRO = "Diez, Çetinkaya-Rundel & Barr, OpenIntro Statistics (4th ed.)"


def ordinal(n: int) -> str:
    """1 -> 1st, 2 -> 2nd, 11 -> 11th, 23 -> 23rd."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def places_text(places: int) -> str:
    return f"Give a decimal rounded to {places} places"


def mean_var(values: list[int], ddof: int) -> tuple[Fraction, Fraction]:
    """Exact mean and variance of integers (divide by n - ddof)."""
    n = len(values)
    mean = Fraction(sum(values), n)
    return mean, sum(((v - mean) * (v - mean) for v in values), Fraction(0)) / (n - ddof)


def normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


SUBMIT_INT = "Submit one integer."


CLRS = "Cormen, Leiserson, Rivest & Stein, Introduction to Algorithms (3rd ed.)"


KT = "Kleinberg & Tardos, Algorithm Design"


def distinct_ints(rng: Rng, k: int, lo: int, hi: int) -> list[int]:
    """k distinct integers from [lo, hi], in the order drawn (for k much smaller than the range)."""
    seen: set[int] = set()
    out: list[int] = []
    while len(out) < k:
        x = rng.randint(lo, hi)
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def lines(rows: list[str]) -> str:
    return "\n".join(rows)
