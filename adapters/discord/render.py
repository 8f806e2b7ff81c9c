"""Replies and Posts as Discord messages: embeds within Discord's limits, buttons, a modal,
files. The limits are Discord's (it refuses an over-long message with 400/50035 and the member
sees "did not respond"); discord.py does not check them, so this module does.

`render` is pure (dicts and bytes); `to_discord` makes discord.py objects from its result.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.limits import chunks, cut
from bot.edge import Attachment, Choice, Field, Form, Image, Mention, Post, Ref, Reply, segments

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
EMBEDS_MAX = 10
BUTTONS_PER_ROW = 5
ROWS_MAX = 5
INPUT_LABEL_MAX = 45
PLACEHOLDER_MAX = 100
FULL_TEXT = "message.txt"
ALT_MAX = 1024  # an attachment's description

COLOUR = 0x5865F2  # blurple
ERROR_COLOUR = 0xED4245
STYLE = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


@dataclass(frozen=True, slots=True)
class Rendered:
    embeds: list[dict[str, Any]] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    rows: list[list[Choice]] = field(default_factory=list)
    # Shown in the last embed (`attachment://`), its description the picture's alt text.
    image: Image | None = None


def discord_text(text: str) -> str:
    """Neutral mentions and references as Discord's own: `<@id>`, `<#id>`, `<@&id>`."""
    out = []
    for seg in segments(text):
        if isinstance(seg, Mention):
            out.append(f"<@{seg.user_id}>" if seg.user_id.isdigit() else f"@{seg.name}")
        elif isinstance(seg, Ref):
            if not seg.id.isdigit():
                out.append(seg.id if seg.kind == "channel" else f"@{seg.id}")
            else:
                out.append(f"<#{seg.id}>" if seg.kind == "channel" else f"<@&{seg.id}>")
        else:
            out.append(seg)
    return "".join(out)


def _fields(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    out = []
    for f in fields[:FIELDS_MAX]:
        name = cut(discord_text(f.name), FIELD_NAME_MAX) or "\u200b"
        value = cut(discord_text(f.value), FIELD_VALUE_MAX) or "—"
        out.append({"name": name, "value": value, "inline": f.inline})
    return out


def embeds_for(
    body: str, title: str | None, fields: tuple[Field, ...], *, error: bool = False
) -> tuple[list[dict[str, Any]], Attachment | None]:
    """The embeds for a message, and the full text as a file when it does not fit in them."""
    text = discord_text(body).strip()
    head = cut(discord_text(title), TITLE_MAX) if title else None
    rows = _fields(fields)
    used = len(head or "") + sum(len(r["name"]) + len(r["value"]) for r in rows)
    room = EMBED_TOTAL_MAX - used
    spill: Attachment | None = None
    if len(text) > room:
        note = f"\n\n… (the full text is attached: {FULL_TEXT})"
        spill = Attachment.text(FULL_TEXT, discord_text(body))
        text = text[: max(0, room - len(note) - 1)].rstrip() + note
    parts = chunks(text, DESCRIPTION_MAX) if text else []
    colour = ERROR_COLOUR if error else COLOUR
    embeds: list[dict[str, Any]] = [{"color": colour} for _ in range(max(1, len(parts)))]
    for embed, part in zip(embeds, parts, strict=False):
        embed["description"] = part
    if head:
        embeds[0]["title"] = head
    if rows:
        embeds[-1]["fields"] = rows
    if not head and not parts and not rows:
        embeds[0]["description"] = "—"
    return embeds[:EMBEDS_MAX], spill


def button_rows(choices: tuple[Choice, ...]) -> list[list[Choice]]:
    """Up to 25 buttons, five a row (Discord's grid)."""
    kept = list(choices[: BUTTONS_PER_ROW * ROWS_MAX])
    return [kept[i : i + BUTTONS_PER_ROW] for i in range(0, len(kept), BUTTONS_PER_ROW)]


def with_image(embeds: list[dict[str, Any]], image: Image | None) -> list[dict[str, Any]]:
    """The picture shown in the last embed, from the attachment of its name."""
    if image is None:
        return embeds
    last = dict(embeds[-1])
    if last.get("description") == "—" and len(last) == 2:
        del last["description"]  # a picture alone needs no placeholder text
    last["image"] = {"url": f"attachment://{image.filename}"}
    return [*embeds[:-1], last]


def render_reply(reply: Reply) -> Rendered:
    embeds, spill = embeds_for(reply.body, reply.title, reply.fields, error=reply.error)
    files = [*reply.attachments, *([spill] if spill else [])]
    image = reply.image
    return Rendered(
        with_image(embeds, image), files[: EMBEDS_MAX - 1], button_rows(reply.choices), image
    )


def render_post(post: Post) -> Rendered:
    embeds, spill = embeds_for(post.body, post.title, post.fields)
    files = [*post.attachments, *([spill] if spill else [])]
    image = post.image
    return Rendered(
        with_image(embeds, image), files[: EMBEDS_MAX - 1], button_rows(post.choices), image
    )


# -- discord.py objects ------------------------------------------------------------------


def view_of(rows: list[list[Choice]]) -> discord.ui.View | None:
    """Buttons with stable custom ids: a press is handled from its id alone (after a restart
    too), so the view is stopped and never kept in discord.py's view store."""
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    for n, row in enumerate(rows):
        for c in row:
            view.add_item(
                discord.ui.Button(label=c.label, custom_id=c.id, style=STYLE[c.style], row=n)
            )
    view.stop()
    return view


def to_discord(rendered: Rendered) -> dict[str, Any]:
    """Keyword arguments for discord.py's send / followup / edit."""
    kwargs: dict[str, Any] = {"embeds": [discord.Embed.from_dict(e) for e in rendered.embeds]}
    files = [discord.File(io.BytesIO(a.data), a.filename) for a in rendered.files]
    image = rendered.image
    if image is not None:
        alt = cut(image.alt, ALT_MAX)
        files.append(discord.File(io.BytesIO(image.data), image.filename, description=alt))
    if files:
        kwargs["files"] = files
    view = view_of(rendered.rows)
    if view is not None:
        kwargs["view"] = view
    return kwargs


def modal_of(form: Form) -> discord.ui.Modal:
    """A form as a modal; its submission comes back by the form's id (see interactions)."""
    modal = discord.ui.Modal(title=form.title, custom_id=form.id, timeout=None)
    for i in form.inputs:
        modal.add_item(
            discord.ui.TextInput(
                label=cut(i.label, INPUT_LABEL_MAX),
                custom_id=i.id,
                style=discord.TextStyle.paragraph
                if i.kind == "paragraph"
                else discord.TextStyle.short,
                required=i.required,
                max_length=min(i.max_length, 4000),
                placeholder=cut(i.placeholder, PLACEHOLDER_MAX) or None,
            )
        )
    modal.stop()
    return modal
