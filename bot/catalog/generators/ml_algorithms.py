"""Generators for the `ml-algorithms-libraries` track.

Inputs are drawn from the project's Rng as integers (tenths, hundredths), so the prompt states
them exactly; answers use exact integer or Fraction arithmetic wherever no logarithm or square
root is involved. Each generator redraws until its common mistakes land far from the answer.
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
    integer_answer,
    lines,
    tenths,
)
from bot.catalog.generators.rng import Rng

ESL = "Hastie, Tibshirani & Friedman, The Elements of Statistical Learning (2nd ed.)"
ADAM = "Kingma & Ba (2015), Adam: A Method for Stochastic Optimization, ICLR, Algorithm 1"
IIR = "Manning, Raghavan & Schütze, Introduction to Information Retrieval"


def tokens(prompt: str) -> set[str]:
    """The words and numbers of a prompt, as the prompt-format test splits it."""
    out: set[str] = set()
    for part in prompt.replace("`", " ").replace(",", " ").replace("?", " ").split():
        out.update(p for p in part.split(".") if p)
    return out


# --- k-nearest-neighbour vote ------------------------------------------------------------


def knn_predictions(
    train: list[tuple[int, int, int]], queries: list[tuple[int, int]], k: int
) -> list[int] | None:
    """Majority label of the k nearest training points (squared Euclidean distance), or None
    when some query has a tie at the k-th distance (odd k and two labels: no vote ties)."""
    out = []
    for qx, qy in queries:
        ranked = sorted(((x - qx) ** 2 + (y - qy) ** 2, label) for x, y, label in train)
        if k < len(ranked) and ranked[k - 1][0] == ranked[k][0]:
            return None
        ones = sum(label for _, label in ranked[:k])
        out.append(1 if 2 * ones > k else 0)
    return out


def position_sum(predictions: list[int]) -> int:
    return sum(i for i, p in enumerate(predictions, 1) if p == 1)


def make_knn_vote(rng: Rng) -> Instance:
    while True:
        n, m, k = rng.randint(150, 300), rng.randint(60, 120), rng.choice([3, 5, 7, 9, 11])
        # Two noisy classes split by a random line through the middle of the square.
        a, b = rng.randint(-10, 10), rng.randint(-10, 10)
        if a == 0 and b == 0:
            continue
        noise = rng.randint(5, 25)
        train = []
        for _ in range(n):
            x, y = rng.randint(0, 999), rng.randint(0, 999)
            side = a * (x - 500) + b * (y - 500) > 0
            label = int(side) if not rng.chance(noise) else int(not side)
            train.append((x, y, label))
        queries = [(rng.randint(0, 999), rng.randint(0, 999)) for _ in range(m)]
        predictions = knn_predictions(train, queries, k)
        nearest = knn_predictions(train, queries, 1)
        if predictions is None or nearest is None:
            continue
        answer = position_sum(predictions)
        if answer in (0, position_sum(nearest), m * (m + 1) // 2 - answer):
            continue
        break
    prompt = (
        f"Your input has {n} labelled training points, one per line as `x y label` (label 0 or "
        f"1), then a line `queries`, then {m} query points as `x y`. Classify every query with "
        f"k-nearest neighbours, k = {k}: the majority label among the {k} training points "
        "closest to it in straight-line (Euclidean) distance; your input has no ties at the "
        f"k-th distance. Number the queries from 1 in input order and add up the numbers of "
        f"the queries classified as 1. Submit one integer."
    )
    data = lines([f"{x} {y} {label}" for x, y, label in train] + ["queries"])
    data += "\n" + lines([f"{x} {y}" for x, y in queries])
    return integer_answer(prompt, data, answer)


# --- the best Gini split of one feature --------------------------------------------------


def gini_splits(rows: list[tuple[int, int]], weighted: bool) -> list[tuple[Fraction, int]]:
    """(impurity of the split `value <= t`, t) for every value t but the largest, as exact
    fractions: the size-weighted (or, for the common mistake, plain) mean child Gini."""
    values = sorted({v for v, _ in rows})
    n = len(rows)
    out = []
    for t in values[:-1]:
        left = [label for v, label in rows if v <= t]
        right = [label for v, label in rows if v > t]
        ginis = []
        for side in (left, right):
            p = Fraction(sum(side), len(side))
            ginis.append(2 * p * (1 - p))
        if weighted:
            score = (len(left) * ginis[0] + len(right) * ginis[1]) / n
        else:
            score = (ginis[0] + ginis[1]) / 2
        out.append((score, t))
    return out


def make_gini_split(rng: Rng) -> Instance:
    while True:
        n = rng.randint(60, 140)
        cut, noise = rng.randint(150, 850), rng.randint(10, 35)
        flip = rng.chance(50)
        rows = []
        for _ in range(n):
            v = rng.randint(1, 999)
            label = int(v > cut) ^ int(flip)
            rows.append((v, label ^ int(rng.chance(noise))))
        splits = sorted(gini_splits(rows, weighted=True))
        if len(splits) < 2 or splits[1][0] - splits[0][0] < Fraction(1, 10**6):
            continue
        best = splits[0][1]
        plain = min(gini_splits(rows, weighted=False))[1]
        prompt = (
            f"Your input is {n} training rows, one per line as `value label` (an integer "
            "feature and a class, 0 or 1). A decision stump splits them into `value <= t` (left) "
            "and `value > t` (right), where t is one of the values in the input and both sides "
            "get at least one row. Find the t that minimises the size-weighted mean Gini "
            "impurity of the two sides (Gini of a side = 1 - p0^2 - p1^2; your input has a "
            "single best t). Submit one integer: that t."
        )
        if plain == best or str(best) in tokens(prompt):
            continue
        break
    data = lines([f"{v} {label}" for v, label in rows])
    return integer_answer(prompt, data, best)


# --- softmax cross-entropy from logits ----------------------------------------------------


def make_cross_entropy(rng: Rng) -> Instance:
    while True:
        k = rng.randint(3, 6)
        logits = [rng.randint(-40, 40) for _ in range(k)]
        y = rng.below(k)
        z = [v / 10 for v in logits]
        top = max(z)
        lse = top + math.log(sum(math.exp(v - top) for v in z))
        loss = lse - z[y]
        mistakes = [
            loss / math.log(2),  # bits instead of nats
            loss / math.log(10),
            1 - math.exp(-loss),  # 1 - p instead of -log p
            sum(z) / k - z[y],  # no exp: a plain mean of the logits
        ]
        if z[y] != top:
            mistakes.append(lse - top)  # the loss of the predicted (largest-logit) class
        if 0.05 <= loss <= 6 and far_apart(loss, mistakes, 4, factor=10):
            break
    shown = ", ".join(tenths(v) for v in logits)
    prompt = (
        f"A classifier for {k} classes, numbered 0 to {k - 1}, outputs the logits z = ({shown}) "
        f"for one example whose true class is {y}. What is the cross-entropy loss of this "
        "example, -log softmax(z)[true class], with the natural logarithm (as "
        "`torch.nn.functional.cross_entropy` computes it)? Give a decimal rounded to 4 places."
    )
    return decimal_answer(prompt, None, loss, 4)


# --- three Adam steps ---------------------------------------------------------------------


def adam_path(theta0: Fraction, grads: list[Fraction], lr: Fraction, correct: bool) -> float:
    """θ after one Adam step per gradient (β1 = 0.9, β2 = 0.999, ε = 1e-8); the moments are
    exact fractions, only the square root is a float."""
    b1, b2 = Fraction(9, 10), Fraction(999, 1000)
    m = v = Fraction(0)
    theta = float(theta0)
    for t, g in enumerate(grads, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if correct else (m, v)
        theta -= float(lr * m_hat) / (math.sqrt(v_hat) + 1e-8)
    return theta


def make_adam(rng: Rng) -> Instance:
    while True:
        theta0 = rng.randint(-200, 200)
        grads = [rng.randint(-30, 30) for _ in range(3)]
        lr = rng.choice([5, 10, 20, 25, 30, 50])
        if 0 in grads:
            continue
        t0, gs, step = Fraction(theta0, 10), [Fraction(g, 10) for g in grads], Fraction(lr, 100)
        theta = adam_path(t0, gs, step, correct=True)
        mistakes = [
            adam_path(t0, gs, step, correct=False),  # no bias correction
            float(t0 - step * sum(gs)),  # plain SGD
            float(t0) - float(step) * 3,  # "Adam steps are always lr" with the wrong sign
            float(t0) + float(step) * 3,
            2 * float(t0) - theta,  # the update added instead of subtracted
            adam_path(t0, gs[:2], step, correct=True),  # one step short
        ]
        if far_apart(theta, mistakes, 4, factor=10):
            break
    prompt = (
        f"A single parameter starts at θ = {tenths(theta0)} and is trained with Adam (learning "
        f"rate {hundredths(lr)}, β1 = 0.9, β2 = 0.999, ε = 1e-8, no weight decay, the usual "
        "bias-corrected moment estimates, m and v starting at 0). The gradients of the first "
        f"three steps are {tenths(grads[0])}, {tenths(grads[1])} and {tenths(grads[2])}. What is "
        "θ after the third update? Give a decimal rounded to 4 places."
    )
    return decimal_answer(prompt, None, theta, 4)


# --- a multinomial naive Bayes posterior --------------------------------------------------

WORDS = ("free", "meeting", "offer", "report", "winner", "invoice", "lunch", "click")


def nb_posterior(
    docs: tuple[int, int],
    counts: tuple[list[int], list[int]],
    message: list[int],
    alpha: int,
    prior: bool,
) -> Fraction:
    """P(spam | message) under multinomial naive Bayes with add-alpha smoothing; `message` holds
    how often each vocabulary word occurs in it."""
    v = len(message)
    scores = []
    for c in (0, 1):
        totals = sum(counts[c]) + alpha * v
        score = Fraction(docs[c], docs[0] + docs[1]) if prior else Fraction(1)
        for j, times in enumerate(message):
            score *= Fraction(counts[c][j] + alpha, totals) ** times
        scores.append(score)
    return scores[0] / (scores[0] + scores[1])


def make_naive_bayes(rng: Rng) -> Instance:
    while True:
        v = rng.randint(4, 6)
        words = rng.sample(WORDS, v)
        docs = (rng.randint(10, 80), rng.randint(10, 80))
        counts = ([rng.randint(0, 40) for _ in range(v)], [rng.randint(0, 40) for _ in range(v)])
        message = [rng.randint(0, 2) for _ in range(v)]
        if sum(message) < 2:
            continue
        post = nb_posterior(docs, counts, message, 1, prior=True)
        mistakes = [
            nb_posterior(docs, counts, message, 1, prior=False),  # prior forgotten
            nb_posterior(docs, counts, [min(t, 1) for t in message], 1, prior=True),  # binary
            1 - post,
        ]
        if min(min(counts[0]), min(counts[1])) > 0:
            mistakes.append(nb_posterior(docs, counts, message, 0, prior=True))  # no smoothing
        if 0.03 <= post <= 0.97 and far_apart(float(post), [float(x) for x in mistakes], 4, 10):
            break
    table = "; ".join(
        f"`{w}` {counts[0][j]} times in spam and {counts[1][j]} in ham" for j, w in enumerate(words)
    )
    said = ", ".join(f"`{w}` {t}x" for w, t in zip(words, message, strict=True) if t)
    prompt = (
        f"A multinomial naive Bayes spam filter is trained on {docs[0]} spam and {docs[1]} ham "
        f"emails, with a vocabulary of {v} words. Word counts over all training emails: "
        f"{table}. It uses the class priors from the email counts and Laplace (add-one) "
        "smoothing: P(word | class) = (count + 1) / (total word count of the class + vocabulary "
        "size), as "
        "scikit-learn's `MultinomialNB(alpha=1.0)` does. A new email contains "
        f"{said} and no other vocabulary words. What is P(spam | email)? Give a decimal rounded "
        "to 4 places."
    )
    return decimal_answer(prompt, None, float(post), 4)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="puzzle-knn-majority-vote",
        kind="puzzle",
        track="ml-algorithms-libraries",
        difficulty=2,
        title="Classify a batch of queries with k-NN",
        explanation=(
            "For each query compute its distance to every training point, take the k smallest "
            "and predict the majority label; with two labels and an odd k the vote cannot tie. "
            "Squared distances rank the points exactly like distances, so integer arithmetic is "
            "enough. This is what `KNeighborsClassifier(n_neighbors=k)` does with uniform "
            "weights."
        ),
        reference="scikit-learn User Guide, Nearest Neighbors: Nearest Neighbors Classification",
        make=make_knn_vote,
    ),
    Generator(
        id="puzzle-stump-gini-threshold",
        kind="puzzle",
        track="ml-algorithms-libraries",
        difficulty=2,
        title="The best threshold for a decision stump",
        explanation=(
            "Sort the rows by value; for each candidate t, the left side is every row with value "
            "<= t, and the split's score is (n_left * Gini_left + n_right * Gini_right) / n. "
            "Weighting by size matters: a plain average of the two Gini values lets a tiny pure "
            "side look as good as a large one. CART trees (and scikit-learn's "
            "`DecisionTreeClassifier`) choose each split this way, placing the threshold halfway "
            "between neighbouring values."
        ),
        reference=f"{ESL}, section 9.2 Tree-Based Methods",
        make=make_gini_split,
    ),
    Generator(
        id="numeric-cross-entropy-from-logits",
        kind="numeric",
        track="ml-algorithms-libraries",
        difficulty=1,
        title="Cross-entropy loss from raw logits",
        explanation=(
            "Softmax turns logits into probabilities p_i = exp(z_i) / Σ exp(z_j), and the "
            "cross-entropy loss of one example is -log p_true = logsumexp(z) - z_true. Computing "
            "it as logsumexp minus the true logit (subtracting the largest logit first) is what "
            "keeps it numerically stable. Using log base 2 gives bits, not the nats that "
            "PyTorch and scikit-learn report."
        ),
        reference="PyTorch docs, torch.nn.CrossEntropyLoss",
        make=make_cross_entropy,
    ),
    Generator(
        id="numeric-adam-three-steps",
        kind="numeric",
        track="ml-algorithms-libraries",
        difficulty=3,
        title="Three Adam updates by hand",
        explanation=(
            "Adam keeps m = β1·m + (1 - β1)·g and v = β2·v + (1 - β2)·g², divides them by "
            "1 - β1^t and 1 - β2^t to undo their bias towards the zero start, and steps "
            "θ -= lr · m̂ / (√v̂ + ε). Without the bias correction the first steps are badly "
            "mis-sized (here about three times lr on step 1), which is why the correction "
            "exists. With the correction, the first step is almost exactly lr times the sign "
            "of the gradient."
        ),
        reference=ADAM,
        make=make_adam,
    ),
    Generator(
        id="numeric-naive-bayes-posterior",
        kind="numeric",
        track="ml-algorithms-libraries",
        difficulty=2,
        title="A naive Bayes spam posterior",
        explanation=(
            "Multiply the class prior by P(word | class) once for every occurrence of each word, "
            "for both classes, then normalise: P(spam | email) = score_spam / (score_spam + "
            "score_ham). Add-one smoothing keeps a word never seen in a class from zeroing the "
            "whole product. Repeated words count again in the multinomial model, and the prior "
            "comes from the email counts, not the word counts."
        ),
        reference=f"{IIR}, section 13.2",
        make=make_naive_bayes,
    ),
)
