"""Parametric numeric generators: each member gets their own numbers and the exact answer.

Parameters are drawn as integers (tenths, hundredths, thousandths), so the prompt states them
exactly. Each generator redraws until its common mistakes land well outside the tolerance.
"""

from __future__ import annotations

import math
from fractions import Fraction

from bot.catalog.generators.base import (
    Generator,
    Instance,
    decimal_answer,
    far_apart,
    hundredths,
    tenths,
    thousandths,
)
from bot.catalog.generators.rng import Rng

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


# --- Bayes rule ---------------------------------------------------------------------------


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


# --- binomial tail ------------------------------------------------------------------------

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


# --- Poisson over a time window -----------------------------------------------------------


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


# --- t statistics -------------------------------------------------------------------------


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


# --- the normal distribution --------------------------------------------------------------


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


# --- negative binomial --------------------------------------------------------------------


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


# --- confidence interval for a proportion -------------------------------------------------

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


# --- variance of a discrete distribution --------------------------------------------------


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


# --- 2x2 tables ---------------------------------------------------------------------------

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


def make_two_proportion_z(rng: Rng) -> Instance:
    while True:
        na, nb = rng.randint(400, 5000), rng.randint(400, 5000)
        ka = rng.randint(20, 300)
        kb = max(5, ka + rng.randint(-40, 60))
        xa = max(1, na * ka // 1000 + rng.randint(-10, 10))
        xb = max(1, nb * kb // 1000 + rng.randint(-10, 10))
        pa, pb, pool = xa / na, xb / nb, (xa + xb) / (na + nb)
        z = (pb - pa) / math.sqrt(pool * (1 - pool) * (1 / na + 1 / nb))
        unpooled = (pb - pa) / math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
        if abs(z) >= 0.3 and far_apart(z, [unpooled, -z], 3):
            break
    prompt = (
        f"An A/B test showed the old sign-up page to {na} visitors, of whom {xa} signed up, and "
        f"the new page to {nb} visitors, of whom {xb} signed up. Compute the two-proportion z "
        "statistic for new minus old with the pooled proportion: z = (p_new - p_old) / "
        "sqrt(p(1 - p)(1/n_old + 1/n_new)), where p is the sign-up rate of both groups "
        f"together. {places_text(3)}; it is negative when the new page did worse."
    )
    return decimal_answer(prompt, None, z, 3)


NUMERIC: tuple[Generator, ...] = (
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
    Generator(
        id="numeric-ab-two-proportion-z",
        kind="numeric",
        track="data-modeling-evaluation",
        difficulty=2,
        title="Is the new sign-up page better?",
        explanation=(
            "Under the null hypothesis both pages share one rate, estimated from both groups "
            "together, p = (x_old + x_new) / (n_old + n_new); the standard error is "
            "sqrt(p(1 - p)(1/n_old + 1/n_new)) and z = (p_new - p_old) / SE. Its square equals "
            "the chi-square statistic of the 2x2 table without continuity correction."
        ),
        reference=f"{OPENINTRO}, section 6.2 (Difference of two proportions)",
        make=make_two_proportion_z,
    ),
)
