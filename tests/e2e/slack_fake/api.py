"""What a Web API method handler gets (the parsed call) and the helpers handlers share: required
and typed arguments, Slack's boolean strings, and how Slack shapes a message it returns."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .models import JSON, SlackError, TokenInfo
from .state import SlackState


@dataclass
class Call:
    state: SlackState
    method: str
    args: JSON
    token: TokenInfo | None  # resolved for methods that need a token
    client_auth: tuple[str, str] | None  # HTTP Basic client_id:client_secret (oauth.v2.access)


Handler = Callable[[Call], Awaitable[JSON]]


@dataclass(frozen=True)
class Method:
    handler: Handler
    auth: str  # "bot": a bot token; "app": an xapp- token; "none": no token needed


def text_arg(call: Call, name: str, missing: str = "invalid_arguments") -> str:
    value = call.args.get(name)
    if value is None or value == "":
        raise SlackError(missing)
    return str(value)


def opt_text(call: Call, name: str) -> str | None:
    value = call.args.get(name)
    return None if value is None or value == "" else str(value)


def truthy(value: Any) -> bool:
    """Slack's booleans: true, "true", "1" (slack-sdk sends bools as "1"/"0")."""
    return value is True or (isinstance(value, str) and value.lower() in {"1", "true"})


def int_arg(call: Call, name: str, default: int) -> int:
    value = call.args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments") from None


def with_block_ids(blocks: Any) -> Any:
    """Slack gives every block without a block_id a random one; the stored message has them."""
    if not isinstance(blocks, list):
        return blocks
    out = copy.deepcopy(blocks)
    for block in out:
        if isinstance(block, dict) and not block.get("block_id"):
            block["block_id"] = secrets.token_urlsafe(4)[:5]
    return out


def public_message(message: JSON, *, include_metadata: bool = True) -> JSON:
    """A stored message as Slack answers it: keys with no value are left out."""
    hidden = {"channel"} if include_metadata else {"channel", "metadata"}
    return {k: copy.deepcopy(v) for k, v in message.items() if v is not None and k not in hidden}
