"""Rendering-neutral messages. Adapters turn these into embeds, Block Kit or terminal text.

A message may carry choices (buttons, each a stable id naming the command it runs), a form
(a modal: title, up to five inputs, and the command its submission runs), attachments (bytes
with a mime type), a picture (an Image, drawn from a Picture's data) and mentions (a neutral
segment inside the text, see `mention`).
"""

from __future__ import annotations

import re
from collections.abc import Sized
from dataclasses import dataclass, field
from typing import Literal

from bot.pictures.data import Picture

ID_MAX = 100  # Discord custom ids and Slack action ids: at most 100 characters
LABEL_MAX = 80  # Discord button labels
FORM_TITLE_MAX = 45  # Discord modal titles
FORM_INPUTS_MAX = 5  # Discord modals hold at most five inputs

Style = Literal["primary", "secondary", "success", "danger"]
InputKind = Literal["short", "paragraph"]


def _bounded(what: str, value: Sized, limit: int) -> None:
    """A platform limit, checked where the message is made rather than where it is sent."""
    if not 0 < len(value) <= limit:
        raise ValueError(f"{what} has 1-{limit} characters or items: {value!r}")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True)
class Choice:
    """A button. `id` names what pressing it does (see bot/edge/actions.py)."""

    id: str
    label: str
    style: Style = "secondary"

    def __post_init__(self) -> None:
        _bounded("a choice id", self.id, ID_MAX)
        _bounded("a choice label", self.label, LABEL_MAX)


@dataclass(frozen=True, slots=True)
class FormInput:
    id: str
    label: str
    kind: InputKind = "short"
    required: bool = True
    max_length: int = 4000
    placeholder: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    """A modal. Submitting it runs the command `id` names, with the inputs as its options."""

    id: str
    title: str
    inputs: tuple[FormInput, ...]

    def __post_init__(self) -> None:
        _bounded("a form id", self.id, ID_MAX)
        _bounded("a form title", self.title, FORM_TITLE_MAX)
        _bounded("a form's inputs", self.inputs, FORM_INPUTS_MAX)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "text/plain"

    @classmethod
    def text(cls, filename: str, content: str, mime: str = "text/plain") -> Attachment:
        return cls(filename, content.encode("utf-8"), mime)

    @property
    def is_text(self) -> bool:
        return self.mime.startswith("text/") or self.mime == "application/json"

    @property
    def content(self) -> str:
        """The attachment as text (for text attachments)."""
        return self.data.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class Image:
    """A picture to show with a message: PNG bytes, and what it shows in words (alt text)."""

    data: bytes
    filename: str
    alt: str
    mime: str = "image/png"


# -- mentions: a neutral segment inside message text ----------------------------------------

_OPEN, _SEP, _CLOSE, _REF = "\ue000", "\ue001", "\ue002", "\ue003"  # private-use: never typed
_SEGMENT = re.compile(
    f"{_OPEN}([^{_SEP}{_CLOSE}]*){_SEP}([^{_CLOSE}]*){_CLOSE}"
    f"|{_REF}(channel|role){_SEP}([^{_CLOSE}]*){_CLOSE}"
)
_PRIVATE = re.compile(f"[{_OPEN}{_SEP}{_CLOSE}{_REF}]")
RefKind = Literal["channel", "role"]


@dataclass(frozen=True, slots=True)
class Mention:
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A channel or a role, by the platform's id (`<#123>`, `<@&456>` on Discord)."""

    kind: RefKind
    id: str


def mention(user_id: str, name: str) -> str:
    """A mention of a member, to put inside message text; each platform renders it its way."""
    return f"{_OPEN}{strip_markers(user_id)}{_SEP}{strip_markers(name)}{_CLOSE}"


def channel_ref(channel_id: str) -> str:
    """A channel named inside message text (the console shows its id, e.g. `#study`)."""
    return f"{_REF}channel{_SEP}{strip_markers(channel_id)}{_CLOSE}"


def role_ref(role_id: str) -> str:
    """A platform role named inside message text (plain text shows `@id`)."""
    return f"{_REF}role{_SEP}{strip_markers(role_id)}{_CLOSE}"


def strip_markers(text: str) -> str:
    """User input never carries mention markers (the dispatcher strips them at the edge)."""
    return _PRIVATE.sub("", text)


def segments(text: str) -> list[str | Mention | Ref]:
    """Text split into plain runs, mentions and references, for an adapter to render."""
    out: list[str | Mention | Ref] = []
    at = 0
    for m in _SEGMENT.finditer(text):
        if m.start() > at:
            out.append(text[at : m.start()])
        if m.group(3) is None:
            out.append(Mention(m.group(1), m.group(2)))
        else:
            out.append(Ref("channel" if m.group(3) == "channel" else "role", m.group(4)))
        at = m.end()
    if at < len(text):
        out.append(text[at:])
    return out


def _plain(m: re.Match[str]) -> str:
    if m.group(3) is None:
        return f"@{m.group(2)}"
    return m.group(4) if m.group(3) == "channel" else f"@{m.group(4)}"


def plain_mentions(text: str) -> str:
    """Mentions as `@name`, channels by id, roles as `@id`: the plain-text rendering."""
    return _SEGMENT.sub(_plain, text)


# -- replies and posts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to one invocation, shown to the caller (privately when `ephemeral`).

    `form`: the reply is a form to fill in (a modal). `replace`: the reply takes the place of
    the message whose button was pressed.
    """

    body: str
    title: str | None = None
    fields: tuple[Field, ...] = ()
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    form: Form | None = None
    ephemeral: bool = True
    error: bool = False
    replace: bool = False
    # What to draw (the dispatcher renders it into `image` after the unit of work).
    picture: Picture | None = None
    image: Image | None = None

    @property
    def attachment(self) -> Attachment | None:
        return self.attachments[0] if self.attachments else None


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
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # A send taken back after a crash: the platform may already have it (look before posting).
    resend: bool = False
    picture: Picture | None = None  # drawn into `image` just before sending
    image: Image | None = None

    @property
    def is_dm(self) -> bool:
        return self.user is not None


@dataclass(slots=True)
class Outbox:
    """Posts a unit of work decided on; they are sent after it commits."""

    posts: list[Post] = field(default_factory=list)
    # Set when a schedule setting changed: the scheduler re-reads due times after the commit.
    rearmed: bool = False

    def add(self, post: Post) -> None:
        self.posts.append(post)


# -- the plain-text rendering every adapter can fall back to (and the console prints) -------


def render_text(
    body: str,
    title: str | None = None,
    fields: tuple[Field, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> str:
    parts: list[str] = []
    if title:
        parts.append(f"**{title}**")
    if body:
        parts.append(body)
    if fields:
        parts.append("\n".join(f"{f.name}: {f.value}" for f in fields))
    for a in attachments:
        shown = a.content if a.is_text else f"({a.mime}, {len(a.data)} bytes)"
        parts.append(f"--- {a.filename} ---\n{shown}")
    return plain_mentions("\n".join(parts))


def reply_text(reply: Reply) -> str:
    return render_text(reply.body, reply.title, reply.fields, reply.attachments)


def post_text(post: Post) -> str:
    return render_text(post.body, post.title, post.fields, post.attachments)
