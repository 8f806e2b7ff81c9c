"""Property-based fuzzing of every command through the real Dispatcher on a real SQLite file.

For each spec the registry holds (walked, never listed by hand) hypothesis generates hostile
invocations, as typed command lines and as structured commands, by a member, a moderator and
a stranger, plus forged button presses and form submissions. Whatever comes in:

- nothing raises out of `Dispatcher.handle`, and the answer is one Outcome with one Reply;
- an error reply wrote nothing (`row_counts` unchanged);
- a reply body is at most 4,000 characters and echoes at most ~200 characters of the input;
- the reply is never the generic "Something went wrong on my side" (dispatcher.OOPS);
- afterwards the database invariants hold: at most one open round per workspace, at most one
  correct submission per (round, member), and each member's all-time score equals the points
  of their correct submissions plus their accepted Kaggle results.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.edge.invocation import Action, Command, CommandLine, Invocation, Press, Submit
from bot.edge.messages import Reply, reply_text
from bot.store.db import Database
from commands import build_registry
from commands.dispatcher import OOPS, Outcome
from commands.spec import CommandSpec, Kind, Param
from tests.conftest import Harness, make_harness, row_counts
from tests.fuzz.common import (
    ATOMS,
    at_limits,
    dates,
    examples,
    huge,
    nasty,
    numbers,
    small_nasty,
    times,
    zones,
)
from tests.integration.test_learning import kaggle_task

REGISTRY = build_registry()
SPECS: list[CommandSpec] = list(REGISTRY.specs.values())
USERS = ("alice", "bob", "mod", "stranger")  # two members, a moderator, someone not joined
MODERATORS = {"mod"}
BODY_MAX = 4000
ECHO_MAX = 200
KAGGLE_TASK = "kaggle-titanic-test"

FUZZ = settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


# -- the world each test function fuzzes -------------------------------------------------------


async def add_kaggle_task(db: Database) -> None:
    """One Kaggle task (the fixture bank has none), so `/study kaggle submit` reaches its checks."""
    assert await kaggle_task(db) == KAGGLE_TASK


async def world(db: Database) -> Harness:
    """A group with a channel, an open round, two members with points and a Kaggle result."""
    h = await make_harness(db)
    h.moderators = set(MODERATORS)
    await add_kaggle_task(db)
    await h.ok("mod", "/study join UTC")
    await h.ok("alice", "/study join Europe/Berlin")
    await h.ok("bob", "/study join America/New_York")
    await h.ok("mod", "/studymod challenge post-now")
    await h.ok("alice", "/study log 30 reading")
    await h.ok("alice", f"/study kaggle submit {KAGGLE_TASK} https://www.kaggle.com/code/a/b 0.8")
    await h.run("alice", "/study submit A")
    await h.run("bob", "/study submit B")
    await check_invariants(db)
    return h


# -- generating invocations --------------------------------------------------------------------


def value_for(
    param: Param, typed_option_names: frozenset[str] = frozenset()
) -> st.SearchStrategy[str]:
    """A raw value for one parameter: plausible for its kind, at its bounds, or hostile.
    `typed_option_names`: the spec's options of a checked kind (choices, numbers)."""
    kind = param.kind
    if kind is Kind.INT:
        typed: st.SearchStrategy[str] = numbers(param.minimum, param.maximum)
    elif kind is Kind.HHMM:
        typed = times
    elif kind is Kind.DATE:
        typed = dates
    elif kind is Kind.TIMEZONE:
        typed = zones
    elif kind is Kind.CHOICE:
        typed = st.sampled_from(param.choices or ("x",)).flatmap(
            lambda c: st.sampled_from([c, c.upper(), f" {c} ", c + "\u202e", c + "\x00"])
        )
    elif kind is Kind.USER:
        typed = st.sampled_from(["alice", "@alice", "Bob", "@mod", "<@1>", "@", "@ ", "nobody"])
    elif kind is Kind.CHANNEL:
        typed = st.sampled_from(["#study", "#s\u202etudy", "#\x00", "<#123>", "#" + "c" * 200])
    elif kind is Kind.PAIRS:
        key = st.sampled_from((*param.keys, "bogus", "", "TITLE", "kind "))
        pair = st.builds(lambda k, v: f'{k}="{v}"' if " " in v else f"{k}={v}", key, nasty)
        # A pair alone that presets one of the spec's typed options (a form's preset).
        typed_keys = tuple(k for k in param.keys if k in typed_option_names) or param.keys
        preset = st.builds(
            lambda k, v: f"{k}={v}", st.sampled_from(typed_keys), st.one_of(at_limits(), nasty)
        )
        typed = st.one_of(preset, st.lists(pair, max_size=6).map(" ".join))
    elif kind is Kind.WORD and param.name == "url":
        typed = st.sampled_from([a for a in ATOMS if "://" in a or a.startswith("javascript")])
    elif kind is Kind.WORD and param.name in ("task", "challenge_id"):
        typed = st.sampled_from([KAGGLE_TASK, "two-heads", "lifo-structure", "nope", "TWO-HEADS"])
    else:
        typed = small_nasty
    bounds = [str(param.max_length), "x" * param.max_length, "x" * (param.max_length + 1)]
    return st.one_of(typed, nasty, st.sampled_from(bounds))


def typed_names(spec: CommandSpec) -> frozenset[str]:
    return frozenset(p.name for p in spec.params if p.kind in (Kind.CHOICE, Kind.INT))


def command_line(spec: CommandSpec) -> st.SearchStrategy[str]:
    """`/path arg …` as typed, with values as generated (quoted or not) and extra junk."""
    positional = [p for p in spec.params if p.positional]

    @st.composite
    def build(draw: st.DrawFn) -> str:
        words = list(spec.path)
        if draw(st.booleans()):
            words = [w.upper() if draw(st.booleans()) else w for w in words]
        parts = []
        for param in positional:
            if not param.required and draw(st.integers(0, 4)) == 0:
                break
            raw = draw(value_for(param, typed_names(spec)))
            if draw(st.integers(0, 3)) == 0:
                raw = f'"{raw}"'
            parts.append(raw)
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(nasty))
        sep = draw(st.sampled_from([" ", "  ", "\t", "\u3000", "\u00a0"]))
        prefix = draw(st.sampled_from(["/", "/", "/", " /", "//", "\u202e/"]))
        return prefix + " ".join(words) + (sep + sep.join(parts) if parts else "")

    return build()


def options(spec: CommandSpec) -> st.SearchStrategy[dict[str, str]]:
    """Structured options by parameter name (as a platform sends them), with stray keys."""
    fixed = st.fixed_dictionaries(
        {},
        optional={p.name: value_for(p, typed_names(spec)) for p in spec.params},
    )
    stray = st.dictionaries(st.sampled_from(["bogus", "", "\ud800", "Answer"]), nasty, max_size=1)
    return st.one_of(fixed, st.builds(lambda a, b: {**a, **b}, fixed, stray))


def action_for(spec: CommandSpec) -> st.SearchStrategy[Action]:
    text = command_line(spec).map(CommandLine)
    path = st.sampled_from([spec.path, tuple(w.upper() for w in spec.path)])
    structured = st.builds(Command, path, options(spec))
    return st.one_of(text, structured)


ids = st.one_of(
    st.text(st.characters(codec=None), max_size=120),
    st.sampled_from(
        [
            "study.submit?round=1&answer=B",
            "study.submit?round=1&answer=%ED%A0%80",
            "study.submit?round=99999999999&answer=A",
            "study.submit?round=-1&answer=A",
            "study.submit?answer=A&answer=B",
            "study.submit?round=1&answer=" + "A" * 80,
            "study.forget?confirm=confirm",
            "study.practice.answer",
            "studymod.challenge.add?kind=mcq",
            "studymod.challenge.add?kind=mcq&track=probability-statistics&difficulty=9",
            "studymod.challenge.cancel?round_id=1",
            "studymod.challenge.post-now",
            "studymod.config.timezone?timezone=localtime",
            "study.kaggle.submit?task=kaggle-titanic-test&url=https%3A%2F%2F%5B&score=1",
            "stüdy.submit?round=1",
            "study..submit",
            ".",
            "?",
            "study.submit?%",
            "study.submit?=&=",
            "study.submit?round=1&" + "x" * 200,
            "",
        ]
    ),
)
field_values = st.dictionaries(
    st.sampled_from(
        [
            "answer",
            "title",
            "prompt",
            "explanation",
            "details",
            "round",
            "kind",
            "track",
            "difficulty",
            "bogus",
        ]
    ),
    nasty,
    max_size=5,
)
raw_actions: st.SearchStrategy[Action] = st.one_of(
    st.builds(Press, ids, st.one_of(st.none(), st.text(max_size=10))),
    st.builds(Submit, ids, field_values),
)


# -- the properties --------------------------------------------------------------------------


def input_texts(action: Action) -> list[str]:
    if isinstance(action, CommandLine):
        return [action.text]
    if isinstance(action, Command):
        return [*action.options.keys(), *action.options.values()]
    if isinstance(action, Press):
        return [action.choice_id]
    return [action.form_id, *action.fields.keys(), *action.fields.values()]


def echoed(inputs: Iterable[str], shown: str, limit: int = ECHO_MAX) -> str | None:
    """A run of more than `limit` input characters that shows up verbatim in the reply."""
    w = limit + 1
    if len(shown) < w:
        return None
    windows = {shown[i : i + w] for i in range(len(shown) - w + 1)}
    for text in inputs:
        for i in range(len(text) - w + 1):
            if text[i : i + w] in windows:
                return text[i : i + w]
    return None


def short(value: object, n: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= n else f"{text[:n]}… ({len(text)} chars)"


async def check_invariants(db: Database) -> None:
    async with db.engine.connect() as conn:

        async def rows(sql: str) -> list[Any]:
            return list((await conn.execute(sa.text(sql))).all())

        open_rounds = await rows(
            "SELECT workspace_id, count(*) FROM round WHERE status = 'open' "
            "GROUP BY workspace_id HAVING count(*) > 1"
        )
        assert not open_rounds, f"more than one open round: {open_rounds}"
        doubles = await rows(
            "SELECT round_id, member_id, count(*) FROM submission WHERE correct "
            "GROUP BY round_id, member_id HAVING count(*) > 1"
        )
        assert not doubles, f"more than one correct submission: {doubles}"
        mismatched = await rows(
            """
            SELECT m.id, m.user_id, COALESCE(sc.points, 0) AS score,
                   COALESCE(sb.points, 0) + COALESCE(kg.points, 0) AS earned
            FROM member m
            LEFT JOIN score sc
              ON sc.member_id = m.id AND sc.board = 'all' AND sc.track = ''
            LEFT JOIN (SELECT member_id, SUM(points) AS points FROM submission
                       WHERE correct GROUP BY member_id) sb ON sb.member_id = m.id
            LEFT JOIN (SELECT member_id, SUM(points) AS points FROM kaggle_submission
                       WHERE status = 'accepted' GROUP BY member_id) kg ON kg.member_id = m.id
            WHERE COALESCE(sc.points, 0) != COALESCE(sb.points, 0) + COALESCE(kg.points, 0)
            """
        )
        assert not mismatched, f"all-time score != points earned: {mismatched}"
        orphans = await rows(
            "SELECT sc.member_id, sc.points FROM score sc "
            "LEFT JOIN member m ON m.id = sc.member_id WHERE m.id IS NULL"
        )
        assert not orphans, f"score rows of no member: {orphans}"


async def check(h: Harness, user: str, action: Action) -> Outcome:
    """Run one invocation and check every per-invocation property; then the invariants."""
    before = await row_counts(h.db)
    inv = Invocation(
        platform="test",
        workspace=h.workspace,
        channel="#general",
        user_id=user,
        user_name=user.title(),
        action=action,
        now=h.clock.now(),
        is_moderator=user in h.moderators,
    )
    try:
        outcome = await h.dispatcher.handle(inv)
    except BaseException as exc:
        raise AssertionError(
            f"{type(exc).__name__} escaped Dispatcher.handle for {user}: {short(action)}"
        ) from exc
    assert isinstance(outcome, Outcome), short(outcome)
    reply = outcome.reply
    assert isinstance(reply, Reply), short(reply)
    where = f"{user}: {short(action)} -> {short(reply.body)}"
    assert "Something went wrong on my side" not in reply.body, f"OOPS for {where}"
    assert reply.body != OOPS, where
    assert len(reply.body) <= BODY_MAX, f"body of {len(reply.body)} chars for {where}"
    leak = echoed(input_texts(action), reply_text(reply))
    assert leak is None, f"reply echoes {short(leak, 80)} of the input: {where}"
    if reply.error:
        after = await row_counts(h.db)
        changed = {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}
        assert not changed, f"error reply but rows changed {changed}: {where}"
    await check_invariants(h.db)
    return outcome


# -- the tests ---------------------------------------------------------------------------------


class World(Harness):
    """The harness, with a short repr for hypothesis's failure reports."""

    def __repr__(self) -> str:
        return f"World({self.workspace!r}, now={self.clock.now().isoformat()})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@pytest.fixture
async def h(sqlite_db: Database) -> Harness:
    """One world per test function; hypothesis's examples run on it one after another."""
    base = await world(sqlite_db)
    return World(base.db, base.clock, base.poster, base.dispatcher, base.workspace, base.moderators)


def spec_cases() -> list[Any]:
    return [pytest.param(s, id=s.name) for s in SPECS]


@pytest.mark.parametrize("spec", spec_cases())
@FUZZ
@given(data=st.data(), user=st.sampled_from(USERS), minutes=st.integers(0, 600))
async def test_every_command_survives_hostile_input(
    h: Harness, spec: CommandSpec, data: st.DataObject, user: str, minutes: int
) -> None:
    action = data.draw(action_for(spec), label="action")
    h.clock.advance(timedelta(minutes=minutes))
    await check(h, user, action)


@settings(FUZZ, max_examples=examples(40))
@given(user=st.sampled_from(USERS), action=raw_actions)
async def test_presses_and_forms_with_forged_ids(h: Harness, user: str, action: Action) -> None:
    await check(h, user, action)


LINES = st.one_of(
    st.builds(
        lambda p, s: f"{p} {s}",
        st.sampled_from(
            ["/", "/study", "/studymod", "/study practice", "/study kaggle", "/studymod config", ""]
        ),
        nasty,
    ),
    st.text(st.characters(codec=None), max_size=200),
    huge(),
)


@settings(FUZZ, max_examples=examples(40))
@given(user=st.sampled_from(USERS), line=LINES)
async def test_any_line_at_all(h: Harness, user: str, line: str) -> None:
    """Lines that name no command, or half of one, or a command with huge junk after it."""
    await check(h, user, CommandLine(line))
