"""Graph and grid puzzles (cs-fundamentals): a personal maze, map or graph per member.

Inputs are built from the Rng with integer arithmetic only. Never iterate over a set or a
dict keyed by strings to build output: string hashing differs between runs.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from itertools import pairwise
from string import ascii_lowercase, ascii_uppercase

from bot.catalog.generators.base import (
    CLRS,
    SUBMIT_INT,
    Generator,
    Instance,
    integer_answer,
    lines,
    word_answer,
)
from bot.catalog.generators.rng import Rng


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


GENERATORS: tuple[Generator, ...] = (
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
)
