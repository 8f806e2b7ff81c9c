"""Running the real `studybot console --json` as a subprocess, for the console fuzz suites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURE_CONTENT

STUDYBOT = Path(sys.executable).parent / "studybot"
START = "2026-03-02T14:00:00Z"
REPLY_KINDS = {"reply", "clock", "console"}  # the answer to one input line


@dataclass
class Run:
    code: int | None  # None: it did not finish in time
    stdout: str
    stderr: str
    records: list[dict[str, Any]]
    bad_lines: list[str]  # stdout lines that are not one JSON object

    @property
    def tracebacks(self) -> int:
        return self.stdout.count("Traceback") + self.stderr.count("Traceback")

    @property
    def answers(self) -> int:
        return sum(1 for r in self.records if r.get("kind") in REPLY_KINDS)


def console_env(db: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "STUDYBOT_CONTENT_DIR": str(FIXTURE_CONTENT),
        "STUDYBOT_LOG_LEVEL": "WARNING",
    }
    if db is not None:
        env["STUDYBOT_DATABASE_URL"] = f"sqlite:///{db}"
    return env


def run_console(
    stdin: bytes,
    args: list[str | bytes],
    *,
    db: Path | None,
    timeout: float = 60,
) -> Run:
    """One `studybot console --json …` process; stdin is raw bytes (it may be invalid UTF-8)."""
    try:
        proc = subprocess.run(
            [str(STUDYBOT), "console", "--json", *args],
            input=stdin,
            capture_output=True,
            env=console_env(db),
            timeout=timeout,
            check=False,
        )
        code: int | None = proc.returncode
        out, err = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code = None
        out = exc.stdout or b""
        err = exc.stderr or b""
    stdout = out.decode("utf-8", errors="replace")
    stderr = err.decode("utf-8", errors="replace")
    records, bad = [], []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            bad.append(line)
            continue
        if isinstance(rec, dict):
            records.append(rec)
        else:
            bad.append(line)
    return Run(code, stdout, stderr, records, bad)


def answered_lines(stdin: bytes) -> int:
    """Input lines that get an answer: not blank, not a comment. Lines end at `\\n` (the
    console reads bytes), and a last piece without a newline is a line too."""
    count = 0
    for raw in stdin.split(b"\n"):
        stripped = raw.decode("utf-8", errors="replace").strip()
        if stripped and not stripped.startswith("#"):
            count += 1
    return count
