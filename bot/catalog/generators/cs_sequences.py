"""Sequence puzzles (cs-fundamentals): a personal list or schedule per member, solved with code.

Inputs are built from the Rng with integer arithmetic only. Never iterate over a set or a
dict keyed by strings to build output: string hashing differs between runs.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left

from bot.catalog.generators.base import (
    CLRS,
    KT,
    SUBMIT_INT,
    Generator,
    Instance,
    distinct_ints,
    integer_answer,
    lines,
)
from bot.catalog.generators.rng import Rng


def lis_length(values: list[int]) -> int:
    """Patience sorting: tails[i] is the smallest tail of a strictly rising run of length i+1."""
    tails: list[int] = []
    for v in values:
        i = bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
        else:
            tails[i] = v
    return len(tails)


def make_lis(rng: Rng) -> Instance:
    n = rng.randint(1800, 2200)
    top = 100_000
    values = [rng.randint(1, top) for _ in range(n)]
    planted = rng.randint(40, 600)  # a hidden rising run spreads the answers between members
    positions = sorted(rng.sample(range(n), planted))
    rising = sorted(distinct_ints(rng, planted, 1, top))
    for p, v in zip(positions, rising, strict=True):
        values[p] = v
    prompt = (
        f"Your input is a list of {n} integers, one per line. Find the length of the longest "
        "strictly increasing subsequence: numbers picked in their original order (not "
        "necessarily next to each other), each larger than the one before. " + SUBMIT_INT
    )
    return integer_answer(prompt, lines([str(v) for v in values]), lis_length(values))


def covered_length(intervals: list[tuple[int, int]]) -> int:
    """Total length of the union: sort by start and merge."""
    total = 0
    cur_start, cur_end = -1, -1
    for s, e in sorted(intervals):
        if s > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = s, e
        else:
            cur_end = max(cur_end, e)
    return total + cur_end - cur_start


def make_intervals(rng: Rng) -> Instance:
    m = rng.randint(500, 1200)
    span = rng.randint(200_000, 1_000_000)
    longest = rng.randint(300, 4000)
    intervals = []
    for _ in range(m):
        length = rng.randint(1, longest)
        start = rng.randint(0, span - length)
        intervals.append((start, start + length))
    prompt = (
        f"Your input lists {m} intervals on the number line, one per line as `start end` "
        "(integers, start < end); an interval covers everything from start to end, a length "
        "of end - start. Where intervals overlap, count the overlap once. What total length "
        "is covered by at least one interval? " + SUBMIT_INT
    )
    data = lines([f"{s} {e}" for s, e in intervals])
    return integer_answer(prompt, data, covered_length(intervals))


def rooms_needed(meetings: list[tuple[int, int]]) -> int:
    """Sweep: a meeting ending at t frees its room before one starting at t takes it."""
    events = sorted([(e, -1) for _, e in meetings] + [(s, 1) for s, _ in meetings])
    busy = most = 0
    for _, delta in events:
        busy += delta
        most = max(most, busy)
    return most


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def make_rooms(rng: Rng) -> Instance:
    m = rng.randint(60, 700)
    meetings = []
    for _ in range(m):
        duration = 5 * rng.randint(3, 48)
        start = 5 * rng.randint(7 * 12, (21 * 60 - duration) // 5)
        meetings.append((start, start + duration))
    prompt = (
        f"Your input is one day's schedule of {m} meetings, one per line as `HH:MM-HH:MM` "
        "(start-end, 24-hour clock). A room can host one meeting at a time; a room freed at "
        "10:30 can host a meeting that starts at 10:30. What is the smallest number of rooms "
        "that can host all the meetings? " + SUBMIT_INT
    )
    data = lines([f"{clock(s)}-{clock(e)}" for s, e in meetings])
    return integer_answer(prompt, data, rooms_needed(meetings))


def count_inversions(values: list[int]) -> int:
    """Merge sort, counting the pairs each merge puts back in order."""

    def sort(xs: list[int]) -> tuple[list[int], int]:
        if len(xs) <= 1:
            return xs, 0
        mid = len(xs) // 2
        left, a = sort(xs[:mid])
        right, b = sort(xs[mid:])
        merged: list[int] = []
        count = a + b
        i = j = 0
        while i < len(left) and j < len(right):
            if right[j] < left[i]:
                merged.append(right[j])
                count += len(left) - i
                j += 1
            else:
                merged.append(left[i])
                i += 1
        merged.extend(left[i:])
        merged.extend(right[j:])
        return merged, count

    return sort(values)[1]


def make_inversions(rng: Rng) -> Instance:
    n = rng.randint(2500, 4500)
    top = rng.randint(1000, 1_000_000)
    values = [rng.randint(1, top) for _ in range(n)]
    prompt = (
        f"Your input is a list of {n} integers, one per line. An inversion is a pair of "
        "positions i < j where the number at i is larger than the number at j (equal numbers "
        "are not an inversion). How many inversions does the list have? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines([str(v) for v in values]), count_inversions(values))


def max_subarray(values: list[int]) -> int:
    """Kadane: the best sum of a non-empty run ending here, carried along."""
    best = here = values[0]
    for v in values[1:]:
        here = max(v, here + v)
        best = max(best, here)
    return best


def make_max_subarray(rng: Rng) -> Instance:
    n = rng.randint(2000, 4000)
    bias = rng.randint(-150, 10)
    values = [max(-999, min(999, rng.randint(-999, 999) + bias)) for _ in range(n)]
    prompt = (
        f"Your input is a list of {n} integers, one per line, some of them negative. What is "
        "the largest sum of a contiguous, non-empty run of them (one or more numbers that "
        "stand next to each other in the list)? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines([str(v) for v in values]), max_subarray(values))


def median_sum(values: list[int]) -> int:
    """Two heaps: `low` (negated, a max-heap) keeps the lower half and the lower median."""
    low: list[int] = []
    high: list[int] = []
    total = 0
    for v in values:
        if low and v > -low[0]:
            heapq.heappush(high, v)
        else:
            heapq.heappush(low, -v)
        if len(low) > len(high) + 1:
            heapq.heappush(high, -heapq.heappop(low))
        elif len(high) > len(low):
            heapq.heappush(low, -heapq.heappop(high))
        total += -low[0]
    return total


def make_median(rng: Rng) -> Instance:
    n = rng.randint(1500, 2500)
    values = [rng.randint(1, 1_000_000) for _ in range(n)]
    prompt = (
        f"Your input is a stream of {n} integers, one per line, arriving in order. After each "
        "arrival, take the median of all the numbers that have arrived so far; when there is "
        "an even count of them, use the lower of the two middle numbers (after 10, 40, 20, 30 "
        "the median is 20). What is the sum of these medians over all arrivals? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines([str(v) for v in values]), median_sum(values))


GENERATORS: tuple[Generator, ...] = (
    Generator(
        id="puzzle-lis-length",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Longest rising run, picked in order",
        explanation=(
            "Keep tails[i], the smallest possible last number of a strictly increasing "
            "subsequence of length i+1; the list stays sorted. For each number, binary-search "
            "the first tail >= it and replace it (or append): O(n log n). The answer is the "
            "final length of tails. A plain O(n^2) DP over 'longest run ending here' works too."
        ),
        reference=f"{CLRS}, ch. 15 (Dynamic Programming)",
        make=make_lis,
    ),
    Generator(
        id="puzzle-interval-coverage",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Covered length of many intervals",
        explanation=(
            "Sort the intervals by start and sweep once: extend the current merged interval "
            "while the next one starts before it ends, otherwise add its length and start a new "
            "one. Summing every interval's length double-counts the overlaps."
        ),
        reference=None,
        make=make_intervals,
    ),
    Generator(
        id="puzzle-meeting-rooms",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="How many meeting rooms?",
        explanation=(
            "The rooms needed equal the most meetings running at the same moment. Turn each "
            "meeting into a +1 event at its start and a -1 event at its end, sort them with "
            "ends before starts at equal times, and track the running maximum. A min-heap of "
            "end times (interval partitioning) gives the same number."
        ),
        reference=f"{KT}, section 4.1 (Interval Scheduling; Interval Partitioning)",
        make=make_rooms,
    ),
    Generator(
        id="puzzle-count-inversions",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Count the inversions",
        explanation=(
            "Merge sort counts them in O(n log n): when the merge takes an element from the "
            "right half, it jumps over every element still waiting in the left half, and each "
            "of those is an inversion. A Fenwick tree over the values works too; the O(n^2) "
            "double loop is fine at this size."
        ),
        reference=f"{KT}, section 5.3 (Counting Inversions)",
        make=make_inversions,
    ),
    Generator(
        id="puzzle-max-subarray",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=1,
        title="Best contiguous run",
        explanation=(
            "Kadane's algorithm: carry the best sum of a run ending at the current number, "
            "here = max(x, here + x), and keep the largest value it takes. Equivalently, the "
            "largest difference between a prefix sum and an earlier (smaller) prefix sum."
        ),
        reference=f"{CLRS}, section 4.1 (The maximum-subarray problem)",
        make=make_max_subarray,
    ),
    Generator(
        id="puzzle-stream-median",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Running median of a stream",
        explanation=(
            "Keep the lower half of the numbers in a max-heap and the upper half in a min-heap, "
            "rebalancing so the lower half has the same size or one more; its top is the lower "
            "median after every arrival, in O(log n) each. Inserting into a sorted list with "
            "bisect also works at this size."
        ),
        reference="Python documentation, heapq - Heap queue algorithm",
        make=make_median,
    ),
)
