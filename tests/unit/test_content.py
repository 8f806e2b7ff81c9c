"""The shipped challenge bank: valid, varied, and every numeric answer checked by computation."""

import math
import statistics
from pathlib import Path

import numpy as np
import pytest
import scipy.stats as stats

from bot.catalog.bank import load_bank
from bot.catalog.generators import GENERATORS
from bot.catalog.schema import ChallengeSpec
from bot.rules.grading import Tolerance, grade, parse_number
from bot.rules.tracks import TRACKS

ROOT = Path(__file__).resolve().parents[2] / "content"
BANK = load_bank(ROOT)


def test_the_bank_has_no_errors() -> None:
    assert BANK.errors == []


def test_the_bank_has_the_size_the_issue_asks_for() -> None:
    """450+ static challenges over six tracks, 65+ each, every answer kind at every difficulty
    on every track; 45+ generators, 5+ per track; 25+ Kaggle tasks."""
    counts = BANK.counts()
    assert len(TRACKS) == 6
    assert "math-foundations" in TRACKS
    assert len(BANK.challenges) >= 450
    for track in TRACKS:
        assert sum(counts[track].values()) >= 65, track
        cells = {(c.kind, c.difficulty) for c in BANK.challenges if c.track == track}
        for kind in ("mcq", "numeric", "text"):
            for difficulty in (1, 2, 3):
                assert (kind, difficulty) in cells, (track, kind, difficulty)
        assert sum(g.track == track for g in GENERATORS.values()) >= 5, track
    assert sum(c["kaggle"] for c in counts.values()) >= 25
    assert len(GENERATORS) >= 45


def test_no_track_gives_its_mcq_answers_away_by_length() -> None:
    """A member who always picks the longest option must do no better than chance."""
    for track, (longest, mcqs) in BANK.longest_option_share().items():
        assert mcqs >= 10, track
        assert longest <= 0.35 * mcqs, f"{track}: {longest} of {mcqs} right options are longest"


def test_the_longest_option_share_counts_strictly_longest_only() -> None:
    def mcq(cid: str, options: list[str], answer: str) -> ChallengeSpec:
        return ChallengeSpec(
            id=cid, kind="mcq", track="cs-fundamentals", difficulty=1, title=f"T {cid}",
            prompt="Prompt", options=options, answer=answer, explanation="Because.",
        )  # fmt: skip

    from bot.catalog.bank import Bank

    bank = Bank(
        [
            mcq("aa-1", ["long one", "b", "c"], "A"),  # strictly longest
            mcq("aa-2", ["tie", "tie2"[:3] + "x", "c"], "A"),  # a tie: not strictly longest
            mcq("aa-3", ["a", "longer", "c"], "A"),
        ]
    )
    assert bank.longest_option_share()["cs-fundamentals"] == (1, 3)


NUMERIC = [c for c in BANK.challenges if c.kind == "numeric"]


@pytest.mark.parametrize("spec", NUMERIC, ids=[c.id for c in NUMERIC])
def test_numeric_answer_matches_its_computation(spec: ChallengeSpec) -> None:
    assert spec.compute, f"{spec.id} has no compute expression"
    scope = {"math": math, "statistics": statistics, "np": np, "numpy": np, "stats": stats}
    computed = float(eval(spec.compute, {"__builtins__": {}, **scope}))
    answer = parse_number(str(spec.answer))
    assert answer is not None
    tol = Tolerance.parse(spec.tolerance)
    assert tol.accepts(answer, computed), f"{spec.id}: stored {answer}, computed {computed}"
    # And the grader accepts the stored answer for its own challenge.
    assert grade("numeric", str(spec.answer), expected_number=answer, tolerance=tol).correct


MCQ = [c for c in BANK.challenges if c.kind == "mcq"]


@pytest.mark.parametrize("spec", MCQ, ids=[c.id for c in MCQ])
def test_mcq_has_one_correct_letter_and_distinct_options(spec: ChallengeSpec) -> None:
    assert spec.options is not None
    assert 3 <= len(spec.options) <= 5
    correct = spec.answer_spec()["option"]
    assert grade("mcq", str(spec.answer), options=spec.options, correct_option=correct).correct
    assert grade("mcq", spec.options[correct], options=spec.options, correct_option=correct).correct


def test_schema_errors_name_the_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "probability-statistics"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "challenges:\n"
        "  - id: bad-one\n    kind: mcq\n    difficulty: 4\n    title: Bad\n"
        "    prompt: A prompt here\n    options: [a, b]\n    answer: C\n    explanation: Because so.\n"
        "  - id: bad-one\n    kind: text\n    difficulty: 1\n    title: Dup\n"
        "    prompt: Another prompt\n    answer: [x]\n    explanation: Because so.\n"
        "  - id: bad-one\n    kind: text\n    difficulty: 1\n    title: Dup two\n"
        "    prompt: Third prompt\n    answer: [x]\n    explanation: Because so.\n",
        encoding="utf-8",
    )
    (tmp_path / "stray.yaml").write_text("challenges: []\n", encoding="utf-8")
    bank = load_bank(tmp_path)
    text = "\n".join(bank.errors)
    assert "probability-statistics/bad.yaml: challenges[0] (bad-one): difficulty" in text
    assert "challenges[0] (bad-one): answer" not in text or "difficulty" in text
    assert "stray.yaml" in text
    assert "challenges[2]: id: `bad-one` is already used" in text


def test_mcq_answer_letter_must_name_an_option() -> None:
    with pytest.raises(ValueError, match="answer"):
        ChallengeSpec(
            id="x-y-z", kind="mcq", track="cs-fundamentals", difficulty=1, title="T t t",
            prompt="Prompt", options=["a", "b", "c"], answer="D", explanation="Because.",
        )  # fmt: skip
    with pytest.raises(ValueError, match="3 to 5 options"):
        ChallengeSpec(
            id="x-y-z", kind="mcq", track="cs-fundamentals", difficulty=1, title="T t t",
            prompt="Prompt", options=["a", "b"], answer="A", explanation="Because.",
        )  # fmt: skip


KAGGLE = {
    "id": "kaggle-x", "kind": "kaggle", "track": "data-modeling-evaluation", "difficulty": 2,
    "title": "A task", "prompt": "Do the thing and submit.", "explanation": "Because.",
    "kaggle": {"url": "https://www.kaggle.com/competitions/titanic", "metric": "accuracy",
               "target": 0.78, "days": 7, "steps": ["a", "b", "c"]},
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": "vibes"}, "metric: one of"),
        ({"target": 1.5}, "outside the range of accuracy"),
        ({"url": "https://example.com/competitions/titanic"}, "url"),
        ({"days": 0}, "days"),
        ({"steps": ["only one"]}, "steps"),
    ],
)
def test_kaggle_tasks_are_validated(change: dict[str, object], message: str) -> None:
    ChallengeSpec.model_validate(KAGGLE)  # the base is valid
    bad = {**KAGGLE, "kaggle": {**KAGGLE["kaggle"], **change}}  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=message):
        ChallengeSpec.model_validate(bad)
    with pytest.raises(ValueError, match="no options, answer or tolerance"):
        ChallengeSpec.model_validate({**KAGGLE, "answer": "0.8"})
    with pytest.raises(ValueError, match="needs a `kaggle:` section"):
        ChallengeSpec.model_validate({**KAGGLE, "kind": "text", "answer": "x"})


def test_every_kaggle_task_names_a_real_metric_and_a_reachable_target() -> None:
    from bot.catalog.schema import KAGGLE_METRICS

    tasks = [c for c in BANK.challenges if c.kind == "kaggle"]
    assert len(tasks) >= 25
    for spec in tasks:
        assert spec.kaggle is not None
        low, high, _ = KAGGLE_METRICS[spec.kaggle.metric]
        assert low <= spec.kaggle.target <= high, spec.id
        assert spec.kaggle.url.startswith("https://www.kaggle.com/"), spec.id


def test_a_content_id_may_not_take_a_generators_id(tmp_path: Path) -> None:
    folder = tmp_path / "cs-fundamentals"
    folder.mkdir()
    (folder / "x.yaml").write_text(
        "challenges:\n  - id: puzzle-lis-length\n    kind: text\n    difficulty: 1\n"
        "    title: Clash\n    prompt: Which name?\n    answer: [x]\n    explanation: Because.\n",
        encoding="utf-8",
    )
    assert any("is a generator's id" in e for e in load_bank(tmp_path).errors)


def test_difficulty_is_used_across_the_range_in_every_track() -> None:
    for track in TRACKS:
        levels = {c.difficulty for c in BANK.challenges if c.track == track}
        assert levels == {1, 2, 3}, track
