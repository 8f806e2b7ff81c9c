"""The edge's pure pieces: choice and form ids, mentions, message limits, SentRef."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.edge import (
    Choice,
    Form,
    FormInput,
    Mention,
    SentRef,
    action_id,
    mention,
    parse_action,
    segments,
)
from bot.edge.messages import plain_mentions, strip_markers

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
    lambda w: w.strip("-") == w
)
VALUE = st.text(min_size=0, max_size=12)


@given(st.lists(WORD, min_size=1, max_size=3), st.dictionaries(WORD, VALUE, max_size=3))
def test_an_action_id_names_its_command_and_options(
    path: list[str], options: dict[str, str]
) -> None:
    try:
        ref = action_id(tuple(path), **options)
    except ValueError:
        return  # over 100 characters: refused, never truncated
    assert len(ref) <= 100
    assert parse_action(ref) == (tuple(path), options)


def test_action_ids_read_like_the_command() -> None:
    assert action_id(("study", "submit"), round=12, answer="B") == "study.submit?round=12&answer=B"
    assert action_id(("study", "today")) == "study.today"
    assert parse_action("study.submit?round=1&answer=A%20B") == (
        ("study", "submit"),
        {"round": "1", "answer": "A B"},
    )
    with pytest.raises(ValueError, match="100"):
        action_id(("study", "submit"), answer="x" * 100)


@pytest.mark.parametrize(
    "ref", ["", "Study.Today", "study..today", "x" * 101, "study.today?a", "../x"]
)
def test_foreign_ids_are_not_ours(ref: str) -> None:
    assert parse_action(ref) is None


def test_mentions_are_a_neutral_segment() -> None:
    text = f"Well done {mention('U1', 'ann')}, and {mention('U2', 'bo')}!"
    assert segments(text) == [
        "Well done ",
        Mention("U1", "ann"),
        ", and ",
        Mention("U2", "bo"),
        "!",
    ]
    assert plain_mentions(text) == "Well done @ann, and @bo!"
    # What a member types never becomes a mention.
    forged = "\ue000U9\ue001evil\ue002"
    assert strip_markers(forged) == "U9evil"
    assert segments(strip_markers(forged)) == ["U9evil"]


def test_limits_of_choices_and_forms() -> None:
    with pytest.raises(ValueError, match="choice id"):
        Choice("x" * 101, "ok")
    with pytest.raises(ValueError, match="label"):
        Choice("ok", "")
    with pytest.raises(ValueError, match="inputs"):
        Form("f", "Title", tuple(FormInput(f"i{n}", "L") for n in range(6)))
    with pytest.raises(ValueError, match="title"):
        Form("f", "T" * 46, (FormInput("a", "A"),))


def test_a_sent_ref_round_trips() -> None:
    assert SentRef.decode(SentRef("123", "C9").encode()) == SentRef("123", "C9")
    assert SentRef.decode(SentRef("123").encode()) == SentRef("123", None)
