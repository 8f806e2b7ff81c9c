"""`python -m benchmarks [--quick] [--only a|b|c] [--explain]`: run, then print the summary."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter

import sqlalchemy

from benchmarks.common import Figure, print_summary
from benchmarks.discord import bench_discord
from benchmarks.leaderboard import bench_leaderboard
from benchmarks.pictures import bench_pictures
from benchmarks.scheduler import bench_scheduler
from benchmarks.slack import bench_slack
from benchmarks.submissions import bench_submissions


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes for one mode."""

    name: str
    submit_members: int
    submit_warmup: int
    scales: tuple[tuple[int, int], ...]
    repeats: int
    naive_repeats: int
    tick_workspaces: int = 10_000
    tick_members: int = 100_000
    tick_repeats: int = 3
    discord_interactions: int = 500
    slack_requests: int = 500
    picture_repeats: int = 100


FULL = Plan(
    name="full",
    submit_members=2_000,
    submit_warmup=100,
    scales=((10_000, 100_000), (100_000, 1_000_000)),
    repeats=50,
    naive_repeats=7,
)
QUICK = Plan(
    name="quick",
    submit_members=300,
    submit_warmup=30,
    scales=((10_000, 100_000),),
    repeats=20,
    naive_repeats=3,
    tick_workspaces=2_000,
    tick_members=20_000,
    tick_repeats=1,
    discord_interactions=100,
    slack_requests=100,
    picture_repeats=20,
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="studybot performance harness; prints figures and ratios, never fails.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--only",
        choices=("a", "b", "c", "d", "e", "f"),
        help="run only (a) submissions, (b) leaderboard, (c) scheduler tick and memory, "
        "(d) Discord interaction latency, (e) Slack request round trip or (f) pictures",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN QUERY PLAN of the leaderboard"
    )
    parser.add_argument("--seed", type=int, default=20260202, help="data generator seed")
    return parser.parse_args(argv)


def print_environment(plan: Plan) -> None:
    """What the figures were measured on."""
    print(
        f"studybot benchmarks ({plan.name} mode): Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        flush=True,
    )


async def run(plan: Plan, args: argparse.Namespace) -> list[Figure]:
    """Run the selected benchmarks in order; every figure they produced."""
    figures: list[Figure] = []
    if args.only in (None, "a"):
        figures += await bench_submissions(plan.submit_members, plan.submit_warmup)
    if args.only in (None, "b"):
        figures += await bench_leaderboard(
            plan.scales, plan.repeats, plan.naive_repeats, explain=args.explain, seed=args.seed
        )
    if args.only in (None, "c"):
        figures += await bench_scheduler(plan.tick_workspaces, plan.tick_members, plan.tick_repeats)
    if args.only in (None, "d"):
        figures += await bench_discord(plan.discord_interactions)
    if args.only in (None, "e"):
        figures += await bench_slack(plan.slack_requests)
    if args.only in (None, "f"):
        figures += await bench_pictures(plan.picture_repeats)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; always 0 once the benchmarks ran (timings are informational)."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    plan = QUICK if args.quick else FULL
    print_environment(plan)
    t0 = perf_counter()
    figures = asyncio.run(run(plan, args))
    print_summary(figures, mode=plan.name, elapsed_s=perf_counter() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
