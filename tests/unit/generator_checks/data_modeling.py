"""Independent checks of the `data-modeling-evaluation` generators (bot/catalog/generators/data_modeling.py).

Each check reads the chat text a member sees (`Seen`) and solves it another way (numpy, scipy,
scikit-learn, brute force); GOLDEN pins each generator's answer and input fingerprint for
test_generators.GOLDEN_SEED.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    mean_absolute_error,
    mean_pinball_loss,
    recall_score,
    roc_auc_score,
)

from tests.unit.generator_checks.common import Check, Seen, find, rows, whole


def scored(seen: Seen) -> tuple[np.ndarray, np.ndarray]:
    pairs = [whole(r"(\d+(?:\.\d+)?) ([01])", r) for r in rows(seen.data)]
    return np.array([float(s) for s, _ in pairs]), np.array([int(y) for _, y in pairs])


def check_roc_auc(seen: Seen) -> Check:
    scores, labels = scored(seen)
    assert "a tied pair counts one half" in seen.text
    auc = float(roc_auc_score(labels, scores))
    diff = scores[labels == 1][:, None] - scores[labels == 0][None, :]  # every pair
    wins, ties = float(np.mean(diff > 0)), float(np.mean(diff == 0))
    assert abs(wins + ties / 2 - auc) < 1e-12
    return Check(auc, [wins, wins + ties, 1 - auc])


def check_average_precision(seen: Seen) -> Check:
    scores, labels = scored(seen)
    assert len(set(scores.tolist())) == len(scores), "the prompt promises distinct scores"
    ap = float(average_precision_score(labels, scores))
    order = np.argsort(-scores)
    precision_at = np.cumsum(labels[order]) / np.arange(1, len(labels) + 1)
    return Check(ap, [roc_auc_score(labels, scores), labels.mean(), precision_at.mean()])


def listed(pattern: str, text: str) -> np.ndarray:
    return np.array([int(x) for x in find(pattern, text).split(", ")])


def check_pinball(seen: Seen) -> Check:
    level = find(r"at τ = (0\.\d+)\?", seen.text)
    assert f"forecasts the {level} quantile" in seen.text
    tau = float(level)
    actual = listed(r"Actual demand: ([\d, ]+)\n", seen.text)
    forecast = listed(r"Forecast: ([\d, ]+)\n", seen.text)
    assert len(actual) == len(forecast)
    loss = float(mean_pinball_loss(actual, forecast, alpha=tau))
    swapped = float(mean_pinball_loss(actual, forecast, alpha=1 - tau))
    return Check(loss, [swapped, mean_absolute_error(actual, forecast)])


def check_equalised_odds(seen: Seen) -> Check:
    truth, pred, group = [], [], []
    for name, tp, fp, fn, tn in re.findall(
        r"Group ([AB]): TP = (\d+), FP = (\d+), FN = (\d+), TN = (\d+)", seen.text
    ):
        for count, (t, p) in zip((tp, fp, fn, tn), ((1, 1), (0, 1), (1, 0), (0, 0)), strict=True):
            truth += [t] * int(count)
            pred += [p] * int(count)
            group += [name] * int(count)
    y, yhat, g = np.array(truth), np.array(pred), np.array(group)
    assert set(group) == {"A", "B"}
    tpr = {k: recall_score(y[g == k], yhat[g == k]) for k in "AB"}
    fpr = {k: 1 - recall_score(y[g == k], yhat[g == k], pos_label=0) for k in "AB"}
    rate = {k: yhat[g == k].mean() for k in "AB"}
    tpr_gap, fpr_gap = abs(tpr["A"] - tpr["B"]), abs(fpr["A"] - fpr["B"])
    parity = abs(rate["A"] - rate["B"])
    return Check(float(max(tpr_gap, fpr_gap)), [min(tpr_gap, fpr_gap), parity])


CHECKS: dict[str, Callable[[Seen], Check]] = {
    "puzzle-roc-auc-ties": check_roc_auc,
    "puzzle-average-precision": check_average_precision,
    "numeric-pinball-loss": check_pinball,
    "numeric-equalised-odds-gap": check_equalised_odds,
}
GOLDEN: dict[str, tuple[str, str]] = {
    "numeric-equalised-odds-gap": ("0.120", "52f029e5abd8"),
    "numeric-pinball-loss": ("12.000", "de30b293e794"),
    "puzzle-average-precision": ("0.3948", "d030e5ff6c72"),
    "puzzle-roc-auc-ties": ("0.6762", "1d62aab78c44"),
}
