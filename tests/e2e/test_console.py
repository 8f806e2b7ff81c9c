"""The real `studybot` CLI driven through stdin on a simulated clock."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from adapters.console import ConsoleSession, Printer
from bot.edge.clock import SimulatedClock, parse_instant
from bot.settings import load_settings
from tests.conftest import FIXTURE_CONTENT
from tests.e2e.scenario import START, STREAKS, build

STUDYBOT = Path(sys.executable).parent / "studybot"


def run_cli(
    db: Path, lines: list[str], *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "STUDYBOT_DATABASE_URL": f"sqlite:///{db}",
        "STUDYBOT_CONTENT_DIR": str(FIXTURE_CONTENT),
        "STUDYBOT_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    return subprocess.run(
        [str(STUDYBOT), "console", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def replies(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in recs if r["kind"] == "reply"]


@pytest.fixture(scope="module")
def scenario_output(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    lines, _ = build()
    db = tmp_path_factory.mktemp("scenario") / "bot.db"
    proc = run_cli(db, lines, "--json", "--start", START)
    assert proc.returncode == 0, proc.stderr
    return records(proc.stdout)


def test_every_line_is_a_json_object_with_the_documented_keys(
    scenario_output: list[dict[str, Any]],
) -> None:
    for rec in scenario_output:
        assert {"kind", "post_kind", "channel", "user", "ephemeral", "text"} <= rec.keys()
        assert rec["kind"] in {"reply", "post", "dm", "clock", "console"}


def test_fourteen_rounds_were_posted_in_the_channel(scenario_output: list[dict[str, Any]]) -> None:
    posts = [r for r in scenario_output if r["kind"] == "post" and r["post_kind"] == "round"]
    assert len(posts) == 14
    assert all(p["channel"] == "#study" and not p["ephemeral"] for p in posts)
    assert [p["title"].split(" · ")[0] for p in posts] == [f"Round #{i}" for i in range(1, 15)]
    # Round #1 by hand at the start; the scheduler opened the others at 14:00 UTC each day.
    assert [p["at"] for p in posts] == [f"2026-03-{d:02d}T14:00:00Z" for d in range(2, 16)]
    assert "Name the optimiser" in posts[2]["title"]  # the scheduled custom challenge
    assert "Previous round #2, Exactly two heads in four:\nAnswer: 0.375" in posts[2]["text"]


def test_the_weekly_leaderboard_was_posted_once_with_week_one(
    scenario_output: list[dict[str, Any]],
) -> None:
    _, expected = build()
    boards = [r for r in scenario_output if r["post_kind"] == "leaderboard"]
    assert len(boards) == 1
    board = boards[0]
    assert board["at"] == "2026-03-09T09:00:00Z"  # Monday 09:00 in the group's zone (UTC)
    assert "02 Mar – 08 Mar 2026" in board["title"]
    for user, pts in expected.week1.items():
        assert f"{user} — {pts} pts" in board["text"]
    assert "Active members: 3" in board["text"]


def test_one_streak_reminder_on_the_missed_day(scenario_output: list[dict[str, Any]]) -> None:
    dms = [r for r in scenario_output if r["kind"] == "dm"]
    # bob skips day 7 (Monday 9 March); at 20:00 New York time (EDT since 8 March) he is
    # nudged. alice, reminded at 21:00, has always studied by then.
    assert [(d["user"], d["at"]) for d in dms] == [("bob", "2026-03-10T00:00:00Z")]
    assert "7-day study streak" in dms[0]["text"]


def test_streaks_points_and_standings(scenario_output: list[dict[str, Any]]) -> None:
    _lines, expected = build()
    texts = [r["text"] for r in replies(scenario_output)]
    for user, (current, longest, freezes) in STREAKS.items():
        want = f"{current}-day streak (longest {longest}, {freezes} freeze{'s' if freezes != 1 else ''}"
        assert any(f"{user}'s streak" in t and want in t for t in texts), (user, want)
    alltime = next(t for t in texts if "Leaderboard · all time" in t)
    order = sorted(expected.points, key=lambda u: -expected.points[u])
    board_lines = [ln for ln in alltime.splitlines() if " pts" in ln]
    assert [ln.split(" — ")[0].split(" ", 1)[1] for ln in board_lines] == order
    for user in order:
        assert f"{user} — {expected.points[user]} pts" in alltime
    week = next(t for t in texts if "Leaderboard · week of 2026-03-09" in t)
    for user, pts in expected.week2.items():
        assert f"{user} — {pts} pts" in week


def test_exports_agree(scenario_output: list[dict[str, Any]]) -> None:
    _, expected = build()
    exports = [
        r for r in replies(scenario_output) if "studybot-" in r["text"] and ".json ---" in r["text"]
    ]
    assert [r["user"] for r in exports] == ["alice", "bob", "chen"]
    for rec in exports:
        data = json.loads(rec["text"].split(".json ---\n", 1)[1])
        user = rec["user"]
        assert data["points"] == expected.points[user]
        assert (data["current_streak"], data["longest_streak"], data["freezes"]) == STREAKS[user]
    alice = json.loads(exports[0]["text"].split(".json ---\n", 1)[1])
    assert alice["timezone"] == "Europe/Berlin"
    assert sum(1 for s in alice["submissions"] if s["correct"]) == 14


def test_repeated_and_wrong_submissions_are_handled(scenario_output: list[dict[str, Any]]) -> None:
    texts = [r["text"] for r in replies(scenario_output)]
    assert sum("already solved" in t for t in texts) == 1
    assert any("Not quite. You have 2 attempts left." in t for t in texts)


def test_restart_after_every_line_changes_nothing(tmp_path: Path) -> None:
    """Restarting the console (a fresh Core on the same database) between any two steps prints
    exactly what one uninterrupted session prints."""
    lines, _ = build()

    async def session_output(db_file: Path, chunks: list[list[str]]) -> list[str]:
        out = io.StringIO()
        for chunk in chunks:
            settings = load_settings(
                database_url=f"sqlite:///{db_file}", content_dir=FIXTURE_CONTENT
            )
            session = ConsoleSession.build(
                settings,
                SimulatedClock(parse_instant(START)),
                Printer(out, True, None),
                moderators=["admin"],
                simulated=True,
            )
            await session.open()
            for line in chunk:
                await session.push(line)
            await session.close()
        return out.getvalue().splitlines()

    import asyncio

    whole = asyncio.run(session_output(tmp_path / "one.db", [lines]))
    each = asyncio.run(session_output(tmp_path / "many.db", [[ln] for ln in lines]))
    assert each == whole


def test_restart_of_the_real_process(tmp_path: Path) -> None:
    """The same with real processes, killed at the end of their input, at a few points."""
    lines, _ = build()
    whole = run_cli(tmp_path / "a.db", lines, "--json", "--start", START)
    cuts = [0, 7, len(lines) // 3, len(lines) // 2, len(lines) - 9, len(lines)]
    pieces = []
    for a, b in itertools.pairwise(cuts):
        proc = run_cli(tmp_path / "b.db", lines[a:b], "--json", "--start", START)
        assert proc.returncode == 0, proc.stderr
        pieces.append(proc.stdout)
    assert "".join(pieces) == whole.stdout


def test_plain_output_when_piped(tmp_path: Path) -> None:
    proc = run_cli(
        tmp_path / "p.db", ["/study join", "/study log 30 reading", ":now"], "--start", START
    )
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith("[to admin, only you] You've joined")
    assert "**" not in proc.stdout  # no chat markdown in plain text
    assert "`" not in proc.stdout
    assert "2026-03-02T14:00:00Z" in proc.stdout
    assert "\x1b[" not in proc.stdout  # no terminal colours when piped


def test_console_controls_and_moderators(tmp_path: Path) -> None:
    proc = run_cli(
        tmp_path / "c.db",
        [":as dana", "/studymod stats", ":as erin", "/studymod stats", ":advance 90m", ":now", ":fly", ":advance soon"],
        "--json", "--start", START, "--moderators", "erin,frank",
    )  # fmt: skip
    recs = records(proc.stdout)
    assert proc.returncode == 0
    stats = [r for r in recs if r["kind"] == "reply"]
    assert stats[0]["user"] == "dana"
    assert "moderators" in stats[0]["text"]
    assert "Members" in stats[1]["text"]
    assert [r["text"] for r in recs if r["kind"] == "clock"][-1] == "2026-03-02T15:30:00Z"
    assert "Console controls" in stats[2]["text"]
    assert "not a duration" in stats[3]["text"]


def test_advance_needs_a_simulated_clock(tmp_path: Path) -> None:
    proc = run_cli(tmp_path / "r.db", [":advance 1d"], "--json")
    assert proc.returncode == 0
    assert "needs a simulated clock" in records(proc.stdout)[0]["text"]


def test_bad_settings_stop_start_up_with_one_line(tmp_path: Path) -> None:
    proc = run_cli(tmp_path / "x.db", [], env={"STUDYBOT_LOG_LEVEL": "chatty"})
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "STUDYBOT_LOG_LEVEL" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli(tmp_path / "x.db", [], env={"STUDYBOT_DATABASE_URL": "mysql://nope/db"})
    assert proc.returncode == 2
    assert "STUDYBOT_DATABASE_URL" in proc.stderr
    # A database that does not answer: one line too, not a traceback.
    proc = run_cli(
        tmp_path / "x.db", [], env={"STUDYBOT_DATABASE_URL": "postgresql://u@127.0.0.1:9/db"}
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "Connect" in proc.stderr or "refused" in proc.stderr.lower()


def test_bad_content_stops_start_up_naming_file_and_field(tmp_path: Path) -> None:
    bank = tmp_path / "bank" / "cs-fundamentals"
    bank.mkdir(parents=True)
    (bank / "x.yaml").write_text("challenges:\n  - id: x\n", encoding="utf-8")
    proc = run_cli(tmp_path / "y.db", [], env={"STUDYBOT_CONTENT_DIR": str(tmp_path / "bank")})
    assert proc.returncode == 2
    assert "cs-fundamentals/x.yaml" in proc.stderr


def test_db_commands(tmp_path: Path) -> None:
    env = {**os.environ, "STUDYBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}

    def cli(*args: str) -> str:
        proc = subprocess.run(
            [str(STUDYBOT), *args], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert "current: base" in cli("db", "current")
    assert "database at 0006" in cli("db", "upgrade")
    assert "database at base" in cli("db", "downgrade", "base")
    assert "database at 0006" in cli("db", "upgrade")
    check = cli("content", "check")
    assert "ok: " in check
    assert "generators (a personal instance for each member):" in check
    shown = cli("content", "show", "puzzle-count-inversions", "--seed", "42", "--answer")
    assert "--- input.txt ---" in shown or "```" in shown
    assert shown == cli("content", "show", "puzzle-count-inversions", "--seed", "42", "--answer")
    assert shown != cli("content", "show", "puzzle-count-inversions", "--seed", "43", "--answer")
    assert "Answer: " in shown
    for sub in ("run", "console", "db", "content", "content show"):
        assert "Usage" in cli(*sub.split(), "--help")


def test_the_example_script_is_the_tested_scenario() -> None:
    lines, _ = build()
    example = Path(__file__).resolve().parents[2] / "examples" / "two-weeks.txt"
    body = [ln for ln in example.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    assert body == lines


def scheduled(recs: list[dict[str, Any]], post_kind: str) -> list[dict[str, Any]]:
    return [r for r in recs if r["kind"] == "post" and r["post_kind"] == post_kind]


def test_advance_eight_days_posts_eight_rounds_and_one_leaderboard(tmp_path: Path) -> None:
    proc = run_cli(tmp_path / "s.db", [":advance 8d"], "--json", "--start", "2026-03-06T00:00:00Z")
    assert proc.returncode == 0, proc.stderr
    recs = records(proc.stdout)
    rounds = scheduled(recs, "round")
    assert [r["at"] for r in rounds] == [f"2026-03-{d:02d}T09:00:00Z" for d in range(6, 14)]
    assert [r["at"] for r in scheduled(recs, "leaderboard")] == ["2026-03-09T09:00:00Z"]
    # Each round post reveals the one before it.
    assert all("Previous round #" in r["text"] for r in rounds[1:])


def new_york(at: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    instant = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return instant.astimezone(ZoneInfo("America/New_York")).strftime("%a %d %H:%M %Z")


DONE_WHEN = ["/studymod config timezone America/New_York", ":advance 14d"]


def test_two_weeks_in_new_york_across_the_dst_change(tmp_path: Path) -> None:
    proc = run_cli(tmp_path / "ny.db", DONE_WHEN, "--json", "--start", "2026-03-06T00:00:00Z")
    assert proc.returncode == 0, proc.stderr
    recs = records(proc.stdout)
    rounds = [new_york(r["at"]) for r in scheduled(recs, "round")]
    days = ["Fri", "Sat", "Sun", "Mon", "Tue", "Wed", "Thu"] * 2
    zones = ["EST", "EST"] + ["EDT"] * 12  # clocks went forward on Sunday 8 March
    assert rounds == [
        f"{d} {6 + i:02d} 09:00 {z}" for i, (d, z) in enumerate(zip(days, zones, strict=True))
    ]
    boards = [new_york(r["at"]) for r in scheduled(recs, "leaderboard")]
    assert boards == ["Mon 09 09:00 EDT", "Mon 16 09:00 EDT"]
    # The same through --timezone instead of the command.
    proc = run_cli(
        tmp_path / "ny2.db", [":advance 14d"], "--json", "--start", "2026-03-06T00:00:00Z",
        "--timezone", "America/New_York",
    )  # fmt: skip
    again = records(proc.stdout)
    assert [new_york(r["at"]) for r in scheduled(again, "round")] == rounds


@pytest.mark.parametrize("kill_after", [1, 5, 9, 15])
def test_killing_the_process_mid_advance_loses_and_doubles_nothing(
    tmp_path: Path, kill_after: int
) -> None:
    """SIGKILL right after the n-th scheduled post appears, then start again on the same
    database: every period of the two weeks is posted, none twice, bar the one documented
    case: a kill between sends and their record in the ledger repeats those posts (the ones
    of the instant in flight), with the same keys."""
    import signal

    db = tmp_path / "k.db"
    env = {
        **os.environ,
        "STUDYBOT_DATABASE_URL": f"sqlite:///{db}",
        "STUDYBOT_CONTENT_DIR": str(FIXTURE_CONTENT),
        "STUDYBOT_LOG_LEVEL": "WARNING",
    }
    args = [str(STUDYBOT), "console", "--json", "--start", "2026-03-06T00:00:00Z"]
    child = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdin is not None
    assert child.stdout is not None
    child.stdin.write("\n".join(DONE_WHEN) + "\n")
    child.stdin.flush()
    first: list[dict[str, Any]] = []
    seen = 0
    for line in child.stdout:
        rec = json.loads(line)
        first.append(rec)
        seen += rec["kind"] == "post"
        if seen == kill_after:
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=30)
    for line in child.stdout:  # what it printed before the kill landed
        with contextlib.suppress(json.JSONDecodeError):  # a line cut short by the kill
            first.append(json.loads(line))
    child.stdout.close()
    child.stdin.close()
    # The restart resumes the simulated clock at the last instant that fired and catches up.
    proc = run_cli(db, [":advance 14d"], "--json", "--start", "2026-03-06T00:00:00Z")
    assert proc.returncode == 0, proc.stderr
    both = [r for r in first + records(proc.stdout) if r["kind"] == "post"]
    end = "2026-03-20T00:00:00Z"
    keys = [r["key"] for r in both if r["at"] < end]
    expected = {f"daily:2026-03-{d:02d}" for d in range(6, 20)}
    expected |= {"leaderboard:2026-03-02", "leaderboard:2026-03-09"}
    assert set(keys) == expected  # nothing missing
    doubled = {k for k, n in Counter(keys).items() if n > 1}
    last_at = [r for r in first if r["kind"] == "post"][-1]["at"]
    in_flight = {r["key"] for r in first if r["kind"] == "post" and r["at"] == last_at}
    assert doubled <= in_flight
