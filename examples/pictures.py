"""Draw the README's pictures from the two-week demo (`make pictures`).

Runs the real `studybot console` on `examples/two-weeks.txt` and the small test bank, then asks
for a profile, a leaderboard and the group's stats, and copies the three pictures the console
wrote to `docs/pictures/`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "two-weeks.txt"
START = "2026-03-02T14:00:00Z"
ASKED = {  # what the README shows: the command, as whom, and the file it is kept as
    "profile.png": (":as alice", "/study profile"),
    "leaderboard.png": (":as bob", "/study leaderboard all"),
    "stats.png": (":as admin", "/studymod stats"),
}


def demo_pictures(out: Path, workdir: Path) -> dict[str, Path]:
    """Run the demo and the three commands; the pictures, copied into `out`."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    for who, command in ASKED.values():
        lines += [who, command]
    env = {
        **os.environ,
        "STUDYBOT_CONTENT_DIR": str(ROOT / "tests" / "fixtures" / "content"),
        "STUDYBOT_DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}",
        "STUDYBOT_IMAGE_DIR": str(workdir / "images"),
        "STUDYBOT_LOG_LEVEL": "WARNING",
    }
    studybot = Path(sys.executable).parent / "studybot"
    proc = subprocess.run(
        [str(studybot), "console", "--json", "--start", START],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    replies = [r for r in map(json.loads, proc.stdout.splitlines()) if r["kind"] == "reply"]
    out.mkdir(parents=True, exist_ok=True)
    kept = {}
    for name, reply in zip(ASKED, replies[-len(ASKED) :], strict=True):
        if "image" not in reply:
            raise SystemExit(f"{name}: the reply came without a picture: {reply['text'][:200]}")
        kept[name] = Path(shutil.copyfile(reply["image"], out / name))
    return kept


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "pictures"
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in demo_pictures(out, Path(tmp)).items():
            print(f"{name}: {path}")


if __name__ == "__main__":
    main()
