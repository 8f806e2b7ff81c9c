"""Puzzle generators: a personal input per member, solved with the member's own code.

Inputs are built from the Rng with integer arithmetic only. Never iterate over a set or a
dict keyed by strings to build output: string hashing differs between runs.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import deque
from fractions import Fraction
from itertools import pairwise
from string import ascii_lowercase, ascii_uppercase

from bot.catalog.generators.base import (
    Generator,
    Instance,
    decimal_answer,
    integer_answer,
    word_answer,
)
from bot.catalog.generators.rng import Rng

SUBMIT_INT = "Submit one integer."
MOD = 1_000_000_007
CLRS = "Cormen, Leiserson, Rivest & Stein, Introduction to Algorithms (3rd ed.)"
KT = "Kleinberg & Tardos, Algorithm Design"


def distinct_ints(rng: Rng, k: int, lo: int, hi: int) -> list[int]:
    """k distinct integers from [lo, hi], in the order drawn (for k much smaller than the range)."""
    seen: set[int] = set()
    out: list[int] = []
    while len(out) < k:
        x = rng.randint(lo, hi)
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def lines(rows: list[str]) -> str:
    return "\n".join(rows)


# --- longest increasing subsequence -------------------------------------------------------


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


# --- shortest path in a maze (BFS) --------------------------------------------------------


def grid_bfs(grid: list[str], start: tuple[int, int], goal: tuple[int, int]) -> int | None:
    """Fewest 4-neighbour steps from start to goal over non-wall cells, or None."""
    h, w = len(grid), len(grid[0])
    dist = {start: 0}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if (r, c) == goal:
            return dist[(r, c)]
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < h and 0 <= nc < w and grid[nr][nc] != "#" and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                queue.append((nr, nc))
    return None


def make_maze(rng: Rng) -> Instance:
    while True:
        h, w = rng.randint(30, 60), rng.randint(50, 100)
        wall = rng.randint(20, 34)
        cells = [["#" if rng.chance(wall) else "." for _ in range(w)] for _ in range(h)]
        start = (rng.below(h), rng.below(w))
        goal = (rng.below(h), rng.below(w))
        if abs(start[0] - goal[0]) + abs(start[1] - goal[1]) < (h + w) // 3:
            continue
        cells[start[0]][start[1]] = "S"
        cells[goal[0]][goal[1]] = "E"
        grid = ["".join(row) for row in cells]
        steps = grid_bfs(grid, start, goal)
        if steps is not None:
            break
    prompt = (
        f"Your input is a maze map of {h} rows and {w} columns: `#` is a wall, `.` is open "
        "floor, `S` is where you start and `E` is the exit. Each step moves one cell up, down, "
        "left or right (never diagonally, never into a wall or off the map). What is the "
        "smallest number of steps from S to E? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines(grid), steps)


# --- union of intervals -------------------------------------------------------------------


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


# --- meeting rooms (maximum overlap) ------------------------------------------------------


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


# --- islands (connected components) -------------------------------------------------------


def count_islands(grid: list[str]) -> int:
    """Flood fill each unvisited land cell; 4-neighbour connectivity."""
    h, w = len(grid), len(grid[0])
    seen = [[False] * w for _ in range(h)]
    islands = 0
    for r0 in range(h):
        for c0 in range(w):
            if grid[r0][c0] != "#" or seen[r0][c0]:
                continue
            islands += 1
            seen[r0][c0] = True
            stack = [(r0, c0)]
            while stack:
                r, c = stack.pop()
                for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                    if 0 <= nr < h and 0 <= nc < w and grid[nr][nc] == "#" and not seen[nr][nc]:
                        seen[nr][nc] = True
                        stack.append((nr, nc))
    return islands


def make_islands(rng: Rng) -> Instance:
    h, w = rng.randint(40, 60), rng.randint(60, 100)
    land = rng.randint(25, 55)
    grid = ["".join("#" if rng.chance(land) else "." for _ in range(w)) for _ in range(h)]
    prompt = (
        f"Your input is a map of {h} rows and {w} columns: `#` is land and `.` is water. Land "
        "cells that touch up, down, left or right belong to the same island (touching only "
        "diagonally does not connect them). How many islands are there? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines(grid), count_islands(grid))


# --- topological order --------------------------------------------------------------------


def smallest_topological_order(rules: list[tuple[str, str]]) -> str:
    """Kahn's algorithm with a min-heap: always the alphabetically first ready step."""
    indegree = dict.fromkeys(ascii_uppercase, 0)
    after: dict[str, list[str]] = {ch: [] for ch in ascii_uppercase}
    for before, later in rules:
        after[before].append(later)
        indegree[later] += 1
    ready = [ch for ch in ascii_uppercase if indegree[ch] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        ch = heapq.heappop(ready)
        order.append(ch)
        for nxt in after[ch]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(ready, nxt)
    if len(order) != len(ascii_uppercase):
        raise ValueError("the rules have a cycle")
    return "".join(order)


def make_topo(rng: Rng) -> Instance:
    hidden = list(ascii_uppercase)
    rng.shuffle(hidden)
    wanted = rng.randint(30, 65)
    rules: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    while len(rules) < wanted:
        i, j = rng.below(26), rng.below(26)
        if i < j and (i, j) not in seen:
            seen.add((i, j))
            rules.append((hidden[i], hidden[j]))
    prompt = (
        "A pipeline has 26 steps named A to Z. Your input lists ordering rules, one per line: "
        "`X -> Y` means step X must be finished before step Y can start (a step that no rule "
        "mentions has no prerequisites). Steps are done one at a time; whenever several steps "
        "are ready, the one earliest in the alphabet goes first. In what order are the steps "
        "done? Submit all 26 letters as one word, with no spaces or commas (like `QWERTY…`)."
    )
    data = lines([f"{a} -> {b}" for a, b in rules])
    return word_answer(prompt, data, smallest_topological_order(rules))


# --- Dijkstra -----------------------------------------------------------------------------


def dijkstra(n: int, edges: list[tuple[int, int, int]], source: int, target: int) -> int:
    """Shortest distance with a binary heap; raises when the target is unreachable."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for u, v, w in edges:
        out[u].append((v, w))
    dist = [math.inf] * n
    dist[source] = 0
    heap = [(0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == target:
            return d
        if d > dist[u]:
            continue
        for v, w in out[u]:
            if d + w < dist[v]:
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    raise ValueError("target unreachable")


def make_dijkstra(rng: Rng) -> Instance:
    n = rng.randint(120, 250)
    m = rng.randint(3 * n, 5 * n)
    edges: list[tuple[int, int, int]] = []
    seen: set[tuple[int, int]] = set()
    route = [0, *rng.sample(range(1, n - 1), rng.randint(5, 20)), n - 1]
    for u, v in pairwise(route):
        seen.add((u, v))
        edges.append((u, v, rng.randint(40, 100)))
    while len(edges) < m:
        u, v = rng.below(n), rng.below(n)
        if u != v and (u, v) not in seen:
            seen.add((u, v))
            edges.append((u, v, rng.randint(1, 100)))
    rng.shuffle(edges)
    prompt = (
        f"Your input is a network of one-way roads between junctions numbered 0 to {n - 1}, "
        "one road per line as `u v w`: a road from junction u to junction v of length w. "
        f"What is the length of the shortest route from junction 0 to junction {n - 1}? "
        + SUBMIT_INT
    )
    data = lines([f"{u} {v} {w}" for u, v, w in edges])
    return integer_answer(prompt, data, dijkstra(n, edges, 0, n - 1))


# --- 0/1 knapsack -------------------------------------------------------------------------


def knapsack(items: list[tuple[int, int]], capacity: int) -> int:
    """best[c] = the best value within weight c; each item is offered once (0/1)."""
    best = [0] * (capacity + 1)
    for w, v in items:
        if w > capacity:
            continue
        taken = [x + v for x in best[: capacity + 1 - w]]
        best = best[:w] + list(map(max, best[w:], taken))
    return best[capacity]


def make_knapsack(rng: Rng) -> Instance:
    n = rng.randint(40, 60)
    items = [(rng.randint(5, 150), rng.randint(5, 400)) for _ in range(n)]
    capacity = sum(w for w, _ in items) * rng.randint(25, 50) // 100
    prompt = (
        f"A backpack holds a total weight of at most {capacity}. Your input lists {n} items, "
        "one per line as `weight value`. Each item can be packed at most once (or left out). "
        "What is the largest total value you can pack? " + SUBMIT_INT
    )
    data = lines([f"{w} {v}" for w, v in items])
    return integer_answer(prompt, data, knapsack(items, capacity))


# --- edit distance and LCS ----------------------------------------------------------------


def mutate(rng: Rng, text: str, rate: int, alphabet: str) -> str:
    """Copy `text`, substituting, deleting or inserting a letter at about `rate` % of spots."""
    out = []
    for ch in text:
        if not rng.chance(rate):
            out.append(ch)
            continue
        op = rng.below(3)
        if op == 0:
            out.append(rng.choice(alphabet.replace(ch, "")))
        elif op == 2:
            out.extend((rng.choice(alphabet), ch))
    return "".join(out)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows of the classic table."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def make_edit_distance(rng: Rng) -> Instance:
    a = "".join(rng.choice("ACGT") for _ in range(rng.randint(200, 300)))
    b = mutate(rng, a, rng.randint(3, 60), "ACGT")
    prompt = (
        "Your input is two DNA strings, one per line. Their edit (Levenshtein) distance is the "
        "smallest number of single-letter insertions, deletions and substitutions that turn "
        "the first string into the second. What is it? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines([a, b]), edit_distance(a, b))


def lcs_length(a: str, b: str) -> int:
    """Bit-parallel LCS (Allison-Dix / Hyyro): the zero bits of v count the LCS length."""
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for ch in b:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def make_lcs(rng: Rng) -> Instance:
    a = "".join(rng.choice(ascii_lowercase) for _ in range(rng.randint(250, 350)))
    b = mutate(rng, a, rng.randint(30, 95), ascii_lowercase)
    prompt = (
        "Your input is two strings of lowercase letters, one per line. A common subsequence "
        "is a string you can get from both by deleting letters (keeping the order of the rest). "
        "How long is their longest common subsequence? " + SUBMIT_INT
    )
    return integer_answer(prompt, lines([a, b]), lcs_length(a, b))


# --- inversions ---------------------------------------------------------------------------


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


# --- coin change --------------------------------------------------------------------------


def change_ways(coins: list[int], target: int, modulus: int) -> int:
    """Ways to pay `target` with unlimited coins, order ignored (coins in the outer loop)."""
    ways = [1] + [0] * target
    for c in coins:
        for amount in range(c, target + 1):
            ways[amount] = (ways[amount] + ways[amount - c]) % modulus
    return ways[target]


def make_coins(rng: Rng) -> Instance:
    while True:
        coins = sorted(distinct_ints(rng, rng.randint(4, 7), 1, 120))
        target = rng.randint(3000, 20000)
        if math.gcd(*coins) == 1:
            ways = change_ways(coins, target, MOD)
            if ways:
                break
    prompt = (
        f"A vending machine takes coins worth {', '.join(map(str, coins))} cents, and you have "
        f"as many of each as you like. In how many different ways can you pay exactly {target} "
        "cents? The order of the coins does not matter (2+5 and 5+2 are the same way). The "
        "count is huge, so submit its remainder modulo 1000000007 (ten to the ninth plus "
        "seven), as one integer."
    )
    return integer_answer(prompt, None, ways)


# --- maximum subarray ---------------------------------------------------------------------


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


# --- cycle entry --------------------------------------------------------------------------


def cycle_entry(pointers: dict[str, str], start: str) -> str:
    """Floyd's tortoise and hare: meet inside the loop, then walk from start and meeting point."""
    slow, fast = pointers[start], pointers[pointers[start]]
    while slow != fast:
        slow, fast = pointers[slow], pointers[pointers[fast]]
    slow = start
    while slow != fast:
        slow, fast = pointers[slow], pointers[fast]
    return slow


def make_cycle(rng: Rng) -> Instance:
    tail, loop, extra = rng.randint(50, 1200), rng.randint(30, 1200), rng.randint(100, 800)
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < tail + loop + extra:
        name = "".join(rng.choice(ascii_lowercase) for _ in range(4))
        if name not in seen:
            seen.add(name)
            names.append(name)
    path, ring, others = names[:tail], names[tail : tail + loop], names[tail + loop :]
    pairs = list(zip(path, [*path[1:], ring[0]], strict=True))
    pairs += list(zip(ring, [*ring[1:], ring[0]], strict=True))
    for i, name in enumerate(others):
        pairs.append((name, rng.choice(names[: tail + loop + i])))
    rng.shuffle(pairs)
    pointers = dict(pairs)
    start = path[0]
    prompt = (
        f"Your input lists {len(pairs)} nodes with 4-letter names, one per line as "
        "`abcd -> efgh`: the pointer of node abcd leads to node efgh. Every node has exactly "
        f"one pointer. Start at node `{start}` and keep following pointers; sooner or later "
        "you go round a loop forever. Which node is the first one you reach for the second "
        "time? Submit its 4-letter name."
    )
    data = lines([f"{a} -> {b}" for a, b in pairs])
    return word_answer(prompt, data, cycle_entry(pointers, start))


# --- median of a stream -------------------------------------------------------------------


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


# --- k-means ------------------------------------------------------------------------------

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


# --- macro F1 from labels -----------------------------------------------------------------

ANIMALS = ("cat", "dog", "bird", "fish", "frog")


def f1_scores(pairs: list[tuple[str, str]], classes: list[str]) -> dict[str, dict[str, Fraction]]:
    """Exact per-class precision, recall, F1 and support."""
    out = {}
    for c in classes:
        tp = sum(1 for t, p in pairs if t == c and p == c)
        fp = sum(1 for t, p in pairs if t != c and p == c)
        fn = sum(1 for t, p in pairs if t == c and p != c)
        out[c] = {
            "precision": Fraction(tp, tp + fp),
            "recall": Fraction(tp, tp + fn),
            "f1": Fraction(2 * tp, 2 * tp + fp + fn),
            "support": Fraction(tp + fn),
        }
    return out


def make_macro_f1(rng: Rng) -> Instance:
    while True:
        classes = rng.sample(ANIMALS, rng.randint(3, 5))
        weights = [rng.randint(1, 10) for _ in classes]
        recall = [rng.randint(40, 95) for _ in classes]
        m = rng.randint(800, 2000)
        pairs = []
        for _ in range(m):
            r = rng.below(sum(weights))
            i = 0
            while r >= weights[i]:
                r -= weights[i]
                i += 1
            truth = classes[i]
            guess = (
                truth if rng.chance(recall[i]) else rng.choice([c for c in classes if c != truth])
            )
            pairs.append((truth, guess))
        if any(
            not any(p == c for _, p in pairs) or not any(t == c for t, _ in pairs) for c in classes
        ):
            continue
        scores = f1_scores(pairs, classes)
        zero = Fraction(0)
        macro = sum((s["f1"] for s in scores.values()), zero) / len(classes)
        mistakes = [
            Fraction(sum(1 for t, p in pairs if t == p), m),  # accuracy (micro F1)
            sum((s["f1"] * s["support"] for s in scores.values()), zero) / m,  # weighted F1
            sum((s["precision"] for s in scores.values()), zero) / len(classes),
            sum((s["recall"] for s in scores.values()), zero) / len(classes),
        ]
        if all(abs(macro - x) > Fraction(5, 10_000) for x in mistakes):
            break
    prompt = (
        f"Your input is {m} test examples of a {len(classes)}-class classifier, one per line as "
        "`true_label predicted_label`. Compute the macro-averaged F1 score: for each class, "
        "its F1 score (the harmonic mean of precision and recall, treating that class as "
        "positive and all others as negative), then the plain average over the classes. "
        "Give a decimal rounded to 4 places, between 0 and 1 (e.g. 0.7312)."
    )
    data = lines([f"{t} {p}" for t, p in pairs])
    return decimal_answer(prompt, data, float(macro), 4)


PUZZLES: tuple[Generator, ...] = (
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
        id="puzzle-maze-shortest-path",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Shortest way out of the maze",
        explanation=(
            "Every step costs the same, so breadth-first search from S finds the shortest "
            "path: visit cells in order of distance, marking each when first reached, and stop "
            "at E. Depth-first search finds a path but not the shortest one."
        ),
        reference=f"{CLRS}, section 22.2 (Breadth-first search)",
        make=make_maze,
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
        id="puzzle-count-islands",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=1,
        title="Count the islands",
        explanation=(
            "Scan the map; at each land cell not yet visited, count a new island and flood-fill "
            "it (BFS, DFS with an explicit stack, or union-find) through its up/down/left/right "
            "neighbours. Connecting diagonal neighbours too gives a smaller, wrong count."
        ),
        reference=f"{CLRS}, section 21.1 (Disjoint-set operations: connected components)",
        make=make_islands,
    ),
    Generator(
        id="puzzle-topological-order",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Pipeline steps in order",
        explanation=(
            "Kahn's algorithm: count each step's unfinished prerequisites, keep the steps with "
            "none in a min-heap, and repeatedly take the alphabetically first one, releasing "
            "the steps that were waiting on it. A DFS-based topological sort gives a valid "
            "order but not necessarily this one."
        ),
        reference=f"{CLRS}, section 22.4 (Topological sort)",
        make=make_topo,
    ),
    Generator(
        id="puzzle-dijkstra-route",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Shortest route on one-way roads",
        explanation=(
            "Road lengths differ, so use Dijkstra's algorithm: pop the closest unsettled "
            "junction from a priority queue and relax its outgoing roads. BFS counts roads, "
            "not length, and ignoring the direction of the roads finds routes that do not exist."
        ),
        reference=f"{CLRS}, section 24.3 (Dijkstra's algorithm)",
        make=make_dijkstra,
    ),
    Generator(
        id="puzzle-knapsack-01",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=3,
        title="Pack the backpack (0/1 knapsack)",
        explanation=(
            "Dynamic programming over capacity: best[c] is the best value within weight c. "
            "For each item, update best[c] = max(best[c], best[c - w] + v) for c from the "
            "capacity down to w, so the item is used at most once. Greedy by value per weight "
            "is not optimal."
        ),
        reference=f"{KT}, section 6.4 (Subset Sums and Knapsacks)",
        make=make_knapsack,
    ),
    Generator(
        id="puzzle-edit-distance",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Edit distance between two DNA strings",
        explanation=(
            "Fill the table D[i][j] = the distance between the first i letters of one string and "
            "the first j of the other: D[i][j] = min(D[i-1][j] + 1, D[i][j-1] + 1, "
            "D[i-1][j-1] + (0 if the letters match else 1)), with D[i][0] = i and D[0][j] = j. "
            "The answer is the bottom-right cell, and two rows of the table are enough."
        ),
        reference=f"{KT}, section 6.6 (Sequence Alignment)",
        make=make_edit_distance,
    ),
    Generator(
        id="puzzle-lcs-length",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Longest common subsequence",
        explanation=(
            "Dynamic programming: L[i][j] = L[i-1][j-1] + 1 when the i-th and j-th letters "
            "match, else max(L[i-1][j], L[i][j-1]); the answer is the bottom-right cell. Two "
            "rows of the table are enough."
        ),
        reference=f"{CLRS}, section 15.4 (Longest common subsequence)",
        make=make_lcs,
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
        id="puzzle-coin-change-ways",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Ways to make change",
        explanation=(
            "ways[0] = 1; for each coin c in turn, for amounts a from c upwards, add ways[a - c] "
            "to ways[a] (mod 1000000007). Looping over coins outside and amounts inside counts "
            "each combination once; swapping the loops counts orderings instead."
        ),
        reference="Graham, Knuth & Patashnik, Concrete Mathematics, section 7.1",
        make=make_coins,
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
        id="puzzle-cycle-entry",
        kind="puzzle",
        track="cs-fundamentals",
        difficulty=2,
        title="Where does the loop start?",
        explanation=(
            "Walk from the start and remember every node you have visited; the first node you "
            "see again is the loop's entry. Floyd's tortoise and hare finds it in O(1) memory: "
            "after the two pointers meet inside the loop, restart one at the start and move "
            "both one step at a time; they meet at the entry."
        ),
        reference="Knuth, The Art of Computer Programming, vol. 2, section 3.1, exercises 6-7",
        make=make_cycle,
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
    Generator(
        id="puzzle-macro-f1",
        kind="puzzle",
        track="data-modeling-evaluation",
        difficulty=2,
        title="Macro F1 from a prediction log",
        explanation=(
            "For each class count true positives, false positives and false negatives; its F1 "
            "is 2TP / (2TP + FP + FN). Macro F1 averages these with equal weight per class, so "
            "small classes count as much as large ones. Accuracy (micro F1) and the "
            "support-weighted average are different numbers."
        ),
        reference="scikit-learn User Guide, Metrics and scoring: Precision, recall and F-measures",
        make=make_macro_f1,
    ),
)
