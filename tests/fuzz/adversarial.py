"""Throw N adversarial lines at the real console and count what went wrong.

    .venv/bin/python -m tests.fuzz.adversarial --lines 10000 --seed 1

Members and a moderator (switching with `:as`) run every /study and /studymod command the
registry holds, with hostile arguments: any Unicode, lone surrogates (written as their bytes,
so invalid UTF-8), control and bidi characters, NUL, huge values, quotes of every kind,
key=value pairs, numbers past their bounds, impossible dates and times, odd time zones, broken
URLs; plus console controls and raw invalid UTF-8 lines. The lines go through
`studybot console --json --start 2026-03-02T14:00:00Z` on one SQLite file, in chunks of
`--chunk` lines per process (the console saves the clock and the acting member, so each chunk
carries on where the last stopped). It prints: lines sent, JSON replies received, crashes
(non-zero exits), tracebacks in stdout and stderr, "Something went wrong" replies, and whether
every command or control line got exactly one reply. It exits 1 when any of those is wrong.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from commands import build_registry
from commands.spec import CommandSpec, Kind, Param
from tests.fuzz.common import ATOMS, BAD_ZONES
from tests.fuzz.console_run import START, answered_lines, run_console

MEMBERS = ("alice", "bob", "chen")
MODERATOR = "admin"
OOPS_TEXT = "Something went wrong"
ZONES = (
    *BAD_ZONES,
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "UTC",
)
DATES = ("0000-00-00", "9999-12-31", "0001-01-01", "2026-02-29", "2026-03-01", "2026-03-05")
TIMES = ("24:00", "23:60", "00:00", "23:59", "-1:00", "9:05", "off", "21:00", "12:00:00")
URLS = (
    *(a for a in ATOMS if "://" in a),
    "https://www.kaggle.com/code/alice/titanic-baseline",
    "https://www.kaggle.com/competitions/titanic/leaderboard",
    "https://www.kaggle.com/code/" + "a" * 300 + "/b",
    "https://[::1]/code/a/b",
    "https://www.kaggle.com/code/a/%ZZ",
    "https://www.kaggle.com/code/\ud800/b",
)
ANSWERS = ("A", "B", "C", "E", "F", "0.25", "1/4", "25%", "0,25", "1,234", "overfitting", "")
TRACKS = (
    "cs-fundamentals",
    "probability-statistics",
    "data-modeling-evaluation",
    "ml-algorithms-libraries",
    "software-engineering-systems",
    "math-foundations",
    "astrology",
)
CHALLENGES = ("two-heads", "lifo-structure", "binomial-two-of-four", "git-undo-commit", "nope")
INVALID_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf")


def one_line(text: str) -> str:
    """A value kept on its line: the console reads one command per `\\n`."""
    return text.replace("\n", " ")


@dataclass
class Generator:
    rng: random.Random
    specs: list[CommandSpec] = field(default_factory=list)

    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        return items[self.rng.randrange(len(items))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def unicode(self, n: int) -> str:
        out = []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.5:
                out.append(chr(self.rng.randrange(0x20, 0x7F)))
            elif r < 0.6:
                out.append(chr(self.rng.randrange(0xD800, 0xE000)))  # a lone surrogate
            elif r < 0.7:
                out.append(chr(self.rng.randrange(0, 0x20)))
            else:
                out.append(chr(self.rng.randrange(0x80, 0x110000)))
        return "".join(out)

    def huge(self) -> str:
        unit = self.pick(["x", "é", "\ud800", "\u202e", '"', "=", "9", "a b", "🙂", "\x00"])
        return unit * self.rng.choice([201, 2001, 4001, 10_000, 50_000])

    def nasty(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.pick(ATOMS)
        if r < 0.65:
            return "".join(self.pick(ATOMS) for _ in range(self.rng.randint(2, 4)))
        if r < 0.8:
            return self.unicode(self.rng.randint(1, 30))
        if r < 0.9:
            q = self.pick(['"', "'", "“", "”", "„", "‘", "’"])
            return f"{q}{self.pick(ATOMS)} {self.pick(ATOMS)}{self.pick([q, ''])}"
        if r < 0.97:
            return str(self.rng.choice([-1, 0, 601, 10**9, 10**12, -(10**10), 2**63]))
        return self.huge()

    def number(self, param: Param) -> str:
        edges = [0, -1, 10**9, 10**10]
        for bound in (param.minimum, param.maximum):
            if bound is not None:
                edges += [bound - 1, bound, bound + 1]
        return str(self.rng.choice([*edges, self.rng.randint(1, 60)]))

    def value(self, param: Param) -> str:
        if self.chance(0.3):
            return self.nasty()
        kind = param.kind
        if kind is Kind.INT:
            return self.number(param)
        if kind is Kind.TIMEZONE:
            return self.pick(ZONES)
        if kind is Kind.DATE:
            return self.pick(DATES)
        if kind is Kind.HHMM:
            return self.pick(TIMES)
        if kind is Kind.CHOICE:
            return self.pick(param.choices)
        if kind is Kind.USER:
            return self.pick(["@alice", "bob", "Chen", "@admin", "nobody", "@"])
        if kind is Kind.CHANNEL:
            return self.pick(["#study", "#general", "#s\u202etudy", "<#1>"])
        if kind is Kind.PAIRS:
            pairs = []
            for _ in range(self.rng.randint(0, 7)):
                key = self.pick([*param.keys, "bogus"])
                val = self.nasty() if self.chance(0.5) else self.pick(ANSWERS + TRACKS)
                pairs.append(f'{key}="{val}"' if self.chance(0.5) else f"{key}={val}")
            return " ".join(pairs)
        if param.name == "url":
            return self.pick(URLS)
        if param.name in ("task", "challenge_id", "which"):
            return self.pick(CHALLENGES + TRACKS)
        if param.name == "answer":
            return self.pick(ANSWERS)
        if param.name == "score":
            return self.pick(["0.78", "1.5", "-1", "nan", "inf", "1e309", "0,8", "80%"])
        if param.name == "weekday":
            return self.pick(["monday", "Sun", "funday", "0", "7"])
        return self.nasty()

    def command(self) -> str:
        spec = self.specs[self.rng.randrange(len(self.specs))]
        parts = []
        for param in spec.params:
            if not param.positional or (not param.required and self.chance(0.3)):
                continue
            parts.append(self.value(param))
        if self.chance(0.1):
            parts.append(self.nasty())
        return one_line(" ".join(["/" + " ".join(spec.path), *parts]))

    def control(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            n = self.pick(["1h", "3h", "90m", "1d", "30s", "0d", "367d", "999999999d", "x"])
            return f":advance {n}"
        if r < 0.45:
            return ":now"
        if r < 0.7:
            return one_line(f":click {self.pick(['A', 'B', 'Answer', 'Show my input', 'x'])}")
        if r < 0.9:
            key = self.pick(["answer", "title", "prompt", "explanation", "details", "bogus"])
            return one_line(f':form {key}="{self.nasty()}"')
        return one_line(f":{self.nasty()}")

    def switch(self) -> str:
        if self.chance(0.9):
            return f":as {self.pick([*MEMBERS, MODERATOR])}"
        return one_line(f":as {self.nasty()}")

    def line(self) -> bytes:
        r = self.rng.random()
        if r < 0.08:
            text = self.switch()
        elif r < 0.13:
            text = self.control()
        elif r < 0.15:
            text = self.pick(["", "   ", "# a comment", "#:as admin", "\t"])
        else:
            text = self.command()
        data = text.encode("utf-8", errors="surrogatepass")  # lone surrogates: invalid UTF-8
        if self.chance(0.03):
            cut = self.rng.randrange(len(data) + 1)
            data = data[:cut] + INVALID_UTF8[self.rng.randrange(len(INVALID_UTF8))] + data[cut:]
        return data


def prologue() -> list[bytes]:
    """Everyone joins and a round opens, so the hostile lines reach real handlers."""
    lines = [":as admin", "/study join UTC", "/studymod config channel #study"]
    for m in MEMBERS:
        lines += [f":as {m}", f"/study join {ZONES[9 + MEMBERS.index(m)]}"]
    lines += [":as admin", "/studymod challenge post-now"]
    return [ln.encode() for ln in lines]


@dataclass
class Totals:
    sent: int = 0
    answered_lines: int = 0
    records: int = 0
    replies: int = 0
    answers: int = 0
    crashes: int = 0
    hangs: int = 0
    tracebacks: int = 0
    oops: int = 0
    bad_json: int = 0
    mismatched_chunks: list[int] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    first_problems: list[str] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=1000, help="lines per console process")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per process")
    parser.add_argument("--budget", type=float, default=1500, help="seconds in all")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: a temp)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    gen = Generator(rng, list(build_registry().specs.values()))
    lines = [gen.line() for _ in range(args.lines)]
    tmp = tempfile.TemporaryDirectory(prefix="studybot-adversarial-")
    db = args.db or Path(tmp.name) / "adversarial.db"
    totals = Totals()
    began = time.monotonic()
    chunks = [lines[i : i + args.chunk] for i in range(0, len(lines), args.chunk)]
    for n, chunk in enumerate(chunks):
        if time.monotonic() - began > args.budget:
            print(f"budget of {args.budget:.0f} s spent: stopped before chunk {n + 1}")
            break
        body = (prologue() if n == 0 else []) + chunk
        stdin = b"\n".join(body) + b"\n"
        run = run_console(stdin, ["--start", START], db=db, timeout=args.timeout)
        totals.sent += len(chunk)
        want = answered_lines(stdin)
        totals.answered_lines += want
        totals.records += len(run.records)
        totals.kinds.update(str(r.get("kind")) for r in run.records)
        totals.replies += sum(1 for r in run.records if r.get("kind") == "reply")
        totals.answers += run.answers
        totals.tracebacks += run.tracebacks
        totals.bad_json += len(run.bad_lines)
        oops = [
            r for r in run.records if r.get("kind") == "reply" and OOPS_TEXT in str(r.get("text"))
        ]
        totals.oops += len(oops)
        if run.code is None:
            totals.hangs += 1
        elif run.code != 0:
            totals.crashes += 1
        if run.answers != want:
            totals.mismatched_chunks.append(n + 1)
        problem = None
        if run.code != 0 or run.tracebacks:
            tail = (run.stderr or run.stdout)[-800:]
            problem = f"chunk {n + 1}: exit {run.code}, {run.tracebacks} tracebacks: …{tail}"
        elif oops:
            problem = f"chunk {n + 1}: {len(oops)} 'Something went wrong' replies"
        if problem and len(totals.first_problems) < 5:
            totals.first_problems.append(problem)
        print(
            f"chunk {n + 1}/{len(chunks)}: exit {run.code}, {len(run.records)} records, "
            f"{run.answers} answers to {want} lines, {run.tracebacks} tracebacks, "
            f"{len(oops)} oops ({time.monotonic() - began:.0f} s)",
            flush=True,
        )

    one_each = not totals.mismatched_chunks and totals.answers == totals.answered_lines
    print()
    print(f"lines sent:                  {totals.sent} (+{len(prologue())} setup lines)")
    print(f"command/control lines:       {totals.answered_lines} (blank and comments out)")
    print(f"JSON records received:       {totals.records} {dict(totals.kinds)}")
    print(
        f"JSON replies received:       {totals.replies} (answers incl. clock/console: {totals.answers})"
    )
    print(f"not-JSON stdout lines:       {totals.bad_json}")
    print(f"crashes (non-zero exit):     {totals.crashes}")
    print(f"hangs (timed out):           {totals.hangs}")
    print(f"'Traceback' occurrences:     {totals.tracebacks}")
    print(f"'Something went wrong':      {totals.oops}")
    mism = f" (mismatched chunks: {totals.mismatched_chunks})" if not one_each else ""
    print(f"exactly one reply per line:  {'yes' if one_each else 'no'}{mism}")
    for p in totals.first_problems:
        print(f"\n{p}")
    tmp.cleanup()
    bad = totals.crashes or totals.hangs or totals.tracebacks or totals.oops or totals.bad_json
    return 1 if bad or not one_each else 0


if __name__ == "__main__":
    sys.exit(main())
