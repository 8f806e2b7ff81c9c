"""Pictures in the console, through the real `studybot console` process: written under
STUDYBOT_IMAGE_DIR, named in `--json` lines, drawn by the real worker processes; the README's
three pictures come from the two-week demo; with pictures off the text is the same."""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_console import records, run_cli

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("readme_pictures", ROOT / "examples" / "pictures.py")
assert _spec is not None
assert _spec.loader is not None
readme_pictures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_pictures)
ASKED, demo_pictures = readme_pictures.ASKED, readme_pictures.demo_pictures

PNG = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_readme_pictures_come_from_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYBOT_IMAGE_WORKERS", "2")  # the real worker processes
    kept = demo_pictures(tmp_path / "out", tmp_path)
    assert set(kept) == set(ASKED)
    sizes = {name: png_size(path.read_bytes()) for name, path in kept.items()}
    assert sizes["profile.png"] == (900, 300 + 60 + 44 * 6)
    assert sizes["stats.png"] == (900, 620)
    assert sizes["leaderboard.png"] == (800, 120 + 48 * 3)  # alice, bob, chen
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ASKED:
        assert f"docs/pictures/{name}" in readme


SCRIPT = [
    "/study join Europe/Berlin",
    "/study log 30 linear algebra",
    "/study streak",
    "/study profile",
    "/study leaderboard",
    ":as admin",
    "/studymod stats",
]


def _replies(stdout: str) -> list[dict[str, Any]]:
    return [r for r in records(stdout) if r["kind"] == "reply"]


def test_json_lines_name_the_pictures_and_the_text_stands_alone(tmp_path: Path) -> None:
    images = tmp_path / "images"
    on = run_cli(tmp_path / "on.db", SCRIPT, "--json", "--start", "2026-03-02T14:00:00Z",
                 env={"STUDYBOT_IMAGE_DIR": str(images)})  # fmt: skip
    assert on.returncode == 0, on.stderr
    shown = _replies(on.stdout)
    with_pictures = {r["title"]: r["image"] for r in shown if "image" in r}
    assert set(with_pictures) == {"admin's streak", "admin's profile", "Study group stats"}
    for path in with_pictures.values():
        assert Path(path).parent == images
        png_size(Path(path).read_bytes())
    off = run_cli(tmp_path / "off.db", SCRIPT, "--json", "--start", "2026-03-02T14:00:00Z",
                  env={"STUDYBOT_IMAGE_DIR": str(images), "STUDYBOT_IMAGES": "false"})  # fmt: skip
    assert off.returncode == 0, off.stderr
    plain = _replies(off.stdout)
    assert not [r for r in plain if "image" in r]
    assert [r["text"] for r in plain] == [r["text"] for r in shown]
    piped = run_cli(tmp_path / "piped.db", SCRIPT, "--start", "2026-03-02T14:00:00Z",
                    env={"STUDYBOT_IMAGE_DIR": str(images)})  # fmt: skip
    streak = with_pictures["admin's streak"]
    assert f"[picture: {streak}]" in piped.stdout
    assert json.dumps(str(images))[1:-1] in on.stdout
