"""Replies and Posts as Block Kit, within Slack's limits (50 blocks, 3000 characters a section,
150 a header, 10 fields a section, 25 elements an actions block), and forms as modals.
Everything here is pure: dicts out, tested without a network."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from adapters.limits import chunks, cut
from adapters.slack.text import escape, to_mrkdwn, to_plain
from bot.edge import Attachment, Choice, Field, Form, Image, Post, Reply

BLOCKS_MAX = 50
SECTION_MAX = 3000
HEADER_MAX = 150
FIELDS_MAX = 10
FIELD_MAX = 2000
ACTIONS_MAX = 25
BUTTON_LABEL_MAX = 75
FALLBACK_MAX = 3000  # the notification text; the blocks carry the message
MODAL_TITLE_MAX = 24
INPUT_LABEL_MAX = 2000
INLINE_FILE_MAX = 2800  # a text attachment this small is shown in the message itself
INLINE_MIMES = ("text/plain", "application/json")  # a spreadsheet (CSV) is always a file

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    blocks: list[Block]
    # To upload beside the message: a picture (with its alt text) and files.
    files: list[Attachment | Image] = field(default_factory=list)


def _sections(mrkdwn: str) -> list[Block]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": part}}
        for part in chunks(mrkdwn, SECTION_MAX)
    ]


def _fields(fields: tuple[Field, ...]) -> list[Block]:
    items = [
        {"type": "mrkdwn", "text": cut(f"*{to_mrkdwn(f.name)}*\n{to_mrkdwn(f.value)}", FIELD_MAX)}
        for f in fields
    ]
    return [
        {"type": "section", "fields": items[i : i + FIELDS_MAX]}
        for i in range(0, len(items), FIELDS_MAX)
    ]


def _button(choice: Choice) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(to_plain(choice.label), BUTTON_LABEL_MAX)},
        "action_id": choice.id,
        "value": choice.id,
    }
    if choice.style in ("primary", "success"):
        button["style"] = "primary"
    elif choice.style == "danger":
        button["style"] = "danger"
    return button


def _actions(choices: tuple[Choice, ...]) -> list[Block]:
    return [
        {"type": "actions", "elements": [_button(c) for c in choices[i : i + ACTIONS_MAX]]}
        for i in range(0, len(choices), ACTIONS_MAX)
    ]


def message(
    body: str,
    title: str | None,
    fields: tuple[Field, ...],
    choices: tuple[Choice, ...],
    attachments: tuple[Attachment, ...],
    *,
    error: bool = False,
    image: Image | None = None,
) -> Message:
    """The blocks of one message; files too big to show inline are returned to upload."""
    head: list[Block] = []
    if title:
        header = cut(to_plain(title), HEADER_MAX)
        head.append({"type": "header", "text": {"type": "plain_text", "text": header}})
    text = to_mrkdwn(body).strip()
    if error and text:
        text = f":warning: {text}"
    files: list[Attachment | Image] = [image] if image is not None else []
    for a in attachments:
        small = a.is_text and len(a.content) <= INLINE_FILE_MAX and "```" not in a.content
        if small and a.mime in INLINE_MIMES:
            text += f"\n*{to_mrkdwn(a.filename)}*\n```{to_mrkdwn(a.content)}```"
        else:
            files.append(a)
    tail = _fields(fields) + _actions(choices)
    body_blocks = _sections(text) if text else []
    room = BLOCKS_MAX - len(head) - len(tail)
    if len(body_blocks) > room:
        # Too long to show: what fits, and the whole text as a file.
        files.append(Attachment.text("message.txt", body))
        body_blocks = body_blocks[: max(0, room - 1)] + _sections(
            "… (the full text is in message.txt)"
        )
    blocks = head + body_blocks + tail
    if not blocks:
        blocks = _sections("—")
    # The notification text is read as mrkdwn too: escaped like the rest.
    plain = to_plain(" · ".join(p for p in (title or "", body) if p)) or "studybot"
    fallback = escape(plain)
    if len(fallback) > FALLBACK_MAX:
        head_text = fallback[: FALLBACK_MAX - 1]
        amp = head_text.rfind("&")
        if amp > head_text.rfind(";"):
            head_text = head_text[:amp]  # never half an entity
        fallback = head_text + "…"
    return Message(fallback, blocks[:BLOCKS_MAX], files)


def render_reply(reply: Reply) -> Message:
    return message(
        reply.body,
        reply.title,
        reply.fields,
        reply.choices,
        reply.attachments,
        error=reply.error,
        image=reply.image,
    )


def render_post(post: Post) -> Message:
    return message(
        post.body, post.title, post.fields, post.choices, post.attachments, image=post.image
    )


def modal(form: Form, channel: str | None) -> Block:
    """A form as a modal view; its submission comes back with the form's id as callback_id,
    and the channel it was opened from in private_metadata."""
    blocks = []
    for i in form.inputs:
        element: Block = {
            "type": "plain_text_input",
            "action_id": i.id,
            "multiline": i.kind == "paragraph",
            "max_length": min(i.max_length, 3000),
        }
        if i.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": cut(i.placeholder, 150)}
        blocks.append(
            {
                "type": "input",
                "block_id": i.id,
                "optional": not i.required,
                "label": {"type": "plain_text", "text": cut(i.label, INPUT_LABEL_MAX)},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": form.id,
        "title": {"type": "plain_text", "text": cut(form.title, MODAL_TITLE_MAX)},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"channel": channel} if channel else {}),
        "blocks": blocks,
    }


def view_values(view: dict[str, Any]) -> dict[str, str]:
    """A view submission's inputs, by action id."""
    found: dict[str, str] = {}
    for block in (view.get("state") or {}).get("values", {}).values():
        for action_id, element in block.items():
            value = element.get("value")
            found[str(action_id)] = "" if value is None else str(value)
    return found


def view_channel(view: dict[str, Any]) -> str | None:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = meta.get("channel") if isinstance(meta, dict) else None
    return str(channel) if channel else None
