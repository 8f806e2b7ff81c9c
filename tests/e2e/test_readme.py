"""The README's examples, run as a reader would paste them: copy-paste true."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from tests.e2e.test_console import STUDYBOT, records, replies

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def block_after(heading: str, fence: str) -> str:
    """The first ```fence block after `heading`."""
    at = README.index(heading)
    m = re.compile(rf"```{fence}\n(.*?)```", re.DOTALL).search(README, at)
    assert m, (heading, fence)
    return m.group(1)


def run(
    args: list[str], stdin: str, tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    full["STUDYBOT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'readme.db'}"
    full.update(env)
    return subprocess.run(
        [str(STUDYBOT), *args], input=stdin, capture_output=True, text=True, env=full,
        timeout=180, check=False, cwd=tmp_path,
    )  # fmt: skip


def test_the_quick_start_session(tmp_path: Path) -> None:
    lines = [
        ln.removeprefix("admin> ") for ln in block_after("## Quick start", "text").splitlines()
    ]
    proc = run(["console", "--json", "--start", "2026-03-02T08:00:00Z"], "\n".join(lines), tmp_path)
    assert proc.returncode == 0, proc.stderr
    answers = replies(records(proc.stdout))
    assert len(answers) == len(lines)
    assert not any(r["error"] for r in answers), [r["text"] for r in answers if r["error"]]
    assert "Correct!" in answers[2]["text"]
    assert "admin — 15 pts" in answers[3]["text"]


def test_the_two_weeks_on_a_simulated_clock(tmp_path: Path) -> None:
    block = block_after("To watch two weeks", "sh")
    m = re.search(r"printf '(.*?)' \| \\\n\s*\.venv/bin/studybot (.*)", block)
    assert m, block
    stdin = m.group(1).encode().decode("unicode_escape")
    args = shlex.split(m.group(2))
    proc = run(args, stdin, tmp_path)
    assert proc.returncode == 0, proc.stderr
    posts = [ln for ln in proc.stdout.splitlines() if ln.startswith("[#study] ")]
    assert sum(" Round #" in ln for ln in posts) == 14
    assert sum("Weekly leaderboard" in ln for ln in posts) == 2


def test_the_challenge_add_examples(tmp_path: Path) -> None:
    examples = block_after("`/studymod challenge add` takes", "text").strip().splitlines()
    assert len(examples) == 3
    proc = run(["console", "--json"], "\n".join(examples), tmp_path)
    assert proc.returncode == 0, proc.stderr
    answers = replies(records(proc.stdout))
    assert [r["title"] for r in answers] == ["Challenge added"] * 3, [r["text"] for r in answers]


def test_the_two_week_demo_ends_as_the_readme_says(tmp_path: Path) -> None:
    block = block_after("### A two-week demo", "sh")
    command = block.replace("\\\n", " ").strip()
    env_part, _, rest = command.partition(" .venv/bin/studybot ")
    args, _, script = rest.partition(" < ")
    key, _, value = env_part.partition("=")
    argv = [
        a.replace("sqlite:///demo.db", f"sqlite:///{tmp_path / 'demo.db'}")
        for a in shlex.split(args)
    ]
    proc = run(argv, (ROOT / script.strip()).read_text(), tmp_path, **{key: str(ROOT / value)})
    assert proc.returncode == 0, proc.stderr
    recs = records(proc.stdout)
    claims = README[README.index("It ends with alice") : README.index("Stop it anywhere")]
    streaks = dict(re.findall(r"(alice|bob|chen)\s+on\s+(?:an?\s+)?(\d+)", claims))
    points = dict(re.findall(r"(alice|bob|chen) (\d+)", claims.split("standings", 1)[1]))
    assert set(streaks) == set(points) == {"alice", "bob", "chen"}
    board = [r for r in recs if r["kind"] == "reply" and r["title"] and "all time" in r["title"]]
    assert board, "the script shows the all-time board"
    for name, pts in points.items():
        assert f"{name} — {pts} pts" in board[-1]["text"], (name, board[-1]["text"])
    shown = {
        r["title"].split("'")[0]: r["text"]
        for r in recs
        if r["title"] and r["title"].endswith("'s streak")
    }
    for name, days in streaks.items():
        assert f"{days}-day streak" in shown[name], (name, shown.get(name))


def test_the_documented_json_keys_are_the_real_ones(tmp_path: Path) -> None:
    example = README[README.index("`--json`: one JSON object per line") :]
    documented = set(re.findall(r'"(\w+)": ', example[: example.index("`kind` is")]))
    documented -= {"id", "label"}  # the keys of each choice, inside "choices"
    proc = run(["console", "--json", "--start", "2026-03-02T08:00:00Z"], "/study join\n", tmp_path)
    real = set(records(proc.stdout)[0])
    assert documented <= real, documented - real
    assert real - documented <= {"form"}, real - documented
