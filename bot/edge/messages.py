"""Rendering-neutral messages. Adapters turn these into embeds, Block Kit or terminal text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: its label, and the command line it stands for."""

    label: str
    command: str


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: str
    mime: str = "text/plain"


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to one command, shown to the caller (privately when `ephemeral`)."""

    body: str
    title: str | None = None
    fields: tuple[Field, ...] = ()
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None
    ephemeral: bool = True
    error: bool = False


@dataclass(frozen=True, slots=True)
class Post:
    """A message the bot sends by itself: to a channel, or as a DM to one member."""

    body: str
    channel: str | None = None
    user: str | None = None
    title: str | None = None
    fields: tuple[Field, ...] = ()
    kind: str = "post"
    # For scheduled posts, the ledger key (`daily:2026-03-08`): an adapter may hand it to the
    # platform as an idempotency key (a Discord nonce) so a resend after a crash shows once.
    key: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.user is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "channel": self.channel,
            "user": self.user,
            "title": self.title,
            "fields": [asdict(f) for f in self.fields],
            "kind": self.kind,
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Post:
        return cls(
            body=data["body"],
            channel=data.get("channel"),
            user=data.get("user"),
            title=data.get("title"),
            fields=tuple(Field(**f) for f in data.get("fields", ())),
            kind=data.get("kind", "post"),
            key=data.get("key"),
        )


@dataclass(slots=True)
class Outbox:
    """Posts a unit of work decided on; they are sent after it commits."""

    posts: list[Post] = field(default_factory=list)
    # Set when a schedule setting changed: the scheduler re-reads due times after the commit.
    rearmed: bool = False

    def add(self, post: Post) -> None:
        self.posts.append(post)


def render_text(
    body: str,
    title: str | None = None,
    fields: tuple[Field, ...] = (),
    choices: tuple[Choice, ...] = (),
    attachment: Attachment | None = None,
) -> str:
    """The plain-text rendering every adapter can fall back to (and the console prints)."""
    parts: list[str] = []
    if title:
        parts.append(f"**{title}**")
    if body:
        parts.append(body)
    if fields:
        parts.append("\n".join(f"{f.name}: {f.value}" for f in fields))
    if choices:
        parts.append("  ".join(f"[{c.label}: {c.command}]" for c in choices))
    if attachment is not None:
        parts.append(f"--- {attachment.filename} ---\n{attachment.content}")
    return "\n".join(parts)


def reply_text(reply: Reply) -> str:
    return render_text(reply.body, reply.title, reply.fields, reply.choices, reply.attachment)


def post_text(post: Post) -> str:
    return render_text(post.body, post.title, post.fields)
