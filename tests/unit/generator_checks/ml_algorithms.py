"""Independent checks of the `ml-algorithms-libraries` generators (bot/catalog/generators/ml_algorithms.py).

Each check reads the chat text a member sees (`Seen`) and solves it another way (numpy, scipy,
scikit-learn, brute force); GOLDEN pins each generator's answer and input fingerprint for
test_generators.GOLDEN_SEED.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
from scipy.special import log_softmax
from sklearn.metrics import log_loss
from sklearn.naive_bayes import MultinomialNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from tests.unit.generator_checks.common import Check, Seen, find, rows, whole


def check_knn_vote(seen: Seen) -> Check:
    k = int(find(r"k = (\d+):", seen.text))
    lines = rows(seen.data)
    cut = lines.index("queries")
    train = np.array([whole(r"(\d+) (\d+) ([01])", r) for r in lines[:cut]], dtype=np.int64)
    queries = np.array([whole(r"(\d+) (\d+)", r) for r in lines[cut + 1 :]], dtype=np.int64)
    assert len(train) == int(find(r"has (\d+) labelled", seen.text))
    assert len(queries) == int(find(r"then (\d+) query points", seen.text))
    x, y = train[:, :2].astype(float), train[:, 2]
    # The promised absence of ties at the k-th distance, checked on exact integers.
    d2 = ((queries[:, None, :] - train[None, :, :2]) ** 2).sum(axis=2)
    ordered = np.sort(d2, axis=1)
    assert (ordered[:, k - 1] < ordered[:, k]).all()
    model = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(x, y)
    predicted = model.predict(queries.astype(float))
    nearest = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(x, y)
    value = int(np.flatnonzero(predicted == 1).sum() + (predicted == 1).sum())
    one = nearest.predict(queries.astype(float))
    return Check(value, [float(np.flatnonzero(one == 1).sum() + (one == 1).sum())])


def check_gini_split(seen: Seen) -> Check:
    data = np.array([whole(r"(\d+) ([01])", r) for r in rows(seen.data)], dtype=np.int64)
    assert len(data) == int(find(r"input is (\d+) training rows", seen.text))
    values, labels = data[:, 0], data[:, 1]
    tree = DecisionTreeClassifier(max_depth=1, criterion="gini", random_state=0)
    tree.fit(values.reshape(-1, 1).astype(float), labels)
    threshold = tree.tree_.threshold[0]  # halfway between two neighbouring values
    assert tree.tree_.node_count == 3
    t = int(values[values <= threshold].max())
    # The promised single best t, by brute force over every candidate.
    scores = []
    for cand in np.unique(values)[:-1]:
        left, right = labels[values <= cand], labels[values > cand]
        g = [1 - np.mean(s) ** 2 - (1 - np.mean(s)) ** 2 for s in (left, right)]
        scores.append((len(left) * g[0] + len(right) * g[1]) / len(labels))
    best = np.argsort(scores)
    assert scores[best[1]] - scores[best[0]] > 1e-7
    assert int(np.unique(values)[best[0]]) == t
    return Check(t)


def check_cross_entropy(seen: Seen) -> Check:
    z = np.array([float(v) for v in find(r"logits z = \(([^)]+)\)", seen.text).split(",")])
    y = int(find(r"true class is (\d+)\.", seen.text))
    k = int(find(r"for (\d+) classes", seen.text))
    assert len(z) == k
    p = np.exp(log_softmax(z))
    loss = float(log_loss([y], [p], labels=list(range(k))))
    assert math.isclose(loss, -float(log_softmax(z)[y]), abs_tol=1e-9)
    return Check(loss, [loss / math.log(2), 1 - p[y]])


def check_adam(seen: Seen) -> Check:
    theta = float(find(r"starts at θ = (-?[\d.]+) ", seen.text))
    lr = float(find(r"learning rate ([\d.]+),", seen.text))
    listed = re.search(r"three steps are (-?\d+\.\d), (-?\d+\.\d) and (-?\d+\.\d)\.", seen.text)
    assert listed
    g = [float(v) for v in listed.groups()]
    b1, b2, eps = 0.9, 0.999, 1e-8
    grads = np.array(g)
    t = np.arange(1, 4)
    # Closed forms of the moment recurrences: m_t = (1 - b1) Σ_{i<=t} b1^(t-i) g_i.
    m = np.array([(1 - b1) * np.sum(b1 ** (s - t[:s]) * grads[:s]) for s in t])
    v = np.array([(1 - b2) * np.sum(b2 ** (s - t[:s]) * grads[:s] ** 2) for s in t])
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    value = theta - float(np.sum(lr * m_hat / (np.sqrt(v_hat) + eps)))
    uncorrected = theta - float(np.sum(lr * m / (np.sqrt(v) + eps)))
    return Check(value, [uncorrected, theta - lr * float(grads.sum())])


def check_naive_bayes(seen: Seen) -> Check:
    spam_docs = int(find(r"trained on (\d+) spam", seen.text))
    ham_docs = int(find(r"spam and (\d+) ham emails", seen.text))
    table = re.findall(r"`([a-z]+)` (\d+) times in spam and (\d+) in ham", seen.text)
    words = [w for w, _, _ in table]
    counts = np.array([[int(s) for _, s, _ in table], [int(h) for _, _, h in table]], float)
    said = dict(re.findall(r"`([a-z]+)` (\d)x", find(r"contains (.*) and no other", seen.text)))
    message = np.array([[int(said.get(w, 0)) for w in words]], float)
    # Rows whose weighted sum is each class's word counts, weighted by the email counts.
    x = counts / np.array([[spam_docs], [ham_docs]])
    model = MultinomialNB(alpha=1.0).fit(x, ["spam", "ham"], sample_weight=[spam_docs, ham_docs])
    assert np.allclose(model.feature_count_[list(model.classes_).index("spam")], counts[0])
    proba = model.predict_proba(message)[0][list(model.classes_).index("spam")]
    flat = MultinomialNB(alpha=1.0, fit_prior=False).fit(
        x, ["spam", "ham"], sample_weight=[spam_docs, ham_docs]
    )
    no_prior = flat.predict_proba(message)[0][list(flat.classes_).index("spam")]
    return Check(float(proba), [float(no_prior), 1 - float(proba)])


CHECKS: dict[str, Callable[[Seen], Check]] = {
    "puzzle-knn-majority-vote": check_knn_vote,
    "puzzle-stump-gini-threshold": check_gini_split,
    "numeric-cross-entropy-from-logits": check_cross_entropy,
    "numeric-adam-three-steps": check_adam,
    "numeric-naive-bayes-posterior": check_naive_bayes,
}
GOLDEN: dict[str, tuple[str, str]] = {
    "puzzle-knn-majority-vote": ("1802", "27d2abd028f4"),
    "puzzle-stump-gini-threshold": ("538", "0ca5c139bb7c"),
    "numeric-cross-entropy-from-logits": ("1.4097", "b6e93659c682"),
    "numeric-adam-three-steps": ("-9.5150", "02aeac32b3b3"),
    "numeric-naive-bayes-posterior": ("0.6592", "ff7ed0b532b8"),
}
