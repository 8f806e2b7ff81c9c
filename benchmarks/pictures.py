"""(f) Pictures: how long each kind takes to draw in a warm worker process (p50/p99, against a
blank figure of the same size drawn in the same worker, the baseline), and the event loop's
longest stall while 20 profile cards are drawn at the same time as 200 `/study today` commands
arriving one every 5 ms (against the same commands with no drawing, and with the drawing in a
thread of the bot's own process instead of worker processes)."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

from benchmarks.blank import blank_png
from benchmarks.common import Figure, banner, percentile, ratio, say, scratch_dir
from bot.pictures.data import (
    ActivityCard,
    BoardCard,
    BoardRow,
    Calendar,
    CalendarDay,
    DayActivity,
    Picture,
    ProfileCard,
    TrackAccuracy,
    TrackBar,
    dump,
)
from bot.pictures.draw import render_png, warm
from bot.pictures.renderer import Renderer
from bot.rules.tracks import TRACK_NAMES
from bot.store.db import Database
from tests.conftest import Harness, make_harness

TODAY = date(2026, 3, 15)


def _calendar(n: int) -> Calendar:
    """A busy member: most of 26 weeks studied, some frozen and repaired days."""
    days = []
    for k in range(182):
        day = TODAY - timedelta(days=k)
        if k % 9 == 4:
            continue
        mark = "frozen" if k % 23 == 7 else "repaired" if k % 31 == 5 else "studied"
        days.append(CalendarDay(day=day, mark=mark, minutes=(k * 7 + n) % 120, answers=k % 5))
    days.sort(key=lambda d: d.day)
    return Calendar(
        name=f"member {n}", timezone="Europe/Berlin", today=TODAY, days=tuple(days),
        current=41 + n, longest=97, freezes=1,
    )  # fmt: skip


def _profile(n: int) -> ProfileCard:
    tracks = tuple(
        TrackBar(track=t, name=name, right=3 * i + n % 3, answered=4 * i + 3, learnt=i, points=90)
        for i, (t, name) in enumerate(TRACK_NAMES.items())
    )
    return ProfileCard(calendar=_calendar(n), tracks=tracks, points=1935 + n, week_points=85)


def _board(n: int) -> BoardCard:
    rows = tuple(
        BoardRow(rank=r, name=f"member {r}", points=2000 - 90 * r + n, streak=r % 8)
        for r in range(1, 11)
    )
    me = BoardRow(rank=14, name="me", points=412, streak=4, me=True)
    return BoardCard(title="This week · ML study", rows=(*rows, me), entrants=37)


def _activity(n: int) -> ActivityCard:
    days = tuple(
        DayActivity(day=TODAY - timedelta(days=55 - k), active=(k * 3 + n) % 17, answers=k % 40)
        for k in range(56)
    )
    tracks = tuple(
        TrackAccuracy(track=t, name=name, right=5 + i, answered=9 + 2 * i)
        for i, (t, name) in enumerate(TRACK_NAMES.items())
    )
    return ActivityCard(group="ML study", timezone="UTC", days=days, tracks=tracks, members=40)


KINDS: dict[str, Callable[[int], Picture]] = {
    "profile card": _profile,
    "study calendar": _calendar,
    "leaderboard card": _board,
    "group activity": _activity,
}
TARGETS = {"profile card": 150.0, "leaderboard card": 100.0}


async def _timed(call: Callable[[], Awaitable[object]], times: int) -> list[float]:
    out = []
    for _ in range(times):
        t0 = perf_counter()
        await call()
        out.append((perf_counter() - t0) * 1000)
    return out


async def _draw_times(repeats: int) -> list[Figure]:
    """Each kind drawn in a warm worker process (the bot's own pool, one worker, no cache)."""
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=warm)
    figures = []
    try:
        await loop.run_in_executor(pool, render_png, dump(_board(-1)))  # started, warm
        w, h = _profile(0).size
        blank = await _timed(lambda: loop.run_in_executor(pool, blank_png, w, h), repeats)
        b50 = percentile(blank, 50)
        say(f"blank figure {w}x{h} (baseline): p50 {b50:.1f} ms")
        figures.append(Figure("blank figure p50 (baseline)", b50, "ms"))
        for kind, make in KINDS.items():
            counter = iter(range(10**6))

            def draw(
                make: Callable[[int], Picture] = make, counter: Iterator[int] = counter
            ) -> Awaitable[bytes]:
                return loop.run_in_executor(pool, render_png, dump(make(next(counter))))

            times = await _timed(draw, repeats)
            p50, p99 = percentile(times, 50), percentile(times, 99)
            say(f"{kind:17} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  ({ratio(p50, b50):.1f}x blank)")
            target = TARGETS.get(kind)
            verdict = p50 < target if target is not None else None
            wanted = f"< {target:.0f} ms" if target is not None else "—"
            figures.append(Figure(f"{kind} p50", p50, "ms", wanted, verdict))
            figures.append(Figure(f"{kind} p99", p99, "ms"))
    finally:
        pool.shutdown(wait=True)
    return figures


class StallMeter:
    """The event loop's longest delay in waking a 1 ms timer, while it runs."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t0 = loop.time()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, loop.time() - t0 - 0.001)

    def __enter__(self) -> StallMeter:
        self._task = asyncio.ensure_future(self._watch())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def _load(h: Harness, renderer: Renderer | None, members: int, pictures: int) -> float:
    """`/study today` from each member, one every 5 ms (a busy group), while `pictures`
    profile cards are drawn at once; the loop's longest stall, in ms."""
    drawing = []
    if renderer is not None:
        drawing = [asyncio.ensure_future(renderer.png(_profile(n))) for n in range(pictures)]
    with StallMeter() as meter:
        commands = []
        for i in range(members):
            commands.append(asyncio.ensure_future(h.run(f"m{i}", "/study today")))
            await asyncio.sleep(0.005)
        await asyncio.gather(*commands, *drawing)
    return meter.worst * 1000


async def _stall(db_path: Path, members: int, pictures: int) -> list[Figure]:
    db = Database.from_url(f"sqlite:///{db_path}")
    await db.upgrade()
    try:
        h = await make_harness(db)
        for i in range(members):
            await h.ok(f"m{i}", "/study join UTC")
            await h.ok(f"m{i}", f"/study log {10 + i % 50} warm-up")
        await h.ok("mod", "/studymod challenge post-now two-heads")
        worst: dict[str, float] = {}
        for label, workers in (("off", None), ("processes", 2), ("thread", 0)):
            renderer = Renderer(workers, cache_size=0) if workers is not None else None
            if renderer is not None:
                renderer.start()
                await renderer.png(_board(-2))  # workers up and warm: not measured
            try:
                await _load(h, None, members, 0)  # the command path warm
                h.clock.advance(timedelta(minutes=1))
                worst[label] = await _load(h, renderer, members, pictures)
            finally:
                if renderer is not None:
                    await renderer.close()
            h.clock.advance(timedelta(minutes=1))
    finally:
        await db.dispose()
    say(f"no drawing: longest stall {worst['off']:.1f} ms (baseline)")
    say(
        f"worker processes: {worst['processes']:.1f} ms; a thread instead: {worst['thread']:.1f} ms"
    )
    return [
        Figure("stall, no drawing (baseline)", worst["off"], "ms"),
        Figure(
            f"stall, {pictures} pictures + {members} commands",
            worst["processes"],
            "ms",
            "< 20 ms",
            worst["processes"] < 20,
        ),
        Figure("stall, same, drawn in a thread", worst["thread"], "ms"),
    ]


async def bench_pictures(repeats: int, members: int = 200, pictures: int = 20) -> list[Figure]:
    banner(f"(f) Pictures: drawing time per kind ({repeats} each, warm worker process)")
    figures = await _draw_times(repeats)
    banner(f"(f) Pictures: event-loop stall, {pictures} pictures with {members} /study today")
    with scratch_dir("pictures") as tmp:
        figures += await _stall(tmp / "pictures.db", members, pictures)
    return figures
