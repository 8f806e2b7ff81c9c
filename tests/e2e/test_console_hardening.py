"""Issue 9's console defects through the real CLI: undecodable input, markup in names, clock
bounds, EOF on the wall clock, long scripts, quiet logs, options named in errors, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import FIXTURE_CONTENT
from tests.e2e.test_console import STUDYBOT, records, replies

START = "2026-03-02T14:00:00Z"


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("STUDYBOT_LOG_LEVEL", "STUDYBOT_RATE_LIMIT_PER_MINUTE")
    }
    env.update(STUDYBOT_DATABASE_URL=f"sqlite:///{db}", STUDYBOT_CONTENT_DIR=str(FIXTURE_CONTENT))
    env.update(extra)
    return env


def console(db: Path, data: bytes, *args: str, **extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(STUDYBOT), "console", *args], input=data, capture_output=True, env=env_for(db, **extra),
        timeout=120, check=False,
    )  # fmt: skip


def test_undecodable_lines_are_refused_and_the_session_goes_on(tmp_path: Path) -> None:
    data = b"/study join\n/study log 30 \xc3( topic\n:as \xc3(\n/study log 30 reading\n"
    proc = console(tmp_path / "u.db", data, "--json", "--start", START)
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr + proc.stdout
    recs = records(proc.stdout.decode())
    assert [r["error"] for r in recs] == [False, True, True, False]
    assert "not valid UTF-8" in recs[1]["text"]
    assert "Logged 30 min of reading" in recs[3]["text"]


def test_names_that_look_like_markup_are_refused(tmp_path: Path) -> None:
    proc = console(
        tmp_path / "m.db", b":as [/]\n:as [bold]x\n:as ann\n", "--json", "--start", START
    )
    assert proc.returncode == 0
    recs = records(proc.stdout.decode())
    assert [r["error"] for r in recs] == [True, True, False]
    assert recs[2]["text"] == "acting as ann"


def test_the_simulated_clock_stays_in_range(tmp_path: Path) -> None:
    t0 = time.monotonic()
    data = b":advance 99999999d\n:advance 3000000h\n:advance 367d\n:advance 30d\n:now\n"
    proc = console(tmp_path / "c.db", data, "--json", "--start", START)
    assert time.monotonic() - t0 < 60
    assert proc.returncode == 0, proc.stderr
    recs = records(proc.stdout.decode())
    assert [r["error"] for r in recs[:3]] == [True, True, True]
    assert "At most a year" in recs[0]["text"]
    assert recs[-1]["text"] == "2026-04-01T14:00:00Z"
    for start in ("9999-12-31T23:59:00Z", "0001-01-01T00:00:00Z"):
        bad = console(tmp_path / "s.db", b"", "--start", start)
        assert bad.returncode == 2
        assert bad.stderr.decode().startswith("studybot: --start: Pick a time from the year 2000")
        assert b"Traceback" not in bad.stderr


def test_eof_on_the_wall_clock_leaves_no_traceback(tmp_path: Path) -> None:
    for _ in range(2):
        proc = console(tmp_path / "e.db", b"", STUDYBOT_LOG_LEVEL="INFO")
        assert proc.returncode == 0, proc.stderr
        assert b"Traceback" not in proc.stderr
        assert b"CancelledError" not in proc.stderr


def test_a_long_script_is_not_rate_limited_and_logs_stay_quiet(tmp_path: Path) -> None:
    lines = b"/study join\n" + b"/study streak\n" * 60
    proc = console(tmp_path / "r.db", lines, "--json", "--start", START)
    recs = replies(records(proc.stdout.decode()))
    assert len(recs) == 61
    assert not any(r["error"] for r in recs)
    assert b" INFO " not in proc.stderr  # the console logs at WARNING unless told otherwise
    limited = console(
        tmp_path / "r2.db", lines, "--json", "--start", START, STUDYBOT_RATE_LIMIT_PER_MINUTE="5"
    )
    assert sum("Too many commands" in r["text"] for r in records(limited.stdout.decode())) == 56


def test_bad_options_name_the_option(tmp_path: Path) -> None:
    proc = console(tmp_path / "o.db", b"", "--db", "mysql://x/y")
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("studybot: invalid --db:")
    proc = console(tmp_path / "o.db", b"", "--timezone", "Mars/Olympus")
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("studybot: invalid --timezone:")


def test_moderators_start_as_the_first_one_listed(tmp_path: Path) -> None:
    proc = console(
        tmp_path / "f.db", b"/study join\n", "--json", "--start", START, "--moderators", "zed,ann"
    )
    assert records(proc.stdout.decode())[0]["user"] == "zed"


def test_json_lines_never_carry_raw_line_separators() -> None:
    import io
    from datetime import UTC, datetime

    from adapters.console import Printer, Shown

    out = io.StringIO()
    text = "a\u2028b\u2029c"
    Printer(out, True, None).show(
        Shown("reply", text, datetime(2026, 3, 2, tzinfo=UTC), "#s", "u", True)
    )
    line = out.getvalue()
    assert line.count("\n") == 1
    assert "\u2028" not in line
    assert "\u2029" not in line
    assert json.loads(line)["text"] == text


def test_ctrl_c_quits_at_once_with_a_goodbye(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(STUDYBOT), "console", "--start", START], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(tmp_path / "k.db"),
    )  # fmt: skip
    assert proc.stdin is not None
    proc.stdin.write(b"/study join\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    while time.monotonic() < deadline:  # wait until it has answered, so it is at its prompt
        if proc.stdout.readline():
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert b"Bye!" in err + out
    assert b"Traceback" not in err


def test_content_show_answers_a_kaggle_task_with_its_explanation() -> None:
    proc = subprocess.run(
        [str(STUDYBOT), "content", "show", "kaggle-titanic-cv-baseline", "--answer"],
        capture_output=True, text=True, timeout=60, check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_CONTENT")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    from bot.catalog.bank import load_bank
    from bot.settings import DEFAULT_CONTENT_DIR

    spec = next(
        c for c in load_bank(DEFAULT_CONTENT_DIR).challenges if c.id == "kaggle-titanic-cv-baseline"
    )
    assert spec.explanation.strip().splitlines()[0] in proc.stdout
    assert sys.executable


def test_the_terminal_printer_never_reads_member_text_as_markup() -> None:
    """A name saved before names were checked (`[/]`) must not crash a terminal start."""
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from adapters.console import Printer, Shown

    out = io.StringIO()
    printer = Printer(out, False, Console(file=out, force_terminal=True))
    printer.show(
        Shown(
            "reply",
            "hi [/] [bold]",
            datetime(2026, 3, 2, tzinfo=UTC),
            "#s",
            "[/]",
            True,
            title="[/x]",
        )
    )
    assert "[/x]" in out.getvalue()
