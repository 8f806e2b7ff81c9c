"""Clustering puzzles (ml-algorithms-libraries): k-means on each member's own points."""

from __future__ import annotations

from bot.catalog.generators.base import (
    SUBMIT_INT,
    Generator,
    Instance,
    integer_answer,
    lines,
)
from bot.catalog.generators.rng import Rng

TIE_MARGIN = 1e-6


def lloyd(points: list[tuple[int, int]], k: int) -> list[int] | None:
    """Lloyd's k-means from the first k points; the final assignment, or None when a cluster
    empties, a point is within TIE_MARGIN of a tie, or it runs past 100 rounds."""
    centroids = [(float(x), float(y)) for x, y in points[:k]]
    assignment: list[int] = []
    for _ in range(100):
        new = []
        for x, y in points:
            dists = [(x - cx) * (x - cx) + (y - cy) * (y - cy) for cx, cy in centroids]
            ranked = sorted(range(k), key=dists.__getitem__)
            if dists[ranked[1]] - dists[ranked[0]] < TIE_MARGIN:
                return None
            new.append(ranked[0])
        if new == assignment:
            return assignment
        assignment = new
        centroids = []
        for j in range(k):
            members = [p for p, a in zip(points, assignment, strict=True) if a == j]
            if not members:
                return None
            count = len(members)
            centroids.append(
                (sum(p[0] for p in members) / count, sum(p[1] for p in members) / count)
            )
    return None


def make_kmeans(rng: Rng) -> Instance:
    while True:
        k, n = rng.randint(3, 5), rng.randint(120, 300)
        centres = [(rng.randint(100, 900), rng.randint(100, 900)) for _ in range(k)]
        spread = rng.randint(40, 150)
        points = []
        for _ in range(n):
            cx, cy = rng.choice(centres)
            x = cx + sum(rng.randint(-spread, spread) for _ in range(3))
            y = cy + sum(rng.randint(-spread, spread) for _ in range(3))
            points.append((max(0, min(1000, x)), max(0, min(1000, y))))
        assignment = lloyd(points, k)
        if assignment is not None:
            break
    prompt = (
        f"Your input is a list of {n} points, one per line as `x y`. Run k-means with k = {k} "
        f"(Lloyd's algorithm): put centroid 1 at the first point of the list, centroid 2 at the "
        f"second, and so on up to centroid {k}. Then repeat: assign every point to its nearest "
        "centroid (straight-line distance; your input has no ties), and move each centroid to "
        "the mean of the points assigned to it; stop when no point changes centroid. How many "
        "points end up assigned to centroid 1? " + SUBMIT_INT
    )
    data = lines([f"{x} {y}" for x, y in points])
    return integer_answer(prompt, data, assignment.count(0))


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="puzzle-kmeans-cluster-size",
        kind="puzzle",
        track="ml-algorithms-libraries",
        difficulty=3,
        title="Run k-means by hand (well, by code)",
        explanation=(
            "Lloyd's algorithm alternates two steps: assign each point to its nearest centroid, "
            "then move each centroid to the mean of its points; it stops when the assignment no "
            "longer changes. The result depends on the starting centroids, which is why "
            "libraries run several initialisations (scikit-learn's n_init)."
        ),
        reference="scikit-learn User Guide, Clustering: K-means",
        make=make_kmeans,
    ),
)
