"""Evaluation generators (data-modeling-evaluation): classification scores on a member's own
labels, and an A/B test on their own counts."""

from __future__ import annotations

import math
from fractions import Fraction

from bot.catalog.generators.base import (
    OPENINTRO,
    Generator,
    Instance,
    decimal_answer,
    far_apart,
    lines,
    places_text,
)
from bot.catalog.generators.rng import Rng

ANIMALS = ("cat", "dog", "bird", "fish", "frog")


def f1_scores(pairs: list[tuple[str, str]], classes: list[str]) -> dict[str, dict[str, Fraction]]:
    """Exact per-class precision, recall, F1 and support."""
    out = {}
    for c in classes:
        tp = sum(1 for t, p in pairs if t == c and p == c)
        fp = sum(1 for t, p in pairs if t != c and p == c)
        fn = sum(1 for t, p in pairs if t == c and p != c)
        out[c] = {
            "precision": Fraction(tp, tp + fp),
            "recall": Fraction(tp, tp + fn),
            "f1": Fraction(2 * tp, 2 * tp + fp + fn),
            "support": Fraction(tp + fn),
        }
    return out


def make_macro_f1(rng: Rng) -> Instance:
    while True:
        classes = rng.sample(ANIMALS, rng.randint(3, 5))
        weights = [rng.randint(1, 10) for _ in classes]
        recall = [rng.randint(40, 95) for _ in classes]
        m = rng.randint(800, 2000)
        pairs = []
        for _ in range(m):
            r = rng.below(sum(weights))
            i = 0
            while r >= weights[i]:
                r -= weights[i]
                i += 1
            truth = classes[i]
            guess = (
                truth if rng.chance(recall[i]) else rng.choice([c for c in classes if c != truth])
            )
            pairs.append((truth, guess))
        if any(
            not any(p == c for _, p in pairs) or not any(t == c for t, _ in pairs) for c in classes
        ):
            continue
        scores = f1_scores(pairs, classes)
        zero = Fraction(0)
        macro = sum((s["f1"] for s in scores.values()), zero) / len(classes)
        mistakes = [
            Fraction(sum(1 for t, p in pairs if t == p), m),  # accuracy (micro F1)
            sum((s["f1"] * s["support"] for s in scores.values()), zero) / m,  # weighted F1
            sum((s["precision"] for s in scores.values()), zero) / len(classes),
            sum((s["recall"] for s in scores.values()), zero) / len(classes),
        ]
        if all(abs(macro - x) > Fraction(5, 10_000) for x in mistakes):
            break
    prompt = (
        f"Your input is {m} test examples of a {len(classes)}-class classifier, one per line as "
        "`true_label predicted_label`. Compute the macro-averaged F1 score: for each class, "
        "its F1 score (the harmonic mean of precision and recall, treating that class as "
        "positive and all others as negative), then the plain average over the classes. "
        "Give a decimal rounded to 4 places, between 0 and 1 (e.g. 0.7312)."
    )
    data = lines([f"{t} {p}" for t, p in pairs])
    return decimal_answer(prompt, data, float(macro), 4)


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


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="puzzle-macro-f1",
        kind="puzzle",
        track="data-modeling-evaluation",
        difficulty=2,
        title="Macro F1 from a prediction log",
        explanation=(
            "For each class count true positives, false positives and false negatives; its F1 "
            "is 2TP / (2TP + FP + FN). Macro F1 averages these with equal weight per class, so "
            "small classes count as much as large ones. Accuracy (micro F1) and the "
            "support-weighted average are different numbers."
        ),
        reference="scikit-learn User Guide, Metrics and scoring: Precision, recall and F-measures",
        make=make_macro_f1,
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
