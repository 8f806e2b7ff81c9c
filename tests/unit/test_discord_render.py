"""Replies and posts as Discord messages: always within Discord's limits, mentions and
references in Discord's syntax, buttons five a row, forms as modals, long text as a file."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.render import (
    EMBED_TOTAL_MAX,
    FULL_TEXT,
    button_rows,
    discord_text,
    embeds_for,
    modal_of,
    render_reply,
)
from bot.edge import Choice, Field, Form, FormInput, Reply, channel_ref, mention, role_ref


def _total(embeds: list[dict[str, Any]]) -> int:
    n = 0
    for e in embeds:
        n += len(e.get("title", "")) + len(e.get("description", ""))
        n += sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
    return n


def _within_limits(embeds: list[dict[str, Any]]) -> None:
    assert 1 <= len(embeds) <= 10
    assert _total(embeds) <= EMBED_TOTAL_MAX
    for e in embeds:
        assert len(e.get("title", "")) <= 256
        assert len(e.get("description", "")) <= 4096
        assert len(e.get("fields", [])) <= 25
        for f in e.get("fields", []):
            assert 1 <= len(f["name"]) <= 256
            assert 1 <= len(f["value"]) <= 1024


@given(
    body=st.text(max_size=12_000),
    title=st.none() | st.text(max_size=400),
    fields=st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30),
)
def test_any_message_fits_discord(
    body: str, title: str | None, fields: list[tuple[str, str]]
) -> None:
    embeds, spill = embeds_for(body, title, tuple(Field(n, v) for n, v in fields))
    _within_limits(embeds)
    if spill is not None:
        assert spill.filename == FULL_TEXT
        assert spill.content == discord_text(body)


def test_long_body_keeps_everything_in_a_file() -> None:
    body = "\n".join(f"line {i} " + "x" * 60 for i in range(200))  # ~13k characters
    embeds, spill = embeds_for(body, "Puzzle", ())
    _within_limits(embeds)
    assert spill is not None
    assert spill.content == body
    assert embeds[-1]["description"].endswith(f"attached: {FULL_TEXT})")


def test_body_over_one_description_spans_embeds() -> None:
    body = "\n".join("y" * 99 for _ in range(50))  # 5,000 characters: two descriptions
    embeds, spill = embeds_for(body, None, ())
    assert spill is None
    assert len(embeds) == 2
    assert "".join(e["description"] for e in embeds).replace("\n", "") == body.replace("\n", "")


def test_mentions_and_references_in_discord_syntax() -> None:
    text = f"{mention('42', 'ann')} posts in {channel_ref('2001')} for {role_ref('7')}"
    assert discord_text(text) == "<@42> posts in <#2001> for <@&7>"
    assert discord_text(mention("ann", "ann")) == "@ann"  # not a Discord id: no ping syntax


def test_buttons_five_a_row() -> None:
    choices = tuple(Choice(f"study.submit?answer={i}", f"{i}") for i in range(12))
    rows = button_rows(choices)
    assert [len(r) for r in rows] == [5, 5, 2]
    rendered = render_reply(Reply("pick", choices=choices))
    assert rendered.rows == rows


def test_error_replies_are_red_and_empty_ones_valid() -> None:
    embeds, _ = embeds_for("nope", None, (), error=True)
    assert embeds[0]["color"] == 0xED4245
    empty, _ = embeds_for("", None, ())
    _within_limits(empty)
    assert empty[0]["description"]


def test_form_as_modal() -> None:
    async def build() -> Any:
        form = Form(
            "study.submit?round=3",
            "Answer round #3",
            (FormInput("answer", "Your answer", "short", True, 200, "a number"),),
        )
        return modal_of(form)

    modal = asyncio.run(build())
    payload = modal.to_dict()
    assert payload["custom_id"] == "study.submit?round=3"
    assert payload["title"] == "Answer round #3"
    assert "answer" in str(payload["components"])
    assert modal.is_finished()  # never kept in discord.py's view store
