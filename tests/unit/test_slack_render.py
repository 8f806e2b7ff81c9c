"""Slack without a network: escaped mentions in, escaping out, Block Kit within Slack's limits,
forms as modals and back."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import (
    BLOCKS_MAX,
    HEADER_MAX,
    SECTION_MAX,
    message,
    modal,
    render_reply,
    view_channel,
    view_values,
)
from adapters.slack.text import escape, from_slack, to_mrkdwn
from bot.edge import Attachment, Choice, Field, Form, FormInput, Reply, channel_ref, mention


def test_escaped_channels_and_members_become_ids() -> None:
    assert from_slack("channel <#C0123|study>") == "channel C0123"
    assert from_slack("channel <#C0123>") == "channel C0123"
    assert from_slack("repair <@U0ABC|ann> 2026-03-01 sick") == "repair U0ABC 2026-03-01 sick"
    assert from_slack("repair <@U0ABC>") == "repair U0ABC"
    assert from_slack('add title="a &lt;b&gt; &amp; c"') == 'add title="a <b> & c"'
    assert from_slack("log 30 <!here> stuff") == "log 30 here stuff"


def test_nothing_written_by_a_member_can_ping_or_link() -> None:
    for hostile in ("<!channel>", "<!here>", "<!everyone>", "<@U0ABC>", "<https://evil|x>"):
        out = to_mrkdwn(f"topic: {hostile}")
        assert "<" not in out
        assert ">" not in out
    assert to_mrkdwn("a & b") == "a &amp; b"
    # The core's own mentions are rendered as Slack's.
    assert to_mrkdwn(mention("U0ABC", "ann")) == "<@U0ABC>"
    assert to_mrkdwn(mention("<!channel>", "x")) == "@x"
    assert to_mrkdwn(channel_ref("C0123")) == "<#C0123>"
    assert to_mrkdwn("**bold**") == "*bold*"
    assert escape("<&>") == "&lt;&amp;&gt;"


def _check(blocks: list[dict[str, Any]]) -> None:
    assert 1 <= len(blocks) <= BLOCKS_MAX
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= HEADER_MAX
        if b["type"] == "section" and "text" in b:
            assert len(b["text"]["text"]) <= SECTION_MAX
        if b["type"] == "section" and "fields" in b:
            assert len(b["fields"]) <= 10
        if b["type"] == "actions":
            assert len(b["elements"]) <= 25
            assert all(len(e["action_id"]) <= 255 for e in b["elements"])


@given(
    body=st.text(max_size=200_000).filter(lambda t: "\x00" not in t) | st.just("x" * 180_000),
    title=st.none() | st.text(max_size=400),
    fields=st.lists(st.tuples(st.text(max_size=50), st.text(max_size=3000)), max_size=30),
    n_choices=st.integers(0, 30),
)
def test_any_message_fits_slack(
    body: str, title: str | None, fields: list[tuple[str, str]], n_choices: int
) -> None:
    choices = tuple(Choice(f"study.submit?answer={i}", f"opt {i}") for i in range(n_choices))
    msg = message(body, title, tuple(Field(n, v) for n, v in fields), choices, ())
    _check(msg.blocks)
    assert len(msg.text) <= 3000
    if any(f.filename == "message.txt" for f in msg.files):
        assert next(f for f in msg.files if f.filename == "message.txt").content == body


def test_small_text_files_inline_large_ones_uploaded() -> None:
    small = Attachment.text("input.txt", "1 2 3")
    big = Attachment.text("input.txt", "9 " * 5000)
    assert message("x", None, (), (), (small,)).files == []
    assert "1 2 3" in json.dumps(message("x", None, (), (), (small,)).blocks)
    assert message("x", None, (), (), (big,)).files == [big]


def test_buttons_carry_the_choice_id() -> None:
    reply = Reply("pick", choices=(Choice("study.submit?round=1&answer=A", "A) 1/4", "primary"),))
    blocks = render_reply(reply).blocks
    button = blocks[-1]["elements"][0]
    assert button["action_id"] == "study.submit?round=1&answer=A"
    assert button["style"] == "primary"
    assert button["text"] == {"type": "plain_text", "text": "A) 1/4"}


def test_a_form_round_trips_through_a_modal() -> None:
    form = Form(
        "study.submit?round=3",
        "Answer round #3, a long title",
        (FormInput("answer", "Your answer", "short", True, 200, "a number"),),
    )
    view = modal(form, "C0STUDY")
    assert view["callback_id"] == "study.submit?round=3"
    assert len(view["title"]["text"]) <= 24
    assert view["blocks"][0]["block_id"] == "answer"
    submitted = {
        **view,
        "state": {"values": {"answer": {"answer": {"type": "plain_text_input", "value": "42"}}}},
    }
    assert view_values(submitted) == {"answer": "42"}
    assert view_channel(submitted) == "C0STUDY"
    assert view_channel({"private_metadata": "not json"}) is None
