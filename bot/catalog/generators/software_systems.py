"""Generators for the `software-engineering-systems` track.

Latency percentiles, cache traces, consistent hashing, capacity sizing, SLO burn rates and GPU
batching, each drawn from the project's Rng with exact integer or Fraction arithmetic.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict, deque
from fractions import Fraction

from bot.catalog.generators.base import (
    SUBMIT_INT,
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

DDIA = "Kleppmann, Designing Data-Intensive Applications (O'Reilly, 2017)"
SRE_WORKBOOK = "Beyer et al., The Site Reliability Workbook (O'Reilly, 2018)"


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# --- p99 latency by the nearest-rank method -----------------------------------------------


def make_p99(rng: Rng) -> Instance:
    while True:
        n = rng.randint(800, 1600)
        tail_share = rng.randint(2, 5)  # percent of slow requests, so the p99 lands in the tail
        base, spread = rng.randint(15, 60), rng.randint(5, 40)
        values = []
        for _ in range(n):
            if rng.chance(tail_share):
                values.append(rng.randint(150, 3000))
            else:
                values.append(base + sum(rng.randint(0, spread) for _ in range(3)))
        ordered = sorted(values)
        rank = ceil_div(99 * n, 100)  # 1-based position of the nearest-rank p99
        answer = ordered[rank - 1]
        # Off-by-one positions (0-based rank, floor instead of ceiling) must give other values.
        if ordered[rank - 2] != answer and ordered[rank] != answer and answer != n:
            break
    prompt = (
        f"Your input is {n} request latencies of an inference service, in milliseconds, one "
        "per line. Report their 99th percentile by the nearest-rank method: sort the values in "
        "ascending order and take the value at position ceil(0.99 × n), counting positions "
        f"from 1, where n is the number of values. {SUBMIT_INT}"
    )
    return integer_answer(prompt, lines([str(v) for v in values]), answer)


# --- hits of an LRU cache on a trace ------------------------------------------------------


def lru_hits(trace: list[str], capacity: int) -> int:
    cache: OrderedDict[str, None] = OrderedDict()
    hits = 0
    for key in trace:
        if key in cache:
            hits += 1
            cache.move_to_end(key)
        else:
            if len(cache) == capacity:
                cache.popitem(last=False)
            cache[key] = None
    return hits


def fifo_hits(trace: list[str], capacity: int) -> int:
    """Hits when a hit does not refresh the key's position (a common mistake)."""
    queue: deque[str] = deque()
    present: set[str] = set()
    hits = 0
    for key in trace:
        if key in present:
            hits += 1
            continue
        if len(queue) == capacity:
            present.discard(queue.popleft())
        queue.append(key)
        present.add(key)
    return hits


def make_lru(rng: Rng) -> Instance:
    while True:
        capacity = rng.randint(20, 60)
        universe = rng.randint(capacity * 2, capacity * 5)
        hot = rng.randint(capacity // 3, capacity)  # keys 0..hot-1 are requested more often
        hot_share = rng.randint(40, 80)
        length = rng.randint(2000, 4000)
        trace = [
            f"k{rng.below(hot) if rng.chance(hot_share) else rng.below(universe)}"
            for _ in range(length)
        ]
        hits = lru_hits(trace, capacity)
        mistakes = [
            lru_hits(trace, capacity - 1),
            lru_hits(trace, capacity + 1),
            fifo_hits(trace, capacity),
        ]
        if all(abs(hits - m) >= 2 for m in mistakes) and hits not in (length, capacity):
            break
    prompt = (
        f"Your input is a trace of {length} requests to a cache, one key per line, in order. "
        f"The cache is an LRU cache that holds at most {capacity} keys and starts empty. A "
        "request for a key in the cache is a hit and makes that key the most recently used; "
        "any other request is a miss and inserts the key, first evicting the least recently "
        "used key if the cache is full. How many of the requests are hits? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines(trace), hits)


# --- keys moved by consistent hashing -----------------------------------------------------

RING = 1_000_000


def owners(tokens: list[tuple[int, str]], keys: list[int]) -> list[str]:
    """The server owning each key: the first token at or clockwise after it, wrapping."""
    positions = [p for p, _ in tokens]
    out = []
    for k in keys:
        i = bisect_left(positions, k)
        out.append(tokens[i % len(tokens)][1])
    return out


def fresh_position(rng: Rng, used: set[int]) -> int:
    """A ring position not taken yet (recorded in `used`)."""
    while True:
        p = rng.below(RING)
        if p not in used:
            used.add(p)
            return p


def make_consistent_hashing(rng: Rng) -> Instance:
    while True:
        servers = rng.randint(4, 9)
        per_server = rng.randint(2, 5)
        used: set[int] = set()

        names = [f"s{i + 1}" for i in range(servers)]
        old = [(fresh_position(rng, used), name) for name in names for _ in range(per_server)]
        new_name = f"s{servers + 1}"
        added = [(fresh_position(rng, used), new_name) for _ in range(per_server)]
        # Distinct positions, also distinct from every token: a repeated `key` line would leave
        # open whether it is one key or two.
        keys = [fresh_position(rng, used) for _ in range(rng.randint(1500, 3000))]
        before = owners(sorted(old), keys)
        after = owners(sorted(old + added), keys)
        moved = sum(1 for b, a in zip(before, after, strict=True) if b != a)
        # The mistake of taking the token counter-clockwise (the predecessor) instead.
        ring_old, ring_new = sorted(old), sorted(old + added)
        pred_old = [ring_old[bisect_left(ring_old, (k, "")) - 1][1] for k in keys]
        pred_new = [ring_new[bisect_left(ring_new, (k, "")) - 1][1] for k in keys]
        wrong_way = sum(1 for b, a in zip(pred_old, pred_new, strict=True) if b != a)
        if moved >= 20 and abs(moved - wrong_way) >= 2:
            break
    rows = [f"token {name} {p}" for p, name in old]
    rows += [f"new {name} {p}" for p, name in added]
    rows += [f"key {k}" for k in keys]
    prompt = (
        f"A cache cluster uses consistent hashing on a ring of positions 0 to {RING - 1}. Your "
        "input lists each server's tokens (`token <server> <position>`), then the tokens of "
        "a server that is being added (`new <server> <position>`), then the positions of the "
        "cached keys (`key <position>`, one key per line). No two lines share a position. A "
        "key belongs to the server of the first token at or clockwise after its position, "
        f"wrapping from {RING - 1} to 0. How many keys belong to a different server once the "
        "new server's tokens are on the ring? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines(rows), moved)


# --- replicas from Little's law -----------------------------------------------------------


def make_littles_law(rng: Rng) -> Instance:
    while True:
        rate = rng.randint(200, 9000)  # requests per second
        latency = rng.randint(20, 800)  # ms
        concurrency = rng.randint(2, 32)  # requests one replica serves at once
        util = rng.choice([50, 60, 70, 75, 80, 90])  # percent of that capacity to use
        need = Fraction(rate * latency, 1000)  # requests in flight, L = lambda * W
        exact = need / (Fraction(util, 100) * concurrency)
        replicas = ceil_div(exact.numerator, exact.denominator)
        no_headroom = need / concurrency
        plain = ceil_div(no_headroom.numerator, no_headroom.denominator)
        # Keep the exact quotient away from an integer, so float arithmetic rounds it safely.
        if replicas >= 3 and replicas - exact > Fraction(1, 100) and plain != replicas:
            break
    prompt = (
        f"An inference service receives {rate} requests per second, and each request spends "
        f"{latency} ms in the service on average. One replica can work on {concurrency} "
        f"requests at the same time, and to leave headroom you want replicas to run at most "
        f"{util}% of that capacity on average. Using Little's law, what is the smallest number "
        f"of replicas that achieves this? {SUBMIT_INT}"
    )
    return integer_answer(prompt, None, replicas)


# --- error-budget burn rate ---------------------------------------------------------------

SLO_TARGETS = [9900, 9950, 9990, 9995]  # hundredths of a percent


def make_burn_rate(rng: Rng) -> Instance:
    while True:
        slo = rng.choice(SLO_TARGETS)
        allowed = Fraction(10_000 - slo, 10_000)  # the error rate the SLO allows
        total = rng.randint(50_000, 2_000_000)
        target_rate = Fraction(rng.randint(30, 2000), 100)  # burn rate of 0.3 to 20
        failed = max(1, int(target_rate * allowed * total))
        observed = Fraction(failed, total)
        burn = observed / allowed
        mistakes = [
            observed / Fraction(slo, 10_000),  # divided by the SLO instead of the budget
            allowed / observed,  # the inverse ratio
            observed * 100,  # the error rate in percent
            1 - burn,
        ]
        if Fraction(3, 10) <= burn and far_apart(float(burn), [float(m) for m in mistakes], 2):
            break
    prompt = (
        f"A model endpoint's SLO says that {hundredths(slo)}% of requests succeed over a 30-day "
        f"window. In the last hour it served {total} requests, of which {failed} failed. What "
        "is the error-budget burn rate over that hour, i.e. the observed error rate divided by "
        "the error rate the SLO allows? Give a decimal rounded to 2 places."
    )
    return decimal_answer(prompt, None, float(burn), 2)


# --- throughput of GPU batching under a latency budget ------------------------------------


def batch_throughput(fixed: int, per_item: int, b: int) -> Fraction:
    """Requests per second of back-to-back batches of b taking fixed + per_item/10 * b ms."""
    return Fraction(1000 * b) / (fixed + Fraction(per_item * b, 10))


def make_batching(rng: Rng) -> Instance:
    while True:
        fixed = rng.randint(4, 40)  # ms per batch, whatever its size
        per_item = rng.randint(3, 60)  # tenths of a ms per request in the batch
        budget = rng.randint(fixed + 20, fixed + 400)  # ms a batch may take
        cap = rng.choice([8, 16, 32, 64, 128])  # largest batch the server accepts
        best = min(cap, (budget - fixed) * 10 // per_item)
        if best < 2:
            continue

        answer = batch_throughput(fixed, per_item, best)
        mistakes = [
            batch_throughput(fixed, per_item, 1),
            batch_throughput(fixed, per_item, best + 1),  # one over the budget or the cap
            batch_throughput(fixed, per_item, (budget - fixed) * 10 // per_item),  # the cap ignored
            Fraction(1000 * best, budget),  # as if every batch took the whole budget
        ]
        # When the cap does not bind, ignoring it is no mistake, so that value is skipped.
        if far_apart(float(answer), [float(m) for m in mistakes if m != answer], 2):
            break
    prompt = (
        f"A GPU runs inference in batches: a batch of b requests takes {fixed} + {tenths(per_item)}"
        f" × b milliseconds. The server accepts batches of at most {cap} requests, and a batch "
        f"may take at most {budget} ms. It always runs the largest allowed batch, one batch "
        "after another with no gaps, and there are always enough requests waiting. How many "
        "requests per second does it serve? Give a decimal rounded to 2 places."
    )
    return decimal_answer(prompt, None, float(answer), 2)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="puzzle-p99-nearest-rank",
        kind="puzzle",
        track="software-engineering-systems",
        difficulty=1,
        title="The p99 of a latency log",
        explanation=(
            "Sort the latencies and take the value at position ceil(0.99 × n), counting from 1. "
            "In numpy that is np.percentile(values, 99, method='inverted_cdf'); the default "
            "method interpolates between neighbours and can give a different number. The mean "
            "hides the slow tail that the p99 is there to show."
        ),
        reference=(
            "Hyndman & Fan (1996), Sample Quantiles in Statistical Packages, "
            "The American Statistician 50(4)"
        ),
        make=make_p99,
    ),
    Generator(
        id="puzzle-lru-cache-hits",
        kind="puzzle",
        track="software-engineering-systems",
        difficulty=2,
        title="Hits of an LRU cache on a trace",
        explanation=(
            "Simulate the cache with an ordered map (collections.OrderedDict): on a hit move the "
            "key to the end, on a miss insert it and pop the oldest key once the map is over "
            "capacity. Forgetting to refresh a key on a hit simulates a FIFO cache instead, "
            "which gets fewer hits on a trace with hot keys."
        ),
        reference="Python docs, collections.OrderedDict (move_to_end and popitem)",
        make=make_lru,
    ),
    Generator(
        id="puzzle-consistent-hashing-moves",
        kind="puzzle",
        track="software-engineering-systems",
        difficulty=3,
        title="Keys moved when a server joins the ring",
        explanation=(
            "Sort the tokens and find each key's owner by binary search for the first token at "
            "or after its position, wrapping to the first token past the end of the ring. Do "
            "this with and without the new server's tokens and count the keys whose owner "
            "changed: only keys that now land on a new token move, which is why consistent "
            "hashing moves about 1/(servers + 1) of the keys instead of almost all of them."
        ),
        reference=f"{DDIA}, chapter 6 (Partitioning by hash of key)",
        make=make_consistent_hashing,
    ),
    Generator(
        id="numeric-littles-law-replicas",
        kind="numeric",
        track="software-engineering-systems",
        difficulty=2,
        title="Replicas for a target utilisation",
        explanation=(
            "Little's law gives the requests in flight: L = arrival rate × time in the system, "
            "with the latency converted to seconds. Each replica should hold at most "
            "utilisation × concurrency of them, so divide and round up. Leaving out the "
            "utilisation target sizes the service to run at 100 % and queue at every spike."
        ),
        reference="Little (1961), A Proof for the Queuing Formula L = λW, Operations Research 9(3)",
        make=make_littles_law,
    ),
    Generator(
        id="numeric-slo-burn-rate",
        kind="numeric",
        track="software-engineering-systems",
        difficulty=1,
        title="How fast the error budget burns",
        explanation=(
            "The error budget is 1 - SLO, the share of requests allowed to fail. The burn rate "
            "is the observed error rate divided by that budget: 1 spends the budget exactly "
            "over the window, and 14.4 sustained for an hour spends 2 % of a 30-day budget, a "
            "common paging threshold."
        ),
        reference=f"{SRE_WORKBOOK}, chapter 5 Alerting on SLOs",
        make=make_burn_rate,
    ),
    Generator(
        id="numeric-batching-throughput",
        kind="numeric",
        track="software-engineering-systems",
        difficulty=3,
        title="Throughput of batched inference under a budget",
        explanation=(
            "The largest batch is the smaller of the server's cap and the biggest b with "
            "fixed + per-request × b within the budget. Back-to-back batches of b requests serve "
            "1000 × b / (fixed + per-request × b) requests per second, which grows with b "
            "because the fixed cost is shared. Dividing by the whole budget instead of the "
            "batch's real run time undercounts."
        ),
        reference="NVIDIA Triton Inference Server docs, Dynamic Batcher",
        make=make_batching,
    ),
)
