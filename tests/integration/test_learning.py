"""Personal puzzle inputs, practice with spaced repetition, Kaggle tasks and their review,
through the command layer against real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.catalog.generators import generate, seed_for
from bot.store.db import Database
from bot.store.models import ActivityDay, Challenge, KaggleSubmission, Member, Practice, Score
from tests.conftest import Harness, row_counts

PUZZLE = "puzzle-count-inversions"  # answers differ between members


def key(h: Harness, user: str) -> str:
    return f"test:{h.workspace}:{user}"


def answer_of(h: Harness, gen: str, user: str) -> str:
    return generate(gen, seed_for(gen, key(h, user))).answer


async def test_two_members_get_their_own_puzzle_and_only_their_answer_counts(
    harness: Harness,
) -> None:
    h = harness
    for user in ("alice", "bob"):
        await h.ok(user, "/study join")
    await h.ok("mod", f"/studymod challenge post-now {PUZZLE}")
    post = h.poster.posts[-1]
    assert "Everyone gets their own input" in post.body
    alice_view = await h.run("alice", "/study today")
    bob_view = await h.run("bob", "/study today")
    assert alice_view.attachment is not None
    assert bob_view.attachment is not None
    assert alice_view.attachment.content != bob_view.attachment.content  # personal inputs
    mine, theirs = answer_of(h, PUZZLE, "alice"), answer_of(h, PUZZLE, "bob")
    assert mine != theirs
    # The same member always gets the same input back.
    again = await h.run("alice", "/study today")
    assert again.attachment is not None
    assert again.attachment.content == alice_view.attachment.content
    # bob's answer is wrong for alice; her own is right.
    assert "Not quite" in await h.ok("alice", f"/study submit {theirs}")
    text = await h.ok("alice", f"/study submit {mine}")
    assert "Correct" in text
    assert f"Answer: {mine}" in text
    assert "Correct" in await h.ok("bob", f"/study submit {theirs}")
    # The closing post explains that answers were personal.
    await h.ok("mod", "/studymod challenge post-now two-heads")
    assert "each member had their own input" in h.poster.posts[-1].body


async def test_a_personal_input_is_the_same_on_every_run() -> None:
    """The seed is SHA-256 of challenge and member; the input comes from our own PRNG."""
    a = generate(PUZZLE, seed_for(PUZZLE, "discord:1234:5678"))
    b = generate(PUZZLE, seed_for(PUZZLE, "discord:1234:5678"))
    assert a == b
    assert seed_for(PUZZLE, "discord:1234:5678") == seed_for(PUZZLE, "discord:1234:5678")
    assert seed_for(PUZZLE, "discord:1234:5678") != seed_for(PUZZLE, "discord:1234:5679")


FIXTURE_ANSWERS = {
    "two-heads": "A",
    "binomial-two-of-four": "0.375",
    "lifo-structure": "stack",
    "binary-search-cost": "B",
    "precision-definition": "0.75",
    "bagging-name": "bagging",
    "git-undo-commit": "B",
}


async def open_practice(h: Harness, user: str) -> Challenge:
    async with h.db.unit_of_work() as s:
        return (
            await s.exec(
                select(Challenge)
                .join(Practice, col(Practice.challenge_id) == Challenge.id)
                .join(Member, col(Member.id) == Practice.member_id)
                .where(col(Practice.is_open), Member.user_id == user)
            )
        ).one()


def right(h: Harness, user: str, ch: Challenge) -> str:
    gen = ch.answer.get("generator")
    return answer_of(h, gen, user) if gen else FIXTURE_ANSWERS[ch.id]


async def solve_open(h: Harness, user: str) -> str:
    ch = await open_practice(h, user)
    text = await h.ok(user, f"/study practice answer {right(h, user, ch)}")
    assert "Correct" in text
    return text


async def test_practice_prefers_the_weakest_track_and_reviews_after_1_3_and_7_days(
    harness: Harness,
) -> None:
    h = harness
    await h.ok("alice", "/study join")
    # alice is strong in CS fundamentals (a round solved), weak in statistics (a round failed).
    await h.ok("mod", "/studymod challenge post-now lifo-structure")
    await h.ok("alice", "/study submit stack")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    assert "comes back for review" in await h.ok("alice", "/study submit B")
    await h.ok("mod", "/studymod challenge post-now bagging-name")
    # Day 0: the failed question is due tomorrow; a new one from the weakest track comes.
    first = await h.run("alice", "/study practice")
    assert first.title is not None
    assert first.title.startswith("Practice · ")
    assert "Probability" in first.title
    assert "Practice counts for your streak" in first.body
    assert (await open_practice(h, "alice")).id not in ("two-heads", "bagging-name")
    await solve_open(h, "alice")
    # Day 1: the review.
    h.clock.advance(timedelta(days=1))
    review = await h.run("alice", "/study practice")
    assert review.title is not None
    assert review.title.startswith("Review · Two heads in two tosses")
    day1 = h.clock.now().date()
    text = await h.ok("alice", "/study practice answer A")
    assert f"comes back once more on {day1 + timedelta(days=3)}" in text
    # Not due for 3 days: practice offers something else meanwhile.
    other = await h.run("alice", "/study practice probability-statistics")
    assert other.title is not None
    assert "Two heads" not in other.title
    await solve_open(h, "alice")
    h.clock.advance(timedelta(days=3))
    again = await h.run("alice", "/study practice")
    assert again.title is not None
    assert again.title.startswith("Review · Two heads")
    text = await h.ok("alice", "/study practice answer A")
    assert f"comes back once more on {day1 + timedelta(days=10)}" in text
    h.clock.advance(timedelta(days=7))
    again = await h.run("alice", "/study practice")
    assert again.title is not None
    assert again.title.startswith("Review · Two heads")
    assert "That one is learnt" in await h.ok("alice", "/study practice answer A")
    async with h.db.unit_of_work() as s:
        row = (await s.exec(select(Practice).where(Practice.challenge_id == "two-heads"))).one()
        assert (row.stage, row.review_on, row.correct) == (0, None, 3)


async def test_a_wrong_review_starts_over_at_one_day(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    await h.ok("alice", "/study submit B")
    await h.ok("mod", "/studymod challenge post-now bagging-name")
    h.clock.advance(timedelta(days=1))
    await h.ok("alice", "/study practice")
    await h.ok("alice", "/study practice answer A")  # right: back in 3 days
    h.clock.advance(timedelta(days=3))
    assert "Review · Two heads" in ((await h.run("alice", "/study practice")).title or "")
    text = await h.ok("alice", "/study practice answer C")  # mcq: one attempt
    tomorrow = h.clock.now().date() + timedelta(days=1)
    assert f"comes back for review on {tomorrow}" in text


async def test_practice_counts_for_the_streak_not_the_leaderboard(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    asked = await h.run("alice", "/study practice cs-fundamentals")
    assert asked.title is not None
    text = await solve_open(h, "alice")
    assert "1-day streak" in text
    async with h.db.unit_of_work() as s:
        assert (await s.exec(select(Score))).all() == []  # no points on any board
        days = (await s.exec(select(ActivityDay.source))).all()
    assert days == ["practice"]
    profile = await h.ok("alice", "/study profile")
    assert "Practice: 1 right of 1 (CS fundamentals 1/1)" in profile


async def test_practice_bad_input_changes_nothing(harness: Harness) -> None:
    h = harness
    await h.ok("alice", "/study join")
    before = await row_counts(h.db)
    reply = await h.run("alice", "/study practice answer 42")
    assert reply.error
    assert "No practice question is open" in reply.body
    reply = await h.run("alice", "/study practice astrology")
    assert reply.error
    assert await row_counts(h.db) == before


async def kaggle_task(db: Database) -> str:
    """Add one Kaggle task to the fixture bank (it has none)."""
    from bot.catalog.schema import ChallengeSpec

    spec = ChallengeSpec.model_validate(
        {
            "id": "kaggle-titanic-test",
            "kind": "kaggle",
            "track": "data-modeling-evaluation",
            "difficulty": 1,
            "title": "Titanic test task",
            "prompt": "Build a baseline and submit your notebook URL and public score.",
            "kaggle": {
                "url": "https://www.kaggle.com/competitions/titanic",
                "metric": "accuracy",
                "target": 0.77,
                "days": 7,
                "steps": ["Load the data", "Fit a model", "Submit"],
            },
            "explanation": "A cross-validated pipeline beats the gender rule.",
        }
    )
    from datetime import UTC, datetime

    async with db.unit_of_work() as s:
        s.add(spec.to_row(datetime(2026, 3, 1, tzinfo=UTC)))
    return spec.id


NOTEBOOK = "https://www.kaggle.com/code/alice/titanic-baseline"


async def test_kaggle_result_earns_points_and_a_study_day(harness: Harness) -> None:
    h = harness
    task = await kaggle_task(h.db)
    await h.ok("alice", "/study join")
    listing = await h.ok("alice", "/study kaggle")
    assert task in listing
    shown = await h.ok("alice", f"/study kaggle {task}")
    assert "Metric: accuracy; target: 0.77 or higher; time box: 7 days." in shown
    text = await h.ok("alice", f"/study kaggle submit {task} {NOTEBOOK} 0.7799")
    assert "+20 points (+10 for beating the 0.77 target)" in text
    assert "1-day streak" in text
    board = await h.ok("bob", "/study leaderboard week")
    assert "Alice — 20 pts" in board
    again = await h.run("alice", f"/study kaggle submit {task} {NOTEBOOK} 0.8")
    assert again.error
    assert "already reported" in again.body
    with pytest.raises(AssertionError):  # a Kaggle task is never a daily round
        await h.ok("mod", f"/studymod challenge post-now {task}")


@pytest.mark.parametrize(
    ("url", "score", "says"),
    [
        ("http://www.kaggle.com/code/a/b", "0.8", "https://www.kaggle.com"),
        ("https://example.com/code/a/b", "0.8", "https://www.kaggle.com"),
        ("https://www.kaggle.com/competitions/house-prices", "0.8", "not a Kaggle notebook"),
        (NOTEBOOK, "1.3", "between 0 and 1"),
        (NOTEBOOK, "high", "not a score"),
    ],
)
async def test_kaggle_bad_links_and_scores_are_refused_and_nothing_is_written(
    harness: Harness, url: str, score: str, says: str
) -> None:
    h = harness
    task = await kaggle_task(h.db)
    await h.ok("alice", "/study join")
    before = await row_counts(h.db)
    reply = await h.run("alice", f"/study kaggle submit {task} {url} {score}")
    assert reply.error
    assert says in reply.body
    assert await row_counts(h.db) == before


async def test_a_moderator_rejects_a_result_points_and_day_go_and_the_member_is_told(
    harness: Harness,
) -> None:
    h = harness
    task = await kaggle_task(h.db)
    await h.ok("alice", "/study join")
    await h.ok("alice", f"/study kaggle submit {task} {NOTEBOOK} 0.70")  # under the target
    listing = await h.ok("mod", "/studymod review list")
    assert "#1 Alice · `kaggle-titanic-test` · 0.7 (+10)" in listing
    assert NOTEBOOK in listing
    refused = await h.run("alice", "/studymod review reject 1 copied")
    assert refused.error
    out = await h.outcome("mod", "/studymod review reject 1 the notebook is someone else's")
    assert not out.reply.error
    assert "10 points removed" in out.reply.body
    assert "no longer counts for their streak" in out.reply.body
    assert [p.user for p in out.posts] == ["alice"]
    assert "the notebook is someone else's" in out.posts[0].body
    async with h.db.unit_of_work() as s:
        points = (await s.exec(select(Score.points))).all()
        assert set(points) == {0}
        assert (await s.exec(select(ActivityDay))).all() == []
        alice = (await s.exec(select(Member).where(Member.user_id == "alice"))).one()
        assert alice.current_streak == 0
        sub = (await s.exec(select(KaggleSubmission))).one()
        assert (sub.status, sub.reviewed_by) == ("rejected", "mod")
    again = await h.run("mod", "/studymod review reject 1 twice")
    assert again.error
    assert "already rejected" in again.body
    # Rejected, alice may report again.
    assert "Recorded #2" in await h.ok("alice", f"/study kaggle submit {task} {NOTEBOOK} 0.78")


async def test_rejecting_keeps_the_day_when_something_else_counted(harness: Harness) -> None:
    h = harness
    task = await kaggle_task(h.db)
    await h.ok("alice", "/study join")
    await h.ok("alice", "/study log 30 reading")
    await h.ok("alice", f"/study kaggle submit {task} {NOTEBOOK} 0.78")
    reply = await h.ok("mod", "/studymod review reject 1 wrong competition")
    assert "no longer counts" not in reply
    async with h.db.unit_of_work() as s:
        assert len((await s.exec(select(ActivityDay))).all()) == 1


async def test_kaggle_tasks_are_never_auto_picked(harness: Harness) -> None:
    h = harness
    task = await kaggle_task(h.db)
    async with h.db.unit_of_work() as s:
        from bot.catalog.sequence import order_bank

        await order_bank(s)
    from bot.catalog.bank import load_bank
    from bot.catalog.generators import GENERATORS
    from tests.conftest import FIXTURE_CONTENT

    static = [c for c in load_bank(FIXTURE_CONTENT).challenges if c.kind != "kaggle"]
    walk = len(static) + len(GENERATORS)  # the fixture bank and the generators
    for _ in range(walk + 5):
        await h.ok("mod", "/studymod challenge post-now")
    async with h.db.unit_of_work() as s:
        from bot.store.models import Round

        picked = set((await s.exec(select(Round.challenge_id))).all())
    assert len(picked) == walk  # every one once before any comes twice
    assert task not in picked
    refused = await h.run("mod", f"/studymod challenge schedule {task} 2026-03-09")
    assert refused.error
    assert "Kaggle task" in refused.body
