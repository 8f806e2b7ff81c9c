"""Independent checks of the `software-engineering-systems` generators (bot/catalog/generators/software_systems.py).

Each check reads the chat text a member sees (`Seen`) and solves it another way (numpy, scipy,
scikit-learn, brute force); GOLDEN pins each generator's answer and input fingerprint for
test_generators.GOLDEN_SEED.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tests.unit.generator_checks.common import Check, Seen, find, ints, rows, whole


def check_p99(seen: Seen) -> Check:
    values = np.array(ints(seen.data))
    assert int(find(r"Your input is (\d+) request latencies", seen.text)) == len(values)
    # Nearest rank = the smallest value whose empirical CDF reaches 0.99 (numpy's inverted_cdf).
    p99 = float(np.percentile(values, 99, method="inverted_cdf"))
    assert p99.is_integer()
    return Check(int(p99))


def check_lru(seen: Seen) -> Check:
    capacity = int(find(r"holds at most (\d+) keys", seen.text))
    trace = rows(seen.data)
    assert int(find(r"a trace of (\d+) requests", seen.text)) == len(trace)
    # Stack distance: a request hits iff fewer than `capacity` distinct other keys were
    # requested since the previous request for the same key.
    last: dict[str, int] = {}
    hits = 0
    for t, key in enumerate(trace):
        if key in last and len(set(trace[last[key] + 1 : t])) < capacity:
            hits += 1
        last[key] = t
    return Check(hits)


def check_consistent_hashing(seen: Seen) -> Check:
    ring = int(find(r"ring of positions 0 to (\d+)\.", seen.text)) + 1
    old: list[tuple[int, str]] = []
    added: list[tuple[int, str]] = []
    keys: list[int] = []
    for line in rows(seen.data):
        if line.startswith("key "):
            keys.append(int(whole(r"key (\d+)", line)[0]))
        else:
            kind, server, pos = whole(r"(token|new) (s\d+) (\d+)", line)
            (old if kind == "token" else added).append((int(pos), server))
    positions = [p for p, _ in old + added] + keys
    assert len(set(positions)) == len(positions)  # the prompt promises distinct positions
    k = np.array(keys)[:, None]

    def owner(tokens: list[tuple[int, str]]) -> np.ndarray:
        pos = np.array([p for p, _ in tokens])[None, :]
        names = np.array([s for _, s in tokens])
        clockwise = (pos - k) % ring  # distance from each key to each token, going clockwise
        return names[clockwise.argmin(axis=1)]

    moved = int(np.count_nonzero(owner(old) != owner(old + added)))
    return Check(moved)


def check_littles_law(seen: Seen) -> Check:
    rate = int(find(r"receives (\d+) requests per second", seen.text))
    latency_s = int(find(r"spends (\d+) ms", seen.text)) / 1000
    concurrency = int(find(r"can work on (\d+) requests", seen.text))
    util = int(find(r"at most (\d+)% of that capacity", seen.text)) / 100
    in_flight = rate * latency_s
    replicas = 1
    while replicas * concurrency * util < in_flight - 1e-9:  # count up, no division
        replicas += 1
    assert replicas == math.ceil(in_flight / (concurrency * util))
    return Check(replicas)


def check_burn_rate(seen: Seen) -> Check:
    slo = float(find(r"says that ([\d.]+)% of requests", seen.text)) / 100
    total = int(find(r"it served (\d+) requests", seen.text))
    failed = int(find(r"of which (\d+) failed", seen.text))
    errors = np.zeros(total, dtype=bool)
    errors[:failed] = True
    observed = float(errors.mean())
    burn = observed / (1 - slo)
    return Check(burn, [observed / slo, (1 - slo) / observed, observed * 100])


def check_batching(seen: Seen) -> Check:
    fixed = float(find(r"takes (\d+) \+", seen.text))
    per_item = float(find(r"\+ ([\d.]+) × b milliseconds", seen.text))
    cap = int(find(r"at most (\d+) requests", seen.text))
    budget = float(find(r"may take at most (\d+) ms", seen.text))
    sizes = np.arange(1, cap + 1)
    times = fixed + per_item * sizes
    allowed = sizes[times <= budget + 1e-9]
    assert len(allowed) >= 2
    b = int(allowed.max())
    rps = 1000 * b / (fixed + per_item * b)
    mistakes = [1000 / (fixed + per_item), 1000 * b / budget]  # batch of 1; the whole budget
    return Check(rps, [m for m in mistakes if abs(m - rps) > 1e-9])


CHECKS: dict[str, Callable[[Seen], Check]] = {
    "puzzle-p99-nearest-rank": check_p99,
    "puzzle-lru-cache-hits": check_lru,
    "puzzle-consistent-hashing-moves": check_consistent_hashing,
    "numeric-littles-law-replicas": check_littles_law,
    "numeric-slo-burn-rate": check_burn_rate,
    "numeric-batching-throughput": check_batching,
}
GOLDEN: dict[str, tuple[str, str]] = {
    "numeric-batching-throughput": ("203.05", "881374520b30"),
    "numeric-littles-law-replicas": ("271", "260830da6777"),
    "numeric-slo-burn-rate": ("9.05", "5b0d471a63d9"),
    "puzzle-consistent-hashing-moves": ("359", "05c5e8f8c547"),
    "puzzle-lru-cache-hits": ("1392", "a87e2b89c0d0"),
    "puzzle-p99-nearest-rank": ("1642", "278486066b3a"),
}
