"""Generators for the `math-foundations` track: linear algebra and calculus drills.

Inputs are drawn as integers (or tenths), so the prompt states them exactly. Rational answers
(products, determinants, least-squares coefficients) are computed exactly with integers and
Fraction; answers that involve exp, log or a square root use math on exact inputs. Each
generator redraws until its common mistakes land well outside the tolerance.
"""

from __future__ import annotations

import math
from fractions import Fraction

from bot.catalog.generators.base import (
    SUBMIT_INT,
    Generator,
    Instance,
    decimal_answer,
    far_apart,
    integer_answer,
    places_text,
    tenths,
)
from bot.catalog.generators.rng import Rng

STRANG = "Strang, Introduction to Linear Algebra (5th ed.)"
DEEP = "Goodfellow, Bengio & Courville, Deep Learning (2016)"


def matrix_text(rows: list[list[int]]) -> str:
    """[[1, -2], [3, 4]] -> "[1, -2]; [3, 4]"."""
    return "; ".join("[" + ", ".join(str(v) for v in row) + "]" for row in rows)


def ordinal_word(i: int) -> str:
    return ("first", "second", "third", "fourth", "fifth", "sixth")[i]


# --- one entry of a matrix product --------------------------------------------------------


def make_matmul_entry(rng: Rng) -> Instance:
    while True:
        m, k, n = rng.randint(2, 4), rng.randint(3, 5), rng.randint(2, 4)
        if m == n:
            continue  # so that BA, the product in the wrong order, is not even defined
        a = [[rng.randint(-9, 9) for _ in range(k)] for _ in range(m)]
        b = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(k)]
        i, j = rng.below(m), rng.below(n)
        value = sum(a[i][t] * b[t][j] for t in range(k))
        if value != 0:
            break
    prompt = (
        f"A is the {m}×{k} matrix with rows {matrix_text(a)}. "
        f"B is the {k}×{n} matrix with rows {matrix_text(b)}. "
        f"What is the entry in row {i + 1}, column {j + 1} of the product AB (rows and columns "
        f"numbered from 1)? {SUBMIT_INT}"
    )
    return integer_answer(prompt, None, value)


# --- softmax cross-entropy ----------------------------------------------------------------


def log_sum_exp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(math.fsum(math.exp(v - top) for v in values))


def make_softmax_ce(rng: Rng) -> Instance:
    while True:
        k = rng.randint(3, 6)
        logits = [rng.randint(-40, 60) for _ in range(k)]  # tenths
        c = rng.below(k)
        z = [v / 10 for v in logits]
        lse = log_sum_exp(z)
        loss = lse - z[c]
        p = math.exp(-loss)
        mistakes = [
            loss / math.log(2),  # log base 2
            1 - p,  # one minus the probability
            lse - max(z),  # the loss of the top class
            -z[c],  # the logit alone, no normaliser
            math.log1p(math.exp(-z[c])),  # a sigmoid, not a softmax
        ]
        if 0.05 <= loss <= 6 and logits.count(logits[c]) == 1 and far_apart(loss, mistakes, 4):
            break
    shown = ", ".join(tenths(v) for v in logits)
    prompt = (
        f"A classifier outputs the logits ({shown}) for {k} classes, numbered 1 to {k}. The "
        f"true class is class {c + 1}. What is the softmax cross-entropy loss of this example, "
        f"with the natural logarithm? {places_text(4)} (e.g. 1.2345)."
    )
    return decimal_answer(prompt, None, loss, 4)


# --- gradient of the logistic loss by the chain rule --------------------------------------


def make_logistic_gradient(rng: Rng) -> Instance:
    while True:
        x = [rng.randint(-30, 30) for _ in range(3)]  # tenths
        w = [rng.randint(-20, 20) for _ in range(3)]  # tenths
        b = rng.randint(-20, 20)  # tenths
        y = rng.below(2)
        j = rng.below(3)
        z = (sum(wi * xi for wi, xi in zip(w, x, strict=True)) + 10 * b) / 100
        p = 1 / (1 + math.exp(-z))
        xj = x[j] / 10
        grad = (p if y == 0 else -1 / (1 + math.exp(z))) * xj  # (p - y) xj, without cancelling
        mistakes = [
            (y - p) * xj,  # the sign flipped
            (p - y),  # the inner derivative dropped
            (p - y) * p * (1 - p) * xj,  # the squared-error chain rule
            (p - y) * w[j] / 10,  # the weight instead of the input
            (p - y) * x[(j + 1) % 3] / 10,  # another coordinate
            (p - y) * x[(j + 2) % 3] / 10,
        ]
        if abs(grad) >= 0.05 and far_apart(grad, mistakes, 4):
            break
    xs = ", ".join(tenths(v) for v in x)
    ws = ", ".join(tenths(v) for v in w)
    prompt = (
        f"A logistic-regression model predicts p = σ(w·x + b), where σ is the sigmoid, with "
        f"weights w = ({ws}) and bias b = {tenths(b)}. One example has features x = ({xs}) "
        f"and label y = {y}. Its loss is the binary cross-entropy "
        "L = -(y log p + (1 - y) log(1 - p)), with the natural logarithm. What is the partial "
        f"derivative ∂L/∂w{j + 1}, the gradient with respect to the {ordinal_word(j)} weight, "
        f"at these values? {places_text(4)} (it may be negative, e.g. -0.1234)."
    )
    return decimal_answer(prompt, None, grad, 4)


# --- spectral norm of a 2x3 matrix --------------------------------------------------------


def make_spectral_norm(rng: Rng) -> Instance:
    while True:
        a = [[rng.randint(-9, 9) for _ in range(3)] for _ in range(2)]
        p = sum(v * v for v in a[0])
        r = sum(v * v for v in a[1])
        q = sum(u * v for u, v in zip(a[0], a[1], strict=True))
        # A Aᵀ = [[p, q], [q, r]]; its eigenvalues are the squared singular values.
        root = math.sqrt((p - r) ** 2 + 4 * q * q)
        top = (p + r + root) / 2
        low = max((p + r - root) / 2, 0.0)
        sigma = math.sqrt(top)
        mistakes = [
            math.sqrt(p + r),  # Frobenius norm
            top,  # the square root forgotten
            math.sqrt(low),  # the smallest singular value
            max(abs(v) for row in a for v in row),  # the largest entry
            max(sum(abs(v) for v in row) for row in a),  # infinity norm
            max(abs(a[0][c]) + abs(a[1][c]) for c in range(3)),  # 1-norm
            max(math.sqrt(p), math.sqrt(r)),  # the longest row
        ]
        if min(p, r) > 0 and far_apart(sigma, mistakes, 3):
            break
    prompt = (
        f"A is the 2×3 matrix with rows {matrix_text(a)}. What is its spectral norm ‖A‖₂, "
        f"the largest singular value of A? {places_text(3)} (e.g. 12.345)."
    )
    return decimal_answer(prompt, None, sigma, 3)


# --- determinant of a 7x7 integer matrix --------------------------------------------------


def bareiss_det(matrix: list[list[int]]) -> int:
    """The exact determinant by fraction-free Gaussian elimination (Bareiss)."""
    a = [row[:] for row in matrix]
    n = len(a)
    sign, prev = 1, 1
    for k in range(n - 1):
        if a[k][k] == 0:
            swap = next((i for i in range(k + 1, n) if a[i][k] != 0), None)
            if swap is None:
                return 0
            a[k], a[swap] = a[swap], a[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                a[i][j] = (a[i][j] * a[k][k] - a[i][k] * a[k][j]) // prev
        prev = a[k][k]
    return sign * a[n - 1][n - 1]


def make_determinant(rng: Rng) -> Instance:
    n = 7
    while True:
        matrix = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
        det = bareiss_det(matrix)
        if det != 0:
            break
    prompt = (
        f"Your input is a {n}×{n} integer matrix, one row per line, entries separated by "
        "spaces. Compute its determinant exactly (floating-point elimination may round the "
        f"last digits). {SUBMIT_INT}"
    )
    data = "\n".join(" ".join(str(v) for v in row) for row in matrix)
    return integer_answer(prompt, data, det)


# --- one coefficient of a least-squares fit -----------------------------------------------


def solve_exact(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """Gauss-Jordan elimination over the rationals for a small non-singular system."""
    n = len(a)
    m = [[*row, rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            raise ZeroDivisionError("singular system")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def ols(columns: list[list[int]], y: list[int]) -> list[Fraction]:
    """Exact least-squares coefficients of y on the given columns (normal equations)."""
    gram = [[Fraction(sum(u * v for u, v in zip(c1, c2, strict=True))) for c2 in columns]
            for c1 in columns]  # fmt: skip
    rhs = [Fraction(sum(u * v for u, v in zip(c, y, strict=True))) for c in columns]
    return solve_exact(gram, rhs)


def make_least_squares(rng: Rng) -> Instance:
    while True:
        n = rng.randint(30, 60)
        mix = rng.randint(-15, 15)  # tenths: how strongly x2 follows x1
        beta0, beta1, beta2 = rng.randint(-50, 50), rng.randint(-40, 40), rng.randint(-40, 40)
        x1 = [rng.randint(-20, 20) for _ in range(n)]
        x2 = [(mix * v) // 10 + rng.randint(-8, 8) for v in x1]
        y = [
            (10 * beta0 + beta1 * u + beta2 * v) // 10 + rng.randint(-12, 12)
            for u, v in zip(x1, x2, strict=True)
        ]
        ones = [1] * n
        try:
            full = ols([ones, x1, x2], y)
            simple = float(ols([ones, x1], y)[1])  # x2 left out
            no_intercept = float(ols([x1, x2], y)[0])
        except ZeroDivisionError:
            continue  # dependent columns: no unique fit
        b1 = float(full[1])
        mistakes = [simple, no_intercept, float(full[2]), float(full[0])]
        if abs(b1) >= 0.05 and far_apart(b1, mistakes, 4, factor=10):
            break
    prompt = (
        f"Your input is {n} observations, one per line as `x1 x2 y`. Fit the linear model "
        "y ≈ b0 + b1·x1 + b2·x2 by ordinary least squares (with the intercept b0). What is "
        f"the fitted coefficient b1 of x1? {places_text(4)} (it may be negative, e.g. -1.2345)."
    )
    data = "\n".join(f"{u} {v} {t}" for u, v, t in zip(x1, x2, y, strict=True))
    return decimal_answer(prompt, data, b1, 4)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="numeric-matmul-entry",
        kind="numeric",
        track="math-foundations",
        difficulty=1,
        title="One entry of a matrix product",
        explanation=(
            "Entry (i, j) of AB is the dot product of row i of A with column j of B: "
            "(AB)ij = sum over t of Ait·Btj. The inner dimensions must agree (m×k times k×n "
            "gives m×n), so only AB is defined here, not BA."
        ),
        reference=f"{STRANG}, section 2.4 (Rules for matrix operations)",
        make=make_matmul_entry,
    ),
    Generator(
        id="numeric-softmax-cross-entropy",
        kind="numeric",
        track="math-foundations",
        difficulty=2,
        title="Cross-entropy of one softmax prediction",
        explanation=(
            "The loss is -log softmax(z)c = log(sum of exp(zi)) - zc, the log-sum-exp of the "
            "logits minus the true class's logit. Compute the log-sum-exp stably as "
            "max(z) + log(sum of exp(zi - max(z))). Using log base 2, a sigmoid on one logit, "
            "or 1 - p instead of -log p gives a different number."
        ),
        reference=f"{DEEP}, section 6.2.2.3 (Softmax units)",
        make=make_softmax_ce,
    ),
    Generator(
        id="numeric-logistic-gradient",
        kind="numeric",
        track="math-foundations",
        difficulty=2,
        title="Gradient of the logistic loss",
        explanation=(
            "By the chain rule, ∂L/∂wj = (∂L/∂p)(∂p/∂z)(∂z/∂wj) = ((p - y) / (p(1 - p))) · "
            "p(1 - p) · xj = (p - y)·xj, with z = w·x + b and p = σ(z). The sigmoid's "
            "derivative cancels against the cross-entropy's, which is why the factor p(1 - p) "
            "from a squared-error chain rule does not appear."
        ),
        reference="Bishop, Pattern Recognition and Machine Learning, section 4.3.2",
        make=make_logistic_gradient,
    ),
    Generator(
        id="numeric-spectral-norm",
        kind="numeric",
        track="math-foundations",
        difficulty=3,
        title="Spectral norm of a small matrix",
        explanation=(
            "The spectral norm is the largest singular value, the square root of the largest "
            "eigenvalue of AAᵀ: the 2×2 matrix [[p, q], [q, r]], with p and r the squared "
            "lengths of the rows and q their dot product, whose eigenvalues are "
            "(p + r ± sqrt((p - r)^2 + 4q^2)) / 2. The Frobenius norm sqrt(p + r) is larger "
            "unless A has rank 1, and the largest row or column sum is a different norm."
        ),
        reference=f"{STRANG}, section 7.2 (Bases and matrices in the SVD)",
        make=make_spectral_norm,
    ),
    Generator(
        id="puzzle-integer-determinant",
        kind="puzzle",
        track="math-foundations",
        difficulty=2,
        title="Exact determinant of a 7×7 matrix",
        explanation=(
            "Fraction-free elimination (Bareiss) keeps every intermediate an integer, or run "
            "Gaussian elimination over exact rationals; the determinant is the product of the "
            "pivots times -1 for each row swap. np.linalg.det works in floating point, so for "
            "large determinants round its result and confirm it exactly."
        ),
        reference=f"{STRANG}, chapter 5 (Determinants)",
        make=make_determinant,
    ),
    Generator(
        id="puzzle-least-squares-coefficient",
        kind="puzzle",
        track="math-foundations",
        difficulty=3,
        title="One coefficient of a two-feature least-squares fit",
        explanation=(
            "Stack a column of ones, x1 and x2 into X and solve the normal equations "
            "XᵀX b = Xᵀy (or call np.linalg.lstsq). Regressing y on x1 alone gives a different "
            "slope whenever x1 and x2 are correlated in the sample: it absorbs part of x2's "
            "effect (omitted-variable bias). Dropping the intercept changes b1 as well."
        ),
        reference=f"{STRANG}, section 4.3 (Least squares approximations)",
        make=make_least_squares,
    ),
)
