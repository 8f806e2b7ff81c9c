"""Slack's text, both ways: the escaped forms in slash-command text become the plain ids the
core takes (`<#C0123|study>` -> `C0123`, `<@U0123|ann>` -> `U0123`); text going out is escaped
(`&`, `<`, `>`) so nothing written by a member can become `<!channel>`, a mention or a link,
and the core's neutral mentions become Slack's own."""

from __future__ import annotations

import re

from bot.edge import Mention, Ref, segments

_ESCAPED = re.compile(r"<([#@!])([^<>|]*)(?:\|([^<>]*))?>|<(https?://[^<>|]*)(?:\|([^<>]*))?>")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")
_SLACK_CHANNEL = re.compile(r"[CGD][A-Z0-9]{2,}")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(m: re.Match[str]) -> str:
    if m.group(4) is not None:  # a link: its address
        return m.group(4)
    sigil, ident, label = m.group(1), m.group(2), m.group(3)
    if sigil in "#@":
        return ident  # a channel or a member: the id the core looks up
    # `<!here>`, `<!subteam^S1|@team>`: what the member saw, never a broadcast.
    return label or ident


def from_slack(text: str) -> str:
    """Slash-command text (escaping on) as the core reads it."""
    return unescape(_ESCAPED.sub(_plain, text))


def to_mrkdwn(text: str) -> str:
    """Core text as Slack mrkdwn: escaped, `**bold**` as `*bold*`, mentions as Slack's."""
    out = []
    for seg in segments(text):
        if isinstance(seg, Mention):
            ok = _SLACK_USER.fullmatch(seg.user_id)
            out.append(f"<@{seg.user_id}>" if ok else escape(f"@{seg.name}"))
        elif isinstance(seg, Ref):
            if seg.kind == "channel" and _SLACK_CHANNEL.fullmatch(seg.id):
                out.append(f"<#{seg.id}>")
            else:
                out.append(escape(seg.id if seg.kind == "channel" else f"@{seg.id}"))
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"*\1*", escape(seg), flags=re.S))
    return "".join(out)


def to_plain(text: str) -> str:
    """Core text for a plain_text field (a header, a button): mentions as `@name`."""
    out = []
    for seg in segments(text):
        if isinstance(seg, Mention):
            out.append(f"@{seg.name}")
        elif isinstance(seg, Ref):
            out.append(seg.id if seg.kind == "channel" else f"@{seg.id}")
        else:
            out.append(seg.replace("**", ""))
    return "".join(out)
