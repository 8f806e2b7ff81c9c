"""Buttons and forms end to end in the real CLI: an MCQ round answered with `:click`, a
numeric round through its answer form, a challenge added through the `challenge add` form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.test_console import records, replies, run_cli

START = "2026-03-02T14:00:00Z"


def session(tmp_path: Path, lines: list[str]) -> list[dict[str, Any]]:
    proc = run_cli(tmp_path / "b.db", lines, "--json", "--start", START)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return records(proc.stdout)


def test_an_mcq_round_is_answered_with_click(tmp_path: Path) -> None:
    recs = session(
        tmp_path,
        [
            ":as admin",
            "/study join",
            "/studymod challenge post-now two-heads",
            ":click A",
            ":click B) 1/2",
        ],
    )
    post = next(r for r in recs if r["kind"] == "post")
    assert [c["label"] for c in post["choices"]] == ["A) 1/4", "B) 1/2", "C) 3/4"]
    assert post["choices"][0]["id"] == "study.submit?round=1&answer=A"
    assert "[A) 1/4" not in post["text"]  # choices are not part of the text
    answered = replies(recs)[-2:]
    assert "Correct! +15 points" in answered[0]["text"]
    assert "already solved round #1" in answered[1]["text"]
    assert answered[1]["error"]


def test_a_numeric_round_is_answered_through_its_form(tmp_path: Path) -> None:
    recs = session(
        tmp_path,
        [
            ":as admin",
            "/study join",
            "/studymod challenge post-now binomial-two-of-four",
            ":click Answer",
            ":form answer=0.5",
            ":click Answer",
            ":form answer=0.375",
        ],
    )
    post = next(r for r in recs if r["kind"] == "post")
    assert post["choices"] == [{"id": "study.submit?round=1", "label": "Answer"}]
    forms = [r for r in replies(recs) if "form" in r]
    assert len(forms) == 2
    assert forms[0]["form"] == {
        "id": "study.submit?round=1",
        "title": "Round #1",
        "inputs": [{"id": "answer", "label": "Your answer", "required": True, "kind": "short"}],
    }
    texts = [r["text"] for r in replies(recs)]
    assert any("Not quite. You have 2 attempts left." in t for t in texts)
    assert "Correct!" in texts[-1]


def test_a_challenge_is_added_through_the_challenge_add_form(tmp_path: Path) -> None:
    recs = session(
        tmp_path,
        [
            ":as admin",
            "/studymod challenge add",
            ':form title="Name the optimiser" prompt="Which method steps against the gradient?" '
            'answer="gradient descent|gd" explanation="It follows the negative gradient." '
            'details="ml-algorithms-libraries 2"',
            "/studymod challenge add track=probability-statistics difficulty=1",
            ':form title="Coin" prompt="P(heads) for a fair coin?" explanation="Symmetry." '
            'answer="*1/2\\n1/3\\n1/4"',  # `\\n` starts a new line in a form value
            "/studymod challenge list bank probability-statistics",
        ],
    )
    forms = [r["form"] for r in replies(recs) if "form" in r]
    assert [i["id"] for i in forms[0]["inputs"]] == [
        "title", "prompt", "answer", "explanation", "details",
    ]  # fmt: skip
    assert forms[0]["id"] == "studymod.challenge.add"
    # With track and difficulty given, the form does not ask for them again.
    assert "details" not in [i["id"] for i in forms[1]["inputs"]]
    assert "track=probability-statistics" in forms[1]["id"]
    added = [r["text"] for r in replies(recs) if r["title"] == "Challenge added"]
    assert len(added) == 2
    assert "`name-the-optimiser` (text, ML algorithms & libraries, ★★☆" in added[0]
    assert "`coin` (mcq, Probability & statistics, ★☆☆" in added[1]
    listing = replies(recs)[-1]["text"]
    assert "`coin` · mcq · ★☆☆ · custom" in listing


def test_stale_and_unknown_buttons_get_a_friendly_reply(tmp_path: Path) -> None:
    recs = session(
        tmp_path,
        [
            ":as admin",
            "/study join",
            "/studymod challenge post-now two-heads",
            "/studymod challenge post-now binomial-two-of-four",
            ":click study.submit?round=1&answer=A",  # round 1's button, after round 2 opened
            ":click Z",
            ":form answer=1",
        ],
    )
    texts = [(r["text"], r["error"]) for r in replies(recs)[-3:]]
    assert texts[0] == ("Round #1 has closed; round #2 is open now (`/study today`).", True)
    assert texts[1] == ("No button `Z` is showing.", True)
    assert texts[2][1]
    assert "No form is open" in texts[2][0]
