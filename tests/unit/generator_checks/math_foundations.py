"""Independent checks of the `math-foundations` generators (bot/catalog/generators/math_foundations.py).

Each check reads the chat text a member sees (`Seen`) and solves it another way (numpy, scipy,
scikit-learn, brute force); GOLDEN pins each generator's answer and input fingerprint for
test_generators.GOLDEN_SEED.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from itertools import permutations

import numpy as np
from scipy.special import expit, log_softmax
from sklearn.linear_model import LinearRegression

from tests.unit.generator_checks.common import Check, Seen, find, rows


def matrix(pattern: str, text: str) -> np.ndarray:
    """The matrix written as `[1, -2]; [3, 4]` after `pattern` in the text."""
    body = find(pattern + r" ((?:\[[-\d, ]+\](?:; )?)+)", text)
    return np.array([[int(v) for v in r.split(",")] for r in re.findall(r"\[([-\d, ]+)\]", body)])


def vector(name: str, text: str) -> np.ndarray:
    return np.array([float(v) for v in find(name + r" = \(([-\d., ]+)\)", text).split(",")])


def check_matmul_entry(seen: Seen) -> Check:
    a = matrix(r"A is the \d+×\d+ matrix with rows", seen.text)
    b = matrix(r"B is the \d+×\d+ matrix with rows", seen.text)
    m, k = map(int, re.findall(r"A is the (\d+)×(\d+)", seen.text)[0])
    assert a.shape == (m, k)
    i = int(find(r"entry in row (\d+)", seen.text)) - 1
    j = int(find(r"column (\d+) of the product", seen.text)) - 1
    return Check(int((a @ b)[i, j]))


def check_softmax_ce(seen: Seen) -> Check:
    z = np.array([float(v) for v in find(r"the logits \(([-\d., ]+)\)", seen.text).split(",")])
    k = int(find(r"for (\d+) classes", seen.text))
    assert len(z) == k
    c = int(find(r"true class is class (\d+)\.", seen.text)) - 1
    loss = float(-log_softmax(z)[c])
    p = math.exp(-loss)
    return Check(loss, [loss / math.log(2), 1 - p, float(-log_softmax(z).max())])


def check_logistic_gradient(seen: Seen) -> Check:
    w, x = vector("w", seen.text), vector("x", seen.text)
    b = float(find(r"bias b = (-?[\d.]+)\.", seen.text))
    y = int(find(r"label y = ([01])\.", seen.text))
    j = int(find(r"∂L/∂w(\d)", seen.text)) - 1

    def loss(weights: np.ndarray) -> complex:
        z = weights @ x + b  # -(y log p + (1 - y) log(1 - p)) = log(1 + e^z) - y z
        return complex(np.log(1 + np.exp(z)) - y * z)

    # The complex-step derivative, not the closed form: Im L(w + ih e_j) / h, exact to rounding.
    h = 1e-20
    step = np.zeros(3, dtype=complex)
    step[j] = 1j * h
    grad = loss(w + step).imag / h
    p = float(expit(w @ x + b))
    return Check(grad, [-grad, p - y, (p - y) * p * (1 - p) * x[j]])


def check_spectral_norm(seen: Seen) -> Check:
    a = matrix(r"A is the 2×3 matrix with rows", seen.text).astype(float)
    singular = np.linalg.svd(a, compute_uv=False)
    fro = float(np.linalg.norm(a, "fro"))
    return Check(float(singular[0]), [fro, float(singular[0] ** 2), float(singular[-1])])


@cache
def signed_permutations(n: int) -> tuple[np.ndarray, np.ndarray]:
    perms = np.array(list(permutations(range(n))))
    # The sign of a permutation: (-1) to the number of inversions.
    inversions = np.zeros(len(perms), dtype=np.int64)
    for i in range(n):
        for j in range(i + 1, n):
            inversions += perms[:, i] > perms[:, j]
    return perms, np.where(inversions % 2 == 0, 1, -1)


def check_determinant(seen: Seen) -> Check:
    a = np.array([[int(v) for v in r.split()] for r in rows(seen.data)], dtype=np.int64)
    n = int(find(r"a (\d+)×\d+ integer matrix", seen.text))
    assert a.shape == (n, n)
    perms, signs = signed_permutations(n)
    terms = a[np.arange(n), perms].prod(axis=1)  # Leibniz: one product per permutation
    det = int((signs * terms).sum())
    assert abs(det - np.linalg.det(a.astype(float))) < 1e-6 * max(1, abs(det))
    return Check(det)


def check_least_squares(seen: Seen) -> Check:
    data = np.array([[int(v) for v in r.split()] for r in rows(seen.data)], dtype=float)
    n = int(find(r"Your input is (\d+) observations", seen.text))
    assert data.shape == (n, 3)
    x, y = data[:, :2], data[:, 2]
    full = LinearRegression().fit(x, y)
    simple = LinearRegression().fit(x[:, :1], y)
    origin = LinearRegression(fit_intercept=False).fit(x, y)
    lstsq = np.linalg.lstsq(np.column_stack([np.ones(n), x]), y, rcond=None)[0]
    assert abs(lstsq[1] - full.coef_[0]) < 1e-8
    mistakes = [float(simple.coef_[0]), float(origin.coef_[0]), float(full.coef_[1])]
    return Check(float(full.coef_[0]), mistakes)


CHECKS: dict[str, Callable[[Seen], Check]] = {
    "numeric-matmul-entry": check_matmul_entry,
    "numeric-softmax-cross-entropy": check_softmax_ce,
    "numeric-logistic-gradient": check_logistic_gradient,
    "numeric-spectral-norm": check_spectral_norm,
    "puzzle-integer-determinant": check_determinant,
    "puzzle-least-squares-coefficient": check_least_squares,
}
GOLDEN: dict[str, tuple[str, str]] = {
    "numeric-logistic-gradient": ("-1.6756", "1139ef25f58b"),
    "numeric-matmul-entry": ("-3", "b4c1398f327a"),
    "numeric-softmax-cross-entropy": ("1.4097", "6c977e1c0dda"),
    "numeric-spectral-norm": ("8.741", "01b424ddbd4a"),
    "puzzle-integer-determinant": ("-4531410", "237227306376"),
    "puzzle-least-squares-coefficient": ("-2.4574", "da4cb5f1efe2"),
}
