"""Generators for the `data-modeling-evaluation` track.

Inputs are drawn from the project's Rng with integer arithmetic; every answer is an exact
Fraction, and each generator redraws until its common mistakes are far from the answer.
"""

from __future__ import annotations

from fractions import Fraction

from bot.catalog.generators.base import (
    Generator,
    Instance,
    decimal_answer,
    far_apart,
    hundredths,
    lines,
)
from bot.catalog.generators.rng import Rng

SKLEARN_METRICS = "scikit-learn User Guide, Metrics and scoring"


# --- ROC AUC with tied scores -------------------------------------------------------------


def auc_parts(pairs: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """(wins, ties, positives, negatives) over all positive-negative pairs, by score counts."""
    top = max(s for s, _ in pairs) + 1
    pos, neg = [0] * top, [0] * top
    for score, label in pairs:
        (pos if label else neg)[score] += 1
    wins = ties = below = 0
    for v in range(top):
        wins += pos[v] * below
        ties += pos[v] * neg[v]
        below += neg[v]
    return wins, ties, sum(pos), sum(neg)


def make_roc_auc(rng: Rng) -> Instance:
    while True:
        n = rng.randint(300, 700)
        prevalence, shift = rng.randint(15, 50), rng.randint(3, 25)
        pairs = []
        for _ in range(n):
            label = 1 if rng.chance(prevalence) else 0
            score = rng.randint(0, 35) + rng.randint(0, 35) + (shift if label else 0)
            pairs.append((min(score, 99), label))
        wins, ties, p, q = auc_parts(pairs)
        if min(p, q) < 30:
            continue
        auc = Fraction(2 * wins + ties, 2 * p * q)
        mistakes = [Fraction(wins, p * q), Fraction(wins + ties, p * q), 1 - auc]
        if far_apart(float(auc), [float(x) for x in mistakes], 4):
            break
    prompt = (
        f"Your input is {n} scored test examples of a binary classifier, one per line as "
        "`score label` (label 1 is the positive class). Many scores are tied. Compute the ROC "
        "AUC: the probability that a randomly chosen positive example scores higher than a "
        "randomly chosen negative one, where a tied pair counts one half (this is what "
        "`sklearn.metrics.roc_auc_score` computes). "
        "Give a decimal rounded to 4 places, between 0 and 1 (e.g. 0.8123)."
    )
    return decimal_answer(prompt, lines([f"{s} {y}" for s, y in pairs]), float(auc), 4)


# --- average precision of a ranking -------------------------------------------------------


def make_average_precision(rng: Rng) -> Instance:
    while True:
        n = rng.randint(80, 200)
        prevalence, shift = rng.randint(10, 40), rng.randint(500, 4000)
        used: set[int] = set()
        pairs: list[tuple[int, int]] = []
        while len(pairs) < n:
            label = 1 if rng.chance(prevalence) else 0
            score = rng.randint(1, 5999) + (shift if label else 0)
            if score not in used:
                used.add(score)
                pairs.append((score, label))
        ranked = sorted(pairs, key=lambda sy: -sy[0])
        positives = sum(y for _, y in pairs)
        if positives < 8:
            continue
        hits = 0
        at_hits, at_all = Fraction(0), Fraction(0)
        for k, (_, y) in enumerate(ranked, 1):
            hits += y
            at_all += Fraction(hits, k)
            if y:
                at_hits += Fraction(hits, k)
        ap = at_hits / positives
        wins, ties, p, q = auc_parts([(s, y) for s, y in pairs])
        mistakes = [
            Fraction(2 * wins + ties, 2 * p * q),  # ROC AUC
            Fraction(positives, n),  # the prevalence
            at_all / n,  # precision averaged over every rank
            at_hits / n,  # divided by the number of examples
        ]
        if far_apart(float(ap), [float(x) for x in mistakes], 4):
            break
    prompt = (
        f"Your input is {n} test examples of a binary classifier, one per line as "
        "`score label` (label 1 is the positive class); no two scores are equal. Rank the "
        "examples by score, highest first, and compute the average precision: for each "
        "positive example, the precision among the top k examples, where k is that "
        "positive's rank, then the mean of these over all positives (this is what "
        "`sklearn.metrics.average_precision_score` computes). "
        "Give a decimal rounded to 4 places, between 0 and 1 (e.g. 0.6123)."
    )
    data = lines([f"{s / 10000:.4f} {y}" for s, y in pairs])
    return decimal_answer(prompt, data, float(ap), 4)


# --- pinball loss of a quantile forecast --------------------------------------------------


def pinball(actual: list[int], forecast: list[int], tau: Fraction) -> Fraction:
    total = Fraction(0)
    for y, f in zip(actual, forecast, strict=True):
        total += tau * (y - f) if y >= f else (1 - tau) * (f - y)
    return total / len(actual)


def make_pinball(rng: Rng) -> Instance:
    while True:
        n, tk = rng.randint(6, 10), rng.choice([10, 20, 25, 75, 80, 90])
        tau = Fraction(tk, 100)
        actual = [rng.randint(20, 250) for _ in range(n)]
        forecast = [max(0, y + rng.randint(-40, 40)) for y in actual]
        if all(y >= f for y, f in zip(actual, forecast, strict=True)) or all(
            y <= f for y, f in zip(actual, forecast, strict=True)
        ):
            continue  # both kinds of miss, so the weights matter
        loss = pinball(actual, forecast, tau)
        mae = Fraction(sum(abs(y - f) for y, f in zip(actual, forecast, strict=True)), n)
        mistakes = [pinball(actual, forecast, 1 - tau), mae, mae / 2, tau * mae]
        if far_apart(float(loss), [float(x) for x in mistakes], 3):
            break
    prompt = (
        f"A model forecasts the {hundredths(tk)} quantile of daily demand, in units. Over {n} "
        "days:\n"
        f"Actual demand: {', '.join(map(str, actual))}\n"
        f"Forecast: {', '.join(map(str, forecast))}\n"
        "The pinball loss of one day at quantile τ is τ·(y - q) when the actual y is at least "
        "the forecast q, and (1 - τ)·(q - y) when y is below q. What is the mean pinball loss "
        f"over the {n} days at τ = {hundredths(tk)}? Give a decimal rounded to 3 places."
    )
    return decimal_answer(prompt, None, float(loss), 3)


# --- equalised odds difference ------------------------------------------------------------


def make_equalised_odds(rng: Rng) -> Instance:
    while True:
        tpr_pct, fpr_pct = rng.randint(40, 95), rng.randint(2, 30)  # group A's rates
        groups = []
        for tpr, fpr in (
            (tpr_pct, fpr_pct),
            (tpr_pct + rng.randint(-25, 25), fpr_pct + rng.randint(-15, 15)),
        ):
            pos, neg = rng.randint(40, 400), rng.randint(100, 900)
            tp = pos * min(max(tpr, 5), 98) // 100
            fp = neg * min(max(fpr, 1), 50) // 100
            groups.append((tp, fp, pos - tp, neg - fp))
        (tp_a, fp_a, fn_a, tn_a), (tp_b, fp_b, fn_b, tn_b) = groups
        tpr_gap = abs(Fraction(tp_a, tp_a + fn_a) - Fraction(tp_b, tp_b + fn_b))
        fpr_gap = abs(Fraction(fp_a, fp_a + tn_a) - Fraction(fp_b, fp_b + tn_b))
        gap = max(tpr_gap, fpr_gap)
        size_a, size_b = tp_a + fp_a + fn_a + tn_a, tp_b + fp_b + fn_b + tn_b
        mistakes = [
            min(tpr_gap, fpr_gap),  # the smaller of the two gaps
            (tpr_gap + fpr_gap) / 2,  # their average
            abs(Fraction(tp_a + fp_a, size_a) - Fraction(tp_b + fp_b, size_b)),  # parity
            abs(Fraction(tp_a, tp_a + fp_a) - Fraction(tp_b, tp_b + fp_b)),  # precision gap
            abs(Fraction(tp_a + tn_a, size_a) - Fraction(tp_b + tn_b, size_b)),  # accuracy gap
        ]
        if gap >= Fraction(2, 100) and far_apart(float(gap), [float(x) for x in mistakes], 3):
            break
    prompt = (
        "A loan-approval model is audited on a labelled test set, where positive means the "
        "applicant repaid and a positive prediction means approve. Confusion counts by group:\n"
        f"Group A: TP = {tp_a}, FP = {fp_a}, FN = {fn_a}, TN = {tn_a}\n"
        f"Group B: TP = {tp_b}, FP = {fp_b}, FN = {fn_b}, TN = {tn_b}\n"
        "The equalised odds difference is the larger of two gaps: the absolute difference "
        "between the groups' true positive rates and the absolute difference between their "
        "false positive rates. What is it? Give a decimal rounded to 3 places."
    )
    return decimal_answer(prompt, None, float(gap), 3)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="puzzle-roc-auc-ties",
        kind="puzzle",
        track="data-modeling-evaluation",
        difficulty=2,
        title="ROC AUC of a log with tied scores",
        explanation=(
            "ROC AUC is the Mann-Whitney statistic: over all positive-negative pairs, count 1 "
            "when the positive scores higher and 1/2 for a tie, then divide by the number of "
            "pairs. Sorting by score and counting the negatives below each score value does it "
            "in O(n log n) instead of comparing every pair. Ignoring ties (or counting them as "
            "wins) moves the result, and the trapezoidal area under the ROC curve gives the "
            "same half-credit for tied groups."
        ),
        reference=f"{SKLEARN_METRICS}: Receiver operating characteristic (ROC)",
        make=make_roc_auc,
    ),
    Generator(
        id="puzzle-average-precision",
        kind="puzzle",
        track="data-modeling-evaluation",
        difficulty=2,
        title="Average precision of a ranked list",
        explanation=(
            "Sort by score, walk down the list keeping a count of positives seen, and at each "
            "positive add the precision so far (positives seen / rank). Dividing that sum by "
            "the number of positives gives the average precision, the area under the step-wise "
            "precision-recall curve. Precision at the ranks of negatives does not count, and "
            "unlike ROC AUC the value depends strongly on how rare the positives are."
        ),
        reference=f"{SKLEARN_METRICS}: Precision, recall and F-measures",
        make=make_average_precision,
    ),
    Generator(
        id="numeric-pinball-loss",
        kind="numeric",
        track="data-modeling-evaluation",
        difficulty=2,
        title="Mean pinball loss of a quantile forecast",
        explanation=(
            "For each day, weight an under-forecast (actual above forecast) by τ and an "
            "over-forecast by 1 - τ, then average. For a high quantile, missing low is cheap "
            "and missing high is expensive, which is what makes the τ-quantile the minimiser. "
            "Swapping τ and 1 - τ, or reporting the MAE, are the common slips."
        ),
        reference="scikit-learn docs, sklearn.metrics.mean_pinball_loss",
        make=make_pinball,
    ),
    Generator(
        id="numeric-equalised-odds-gap",
        kind="numeric",
        track="data-modeling-evaluation",
        difficulty=3,
        title="Equalised odds difference from two confusion matrices",
        explanation=(
            "TPR = TP / (TP + FN) and FPR = FP / (FP + TN) within each group; the equalised "
            "odds difference is the larger of the two between-group gaps, so it is zero only "
            "when both rates match. Comparing approval rates instead measures demographic "
            "parity, and comparing precision measures predictive parity, which are different "
            "criteria."
        ),
        reference="Hardt, Price & Srebro (2016), Equality of Opportunity in Supervised Learning",
        make=make_equalised_odds,
    ),
)
