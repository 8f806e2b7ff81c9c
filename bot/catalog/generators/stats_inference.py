"""Inference generators (probability-statistics): t statistics, intervals and tests on each
member's own numbers, drawn as integers so the prompt states them exactly.
"""

from __future__ import annotations

import math
from fractions import Fraction

from bot.catalog.generators.base import (
    OPENINTRO,
    Generator,
    Instance,
    decimal_answer,
    far_apart,
    mean_var,
    places_text,
    tenths,
)
from bot.catalog.generators.rng import Rng


def sample(rng: Rng, n: int, centre: int, spread: int) -> list[int]:
    """n values in tenths around `centre`, at least 1 (0.1)."""
    return [max(1, centre + sum(rng.randint(-spread, spread) for _ in range(3))) for _ in range(n)]


def listing(values: list[int]) -> str:
    return ", ".join(tenths(v) for v in values)


def make_welch(rng: Rng) -> Instance:
    while True:
        na, nb = rng.randint(5, 12), rng.randint(5, 12)
        if na == nb:
            continue
        base = rng.randint(100, 600)
        a = sample(rng, na, base, rng.randint(3, 40))
        b = sample(rng, nb, base + rng.randint(-80, 80), rng.randint(3, 40))
        (ma, va), (mb, vb) = mean_var(a, 1), mean_var(b, 1)
        (_, va0), (_, vb0) = mean_var(a, 0), mean_var(b, 0)
        diff = float(ma - mb) / 10
        t = diff / math.sqrt(float(va / na + vb / nb) / 100)
        pooled = float((na - 1) * va + (nb - 1) * vb) / (na + nb - 2) / 100
        mistakes = [
            diff / math.sqrt(pooled * (1 / na + 1 / nb)),  # Student's pooled t
            diff / math.sqrt(float(va0 / na + vb0 / nb) / 100),  # variances divided by n
            -t,
            diff / math.sqrt(float(va + vb) / 100),  # forgot to divide by n
        ]
        if abs(t) >= 0.3 and far_apart(t, mistakes, 3):
            break
    prompt = (
        "Two versions of a data-loading step were timed, in seconds, on repeated runs.\n"
        f"Version A ({na} runs): {listing(a)}\n"
        f"Version B ({nb} runs): {listing(b)}\n"
        "Compute Welch's (unequal-variance) t statistic for mean(A) - mean(B): "
        "t = (mean_A - mean_B) / sqrt(s_A^2/n_A + s_B^2/n_B), where s^2 is the sample "
        f"variance (dividing by n - 1). {places_text(3)}; it is negative when A's mean is "
        "smaller."
    )
    return decimal_answer(prompt, None, t, 3)


def make_one_sample_t(rng: Rng) -> Instance:
    while True:
        n, mu0 = rng.randint(8, 16), rng.randint(500, 2000)
        xs = sample(rng, n, mu0 + rng.randint(-60, 60), rng.randint(5, 60))
        (m, v), (_, v0) = mean_var(xs, 1), mean_var(xs, 0)
        diff = float(m - mu0) / 10
        t = diff / math.sqrt(float(v) / 100 / n)
        mistakes = [
            diff / math.sqrt(float(v0) / 100 / n),  # population sd
            diff / (math.sqrt(float(v) / 100) / n),  # s / n instead of s / sqrt(n)
            diff / math.sqrt(float(v) / 100),  # no sqrt(n) at all
            -t,
        ]
        if abs(t) >= 0.3 and far_apart(t, mistakes, 3):
            break
    prompt = (
        f"The old model answered requests in {tenths(mu0)} ms on average. The new model's "
        f"latency was measured on {n} requests, in ms: {listing(xs)}. "
        "Compute the one-sample t statistic against the old mean: t = (mean - "
        f"{tenths(mu0)}) / (s / sqrt(n)), where s is the sample standard deviation (dividing "
        f"by n - 1). {places_text(3)}; it is negative when the new mean is lower."
    )
    return decimal_answer(prompt, None, t, 3)


Z_VALUES = ((90, "1.645"), (95, "1.96"), (99, "2.576"))


def make_proportion_ci(rng: Rng) -> Instance:
    while True:
        level, z_text = rng.choice(Z_VALUES)
        n = rng.randint(100, 5000)
        x = rng.randint(n * 5 // 100, n * 95 // 100)
        phat = x / n
        se = math.sqrt(phat * (1 - phat) / n)
        half = float(z_text) * se
        mistakes = [2 * half, se, float(z_text) * phat * (1 - phat) / n]
        mistakes += [float(z) * se for lv, z in Z_VALUES if lv != level]
        if far_apart(half, mistakes, 4):
            break
    prompt = (
        f"In a survey of {n} users, {x} said they would use a new feature. Build the {level}% "
        "confidence interval for the true proportion with the normal approximation (Wald "
        f"interval) p ± z * sqrt(p(1 - p)/n), where p is the sample proportion and z = {z_text}. "
        f"What is its half-width (the margin of error)? {places_text(4)} (e.g. 0.0123)."
    )
    return decimal_answer(prompt, None, half, 4)


CHI_STORIES = (
    ("Subject line A", "Subject line B", "emails opened", "not opened"),
    ("Remote workers", "Office workers", "reported burnout", "did not"),
    ("Model v1 users", "Model v2 users", "filed a complaint", "did not"),
)


def make_chi_square(rng: Rng) -> Instance:
    while True:
        a, b, c, d = (rng.randint(10, 400) for _ in range(4))
        total = a + b + c + d
        margins = (a + b) * (c + d) * (a + c) * (b + d)
        chi2 = Fraction(total * (a * d - b * c) ** 2, margins)
        excess = max(Fraction(0), abs(a * d - b * c) - Fraction(total, 2))
        yates = total * excess**2 / margins
        if chi2 >= Fraction(1, 10) and far_apart(float(chi2), [float(yates)], 3):
            break
    row1, row2, yes, no = rng.choice(CHI_STORIES)
    prompt = (
        f"A 2x2 table of counts: {row1}: {a} {yes}, {b} {no}. {row2}: {c} {yes}, {d} {no}. "
        "Compute Pearson's chi-square statistic for independence of the rows and columns, "
        f"without Yates' continuity correction. {places_text(3)}."
    )
    return decimal_answer(prompt, None, float(chi2), 3)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="numeric-welch-t",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="Welch's t for two timings",
        explanation=(
            "Compute each group's mean and sample variance (dividing by n - 1), then "
            "t = (mean_A - mean_B) / sqrt(s_A^2/n_A + s_B^2/n_B). Unlike Student's t it does "
            "not pool the variances, so it stays valid when they differ. In scipy: "
            "ttest_ind(a, b, equal_var=False).statistic."
        ),
        reference="SciPy documentation, scipy.stats.ttest_ind",
        make=make_welch,
    ),
    Generator(
        id="numeric-one-sample-t",
        kind="numeric",
        track="probability-statistics",
        difficulty=1,
        title="One-sample t against an old mean",
        explanation=(
            "t = (sample mean - mu0) / (s / sqrt(n)), with s the sample standard deviation "
            "(dividing by n - 1). The standard error shrinks with sqrt(n), not n. In scipy: "
            "ttest_1samp(values, mu0).statistic."
        ),
        reference="SciPy documentation, scipy.stats.ttest_1samp",
        make=make_one_sample_t,
    ),
    Generator(
        id="numeric-proportion-ci",
        kind="numeric",
        track="probability-statistics",
        difficulty=1,
        title="Margin of error of a survey",
        explanation=(
            "With p the sample proportion, the standard error is sqrt(p(1 - p)/n), and the "
            "half-width (margin of error) is z times that. The interval is twice as wide as the "
            "half-width, and a higher confidence level needs a larger z."
        ),
        reference=f"{OPENINTRO}, section 6.1 (Inference for a single proportion)",
        make=make_proportion_ci,
    ),
    Generator(
        id="numeric-chi-square-2x2",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="Chi-square for a 2x2 table",
        explanation=(
            "Expected count of each cell = row total * column total / grand total; the "
            "statistic is the sum of (observed - expected)^2 / expected over the four cells, "
            "equal to N(ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d)). scipy's chi2_contingency applies "
            "Yates' correction to 2x2 tables unless you pass correction=False."
        ),
        reference="SciPy documentation, scipy.stats.chi2_contingency",
        make=make_chi_square,
    ),
)
