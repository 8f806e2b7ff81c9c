"""Dynamic-programming puzzles (cs-fundamentals): personal items, strings and coins per member.

Inputs are built from the Rng with integer arithmetic only.
"""

from __future__ import annotations

import math
from string import ascii_lowercase

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

MOD = 1_000_000_007


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


GENERATORS: tuple[Generator, ...] = (
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
)
