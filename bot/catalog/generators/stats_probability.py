"""Probability generators (probability-statistics): each member gets their own numbers.

Parameters are drawn as integers (tenths, hundredths, thousandths), so the prompt states them
exactly. Each generator redraws until its common mistakes land well outside the tolerance.
"""

from __future__ import annotations

import math
from fractions import Fraction

from bot.catalog.generators.base import (
    BH,
    Generator,
    Instance,
    decimal_answer,
    far_apart,
    hundredths,
    normal_cdf,
    ordinal,
    places_text,
    tenths,
    thousandths,
)
from bot.catalog.generators.rng import Rng


def make_bayes(rng: Rng) -> Instance:
    while True:
        prev, sens, spec = rng.randint(1, 100), rng.randint(700, 999), rng.randint(800, 999)
        p, se, sp = Fraction(prev, 1000), Fraction(sens, 1000), Fraction(spec, 1000)
        positive = se * p + (1 - sp) * (1 - p)
        ppv = se * p / positive
        mistakes = [se, 1 - sp, sp, positive, se * p, 1 - ppv, p]
        if far_apart(float(ppv), [float(x) for x in mistakes], 4):
            break
    prompt = (
        f"A screening test for a disease has sensitivity {tenths(sens)}% (it is positive for "
        f"{tenths(sens)}% of people who have the disease) and specificity {tenths(spec)}% (it is "
        f"negative for {tenths(spec)}% of people who do not). {tenths(prev)}% of the screened "
        "population has the disease. A randomly chosen person tests positive. What is the "
        "probability that they have the disease? "
        f"{places_text(4)}, between 0 and 1 (e.g. 0.1234)."
    )
    return decimal_answer(prompt, None, float(ppv), 4)


BINOMIAL_STORIES = (
    "A classifier labels {n} emails; each label is wrong with probability {p}, independently "
    "of the others. What is the probability that at least {k} of the {n} labels are wrong?",
    "A flaky test fails with probability {p} on each run, independently of other runs. The "
    "nightly build runs it {n} times. What is the probability of at least {k} failures?",
    "Each of {n} users shown a new button clicks it with probability {p}, independently of "
    "each other. What is the probability that at least {k} of them click?",
)


def make_binomial(rng: Rng) -> Instance:
    while True:
        n, pk = rng.randint(15, 80), rng.randint(3, 60)
        p = Fraction(pk, 100)
        pmf = [float(math.comb(n, i) * p**i * (1 - p) ** (n - i)) for i in range(n + 1)]
        sf = [sum(pmf[i:]) for i in range(n + 2)]  # sf[k] = P(X >= k)
        candidates = []
        for k in range(1, n + 1):
            mistakes = [sf[k + 1], pmf[k], 1 - sf[k], 1 - sf[k + 1]]
            if 0.02 <= sf[k] <= 0.98 and far_apart(sf[k], mistakes, 4):
                candidates.append(k)
        if candidates:
            k = rng.choice(candidates)
            break
    story = rng.choice(BINOMIAL_STORIES).format(n=n, p=hundredths(pk), k=k)
    prompt = f"{story} {places_text(4)} (e.g. 0.1234)."
    return decimal_answer(prompt, None, sf[k], 4)


def poisson_cdfs(lam: float, upto: int) -> list[float]:
    """P(X <= k) for k = 0..upto, from the pmf recurrence p(k) = p(k - 1) * lam / k."""
    pmf = math.exp(-lam)
    total = pmf
    out = [total]
    for k in range(1, upto + 1):
        pmf *= lam / k
        total += pmf
        out.append(total)
    return out


def make_poisson(rng: Rng) -> Instance:
    windows = [m for m in range(5, 125, 5) if m != 60]
    while True:
        rate, minutes = rng.randint(100, 3000), rng.choice(windows)
        lam = rate / 100 * minutes / 60
        upto = int(lam + 10 * math.sqrt(lam)) + 10
        cdf, hourly = poisson_cdfs(lam, upto), poisson_cdfs(rate / 100, upto)
        candidates = []
        for k in range(upto + 1):
            below = cdf[k - 1] if k else 0.0
            mistakes = [below, cdf[k] - below, 1 - cdf[k], hourly[k]]
            if 0.02 <= cdf[k] <= 0.98 and far_apart(cdf[k], mistakes, 4):
                candidates.append(k)
        if candidates:
            k = rng.choice(candidates)
            break
    prompt = (
        f"Requests reach an inference server at an average rate of {hundredths(rate)} per hour, "
        f"as a Poisson process. What is the probability that at most {k} requests arrive in a "
        f"given {minutes}-minute window? {places_text(4)} (e.g. 0.1234)."
    )
    return decimal_answer(prompt, None, cdf[k], 4)


def make_normal(rng: Rng) -> Instance:
    while True:
        mu, sigma = rng.randint(400, 900), rng.randint(20, 200)  # tenths
        zk = rng.randint(20, 280) * (1 if rng.chance(50) else -1)  # hundredths
        x = (mu * 100 + zk * sigma + 50) // 100  # tenths
        z = (x - mu) / sigma
        above = rng.chance(50)
        answer = 1 - normal_cdf(z) if above else normal_cdf(z)
        wrong_z = (x - mu) / 10 / (sigma / 10) ** 2  # divided by the variance
        mistakes = [1 - answer, 1 - normal_cdf(wrong_z) if above else normal_cdf(wrong_z)]
        if 0 <= x <= 1000 and 0.003 <= answer <= 0.997 and far_apart(answer, mistakes, 4):
            break
    side = "above" if above else "below"
    prompt = (
        "Scores on a certification exam (out of 100) are normally distributed with mean "
        f"{tenths(mu)} and "
        f"standard deviation {tenths(sigma)}. What fraction of candidates score {side} "
        f"{tenths(x)}? {places_text(4)}, between 0 and 1; use software (e.g. "
        "scipy.stats.norm.cdf), not a z-table rounded to two places."
    )
    return decimal_answer(prompt, None, answer, 4)


def make_negative_binomial(rng: Rng) -> Instance:
    while True:
        pk, r = rng.randint(50, 600), rng.randint(2, 6)
        p = Fraction(pk, 1000)
        candidates = []
        for n in range(r + 1, r + 150):
            answer = float(math.comb(n - 1, r - 1) * p**r * (1 - p) ** (n - r))
            mistakes = [
                float(math.comb(n, r) * p**r * (1 - p) ** (n - r)),  # binomial P(X = r)
                float(p**r * (1 - p) ** (n - r)),  # one particular order only
            ]
            if answer >= 0.01 and far_apart(answer, mistakes, 4):
                candidates.append((n, answer))
        if candidates:
            n, answer = rng.choice(candidates)
            break
    prompt = (
        f"A recruiter's cold email gets a reply with probability {thousandths(pk)}, "
        "independently of her other emails. She sends emails one at a time. What is the "
        f"probability that her {ordinal(r)} reply comes from exactly her {ordinal(n)} email? "
        f"{places_text(4)} (e.g. 0.1234)."
    )
    return decimal_answer(prompt, None, answer, 4)


def make_discrete_variance(rng: Rng) -> Instance:
    while True:
        k = rng.randint(3, 6)
        values: list[int] = []
        while len(values) < k:
            v = rng.randint(-50, 150)
            if v not in values:
                values.append(v)
        values.sort()
        parts = [5] * k
        for _ in range(100 - 5 * k):
            parts[rng.below(k)] += 1
        probs = [Fraction(q, 100) for q in parts]
        mean = sum(v * q for v, q in zip(values, probs, strict=True))
        second = sum(v * v * q for v, q in zip(values, probs, strict=True))
        var = second - mean**2
        plain = sum((v - Fraction(sum(values), k)) ** 2 for v in values) / k
        mistakes = [math.sqrt(var), float(second), float(mean**2), float(plain)]
        if far_apart(float(var), mistakes, 2):
            break
    table = "; ".join(f"P(X = {v}) = {hundredths(q)}" for v, q in zip(values, parts, strict=True))
    prompt = (
        f"A random variable X has this distribution: {table}. What is its variance Var(X)? "
        f"{places_text(2)}."
    )
    return decimal_answer(prompt, None, float(var), 2)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="numeric-bayes-screening",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="A positive screening test",
        explanation=(
            "Bayes' rule: P(disease | +) = sens * prev / (sens * prev + (1 - spec) * (1 - prev)). "
            "When the disease is rare, the false positives from the large healthy group swamp "
            "the true positives, so the answer is far below the sensitivity."
        ),
        reference=f"{BH}, ch. 2 (Conditional probability)",
        make=make_bayes,
    ),
    Generator(
        id="numeric-binomial-tail",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="At least k of n",
        explanation=(
            "The count is Binomial(n, p), so P(X >= k) = sum over i from k to n of "
            "C(n, i) p^i (1 - p)^(n - i), or 1 - P(X <= k - 1); in scipy, binom.sf(k - 1, n, p). "
            "The classic slip is P(X > k), which drops the i = k term."
        ),
        reference=f"{BH}, ch. 3 (Random variables and their distributions)",
        make=make_binomial,
    ),
    Generator(
        id="numeric-poisson-window",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="Requests in a time window",
        explanation=(
            "Scale the rate to the window first: lambda = rate per hour * minutes / 60. Then "
            "P(X <= k) = sum over i from 0 to k of e^(-lambda) lambda^i / i!, or "
            "scipy.stats.poisson.cdf(k, lambda). Using the hourly rate unconverted, or "
            "stopping at k - 1, are the usual slips."
        ),
        reference=f"{BH}, section 4.7 (Poisson)",
        make=make_poisson,
    ),
    Generator(
        id="numeric-normal-tail",
        kind="numeric",
        track="probability-statistics",
        difficulty=1,
        title="Share of a normal population",
        explanation=(
            "Standardise: z = (x - mean) / sd, then P(X < x) = Phi(z) and P(X > x) = "
            "1 - Phi(z), e.g. scipy.stats.norm.cdf(x, mean, sd). Divide by the standard "
            "deviation, not the variance, and check which side of x the question asks about."
        ),
        reference=f"{BH}, section 5.4 (Normal)",
        make=make_normal,
    ),
    Generator(
        id="numeric-negative-binomial",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="The r-th success on the n-th try",
        explanation=(
            "The n-th email must be a reply and the first n - 1 must hold exactly r - 1 replies: "
            "C(n - 1, r - 1) p^r (1 - p)^(n - r). Using C(n, r) counts arrangements where the "
            "last email is not a reply. In scipy: nbinom.pmf(n - r, r, p), which counts the "
            "failures before the r-th success."
        ),
        reference=f"{BH}, section 4.3 (Geometric and Negative Binomial)",
        make=make_negative_binomial,
    ),
    Generator(
        id="numeric-discrete-variance",
        kind="numeric",
        track="probability-statistics",
        difficulty=2,
        title="Variance from a probability table",
        explanation=(
            "Var(X) = E[X^2] - (E[X])^2, with E[X] = sum of x * P(X = x) and E[X^2] = sum of "
            "x^2 * P(X = x). Weight by the probabilities: the plain variance of the listed "
            "values is a different number, and so is the standard deviation."
        ),
        reference=f"{BH}, section 4.6 (Variance)",
        make=make_discrete_variance,
    ),
)
