"""What the console prints: plain text when piped, JSON lines with `--json`, rich on a terminal;
and the console's Poster, which prints posts and DMs as they are sent."""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from bot.edge import (
    Choice,
    Clock,
    Form,
    Image,
    Invocation,
    Post,
    Reply,
    SentRef,
    iso,
    post_text,
    reply_text,
)


@dataclass(frozen=True, slots=True)
class Shown:
    """One message as the console shows it."""

    kind: str  # reply | post | dm | console | clock
    text: str
    at: datetime
    channel: str | None
    user: str | None
    ephemeral: bool
    title: str | None = None
    error: bool = False
    post_kind: str | None = None
    key: str | None = None
    choices: tuple[Choice, ...] = ()
    form: Form | None = None
    message_id: str | None = None
    image: str | None = None  # the path the message's picture was written to

    @classmethod
    def reply(cls, r: Reply, inv: Invocation, message_id: str, image: str | None) -> Shown:
        return cls(
            "reply",
            reply_text(r),
            inv.now,
            inv.channel,
            inv.user_id,
            r.ephemeral,
            title=r.title,
            error=r.error,
            choices=r.choices,
            form=r.form,
            message_id=message_id,
            image=image,
        )


def form_dict(form: Form) -> dict[str, Any]:
    return {
        "id": form.id,
        "title": form.title,
        "inputs": [
            {"id": i.id, "label": i.label, "required": i.required, "kind": i.kind}
            for i in form.inputs
        ],
    }


def plain(text: str) -> str:
    """Chat markdown (`**bold**`, `` `code` ``) as plain text, for a pipe or a file."""
    return text.replace("**", "").replace("`", "")


def _buttons(choices: tuple[Choice, ...]) -> str:
    return "  ".join(f"[{c.label}]" for c in choices)


def _form_lines(form: Form) -> str:
    fields = " ".join(f"{i.id}=…" for i in form.inputs)
    inputs = "\n".join(
        f"  {i.id}: {i.label}{'' if i.required else ' (optional)'}" for i in form.inputs
    )
    return f"Form «{form.title}»:\n{inputs}\nAnswer it with `:form {fields}`."


@dataclass
class Printer:
    """Writes what the bot says: plain, JSON lines, or rich; pictures go to files."""

    out: TextIO
    json_mode: bool
    rich: Console | None
    image_dir: Path = Path("studybot-images")  # the console session sets STUDYBOT_IMAGE_DIR

    def save(self, image: Image | None) -> str | None:
        """The picture written under `image_dir` (named by its content, so the same picture is
        one file), and its path."""
        if image is None:
            return None
        name = Path(image.filename)
        tag = hashlib.blake2b(image.data, digest_size=6).hexdigest()
        path = self.image_dir / f"{name.stem}-{tag}{name.suffix or '.png'}"
        if not path.exists():
            self.image_dir.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(image.data)
            partial.replace(path)
        return str(path)

    def show(self, m: Shown) -> None:
        if self.json_mode:
            record: dict[str, Any] = {
                "kind": m.kind,
                "post_kind": m.post_kind,
                "key": m.key,
                "channel": m.channel,
                "user": m.user,
                "ephemeral": m.ephemeral,
                "text": m.text,
                "title": m.title,
                "at": iso(m.at),
                "error": m.error,
                "choices": [{"id": c.id, "label": c.label} for c in m.choices],
            }
            if m.image is not None:
                record["image"] = m.image
            if m.form is not None:
                record["form"] = form_dict(m.form)
            line = json.dumps(record, ensure_ascii=False)
            # U+2028/U+2029 are line breaks to many readers: keep one record a line.
            line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            self.out.write(line + "\n")
            self.out.flush()
            return
        text = m.text
        if m.image is not None:
            text = f"{text}\n[picture: {m.image}]" if text else f"[picture: {m.image}]"
        if m.choices:
            text = f"{text}\n{_buttons(m.choices)}" if text else _buttons(m.choices)
        if m.form is not None:
            text = f"{text}\n{_form_lines(m.form)}" if text else _form_lines(m.form)
        if self.rich is not None:
            where = {
                "reply": f"to {m.user}" + (" (only you)" if m.ephemeral else ""),
                "post": str(m.channel),
                "dm": f"DM to {m.user}",
            }.get(m.kind, m.kind)
            style = "red" if m.error else {"post": "cyan", "dm": "magenta"}.get(m.kind, "green")
            heading = f"**{m.title}**\n"
            body = Text(text.removeprefix(heading) if m.title else text)
            body.highlight_regex(r"`[^`]+`", "bold")
            header = f"studybot {escape(where)}" + (
                f" · [bold]{escape(m.title)}[/]" if m.title else ""
            )
            self.rich.print(Panel(body, title=header, title_align="left", border_style=style))
        else:
            text = plain(text)
            head = {
                "reply": f"[to {m.user}{', only you' if m.ephemeral else ''}]",
                "post": f"[{m.channel}]",
                "dm": f"[DM to {m.user}]",
            }.get(m.kind, f"[{m.kind}]")
            self.out.write(f"{head} {text}\n")
        self.out.flush()


@dataclass
class ConsolePoster:
    """The Poster port for the console: posts and DMs are printed as they are sent, and kept
    so that `:click` can press their buttons."""

    printer: Printer
    clock: Clock
    shown: list[Shown] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def message_id(self) -> str:
        return f"m{next(self._ids)}"

    async def send(self, platform: str, workspace: str, post: Post) -> SentRef:
        m = Shown(
            "dm" if post.is_dm else "post",
            post_text(post),
            self.clock.now(),
            post.channel,
            post.user,
            post.is_dm,
            title=post.title,
            post_kind=post.kind,
            key=post.key,
            choices=post.choices,
            message_id=self.message_id(),
            image=self.printer.save(post.image),
        )
        self.printer.show(m)
        self.remember(m)
        return SentRef(m.message_id or "", post.channel)

    def remember(self, m: Shown) -> None:
        if m.choices:
            self.shown.append(m)
            del self.shown[:-50]  # the recent ones are what a member can still click


def make_printer(json_mode: bool, interactive: bool, out: TextIO = sys.stdout) -> Printer:
    return Printer(out, json_mode, Console(file=out) if interactive and not json_mode else None)
