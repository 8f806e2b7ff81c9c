"""Button presses and form submissions through the dispatcher, on real databases: a press runs
its command for whoever pressed, a repeated delivery is counted once, a stale or forged id gets
a friendly reply and writes nothing, and a form's preset options cannot be overridden."""

from __future__ import annotations

from bot.edge import Command, Invocation, Press, Reply, Submit
from bot.edge.actions import action_id
from tests.conftest import Harness, row_counts


async def act(
    h: Harness, user: str, action: Press | Submit | Command, delivery: str | None = None
) -> Reply:
    inv = Invocation(
        "test", h.workspace, "#study", user, user.title(), action, h.clock.now(),
        is_moderator=user in h.moderators, delivery_id=delivery,
    )  # fmt: skip
    return (await h.dispatcher.handle(inv)).reply


async def open_mcq(h: Harness) -> Reply:
    await h.ok("ann", "/study join")
    await h.ok("bob", "/study join")
    await h.ok("mod", "/studymod challenge post-now two-heads")
    return await h.run("ann", "/study today")


async def test_a_press_answers_for_whoever_pressed_once_per_delivery(harness: Harness) -> None:
    h = harness
    today = await open_mcq(h)
    assert [c.label for c in today.choices] == ["A) 1/4", "B) 1/2", "C) 3/4"]
    post = h.poster.posts[-1]
    assert post.choices == today.choices  # the channel post carries the same buttons
    right = post.choices[0].id
    first = await act(h, "ann", Press(right, "m1"), delivery="i-1")
    again = await act(h, "ann", Press(right, "m1"), delivery="i-1")  # the platform retried
    assert "Correct! +15 points" in first.body
    assert again == first
    other = await act(h, "bob", Press(post.choices[1].id, "m1"), delivery="i-2")
    assert "Not correct" in other.body  # bob's own answer, one attempt for an mcq
    board = await h.ok("ann", "/study leaderboard")
    assert "Ann — 15 pts" in board
    assert "Bob" not in board


async def test_stale_and_forged_buttons_write_nothing(harness: Harness) -> None:
    h = harness
    await open_mcq(h)
    before = await row_counts(h.db)
    for ref in ("nonsense", "study.nope?x=1", "study.submit?round=1&answer=A&evil=1", "../../x"):
        reply = await act(h, "ann", Press(ref))
        assert reply.error, ref
        assert len(reply.body) < 200
    closed = action_id(("study", "submit"), round=999, answer="A")
    reply = await act(h, "ann", Press(closed))
    assert reply.error
    assert "Round #999 has closed" in reply.body
    assert await row_counts(h.db) == before


async def test_a_member_button_does_not_make_a_moderator(harness: Harness) -> None:
    h = harness
    await open_mcq(h)
    before = await row_counts(h.db)
    forged = action_id(("studymod", "challenge", "post-now"))
    reply = await act(h, "ann", Press(forged))
    assert reply.error
    assert "Only moderators" in reply.body
    assert await row_counts(h.db) == before


async def test_a_form_submission_keeps_its_preset_options(harness: Harness) -> None:
    h = harness
    await h.ok("ann", "/study join")
    await h.ok("mod", "/studymod challenge post-now binomial-two-of-four")
    form_reply = await act(h, "ann", Press(action_id(("study", "submit"), round=1)))
    assert form_reply.form is not None
    assert [i.id for i in form_reply.form.inputs] == ["answer"]
    # A submission naming another round is held to the form's round.
    reply = await act(h, "ann", Submit(form_reply.form.id, {"answer": "0.375", "round": "7"}))
    assert "Correct!" in reply.body


async def test_the_challenge_add_form_adds_through_the_same_rules(harness: Harness) -> None:
    h = harness
    form = (await h.run("mod", "/studymod challenge add")).form
    assert form is not None
    bad = await act(h, "mod", Submit(form.id, {"title": "X", "details": "astrology 9"}))
    assert bad.error
    assert "Track and difficulty" in bad.body
    ok = await act(
        h,
        "mod",
        Submit(
            form.id,
            {
                "title": "Quarter as a decimal",
                "prompt": "Write 1/4 as a decimal.",
                "answer": "0.25 ± 0.01",
                "explanation": "One quarter is 0.25.",
                "details": "probability-statistics 1",
            },
        ),
    )
    assert not ok.error, ok.body
    assert "`quarter-as-a-decimal` (numeric, Probability & statistics" in ok.body
    # Structured options (a platform's own) take the same path.
    via_options = await act(
        h,
        "mod",
        Command(
            ("studymod", "challenge", "add"),
            {
                "track": "cs-fundamentals",
                "difficulty": "2",
                "title": "Last in first out",
                "prompt": "Which structure is last in, first out? One word.",
                "answer": "stack",
                "explanation": "A stack pops the newest item first.",
            },
        ),
    )
    assert not via_options.error, via_options.body
    assert "(text, CS fundamentals, ★★☆" in via_options.body
