"""Web API methods about the workspace and its messages: auth.test, chat.*, conversations.*,
users.info, team.info. Each answers Slack's JSON shape and Slack's error codes."""

from __future__ import annotations

import base64
import re

from . import limits
from .api import Call, Method, int_arg, opt_text, public_message, text_arg, truthy, with_block_ids
from .models import JSON, SlackError

EVENT_TYPE = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")


async def auth_test(call: Call) -> JSON:
    assert call.token is not None
    ws = call.state.ws
    domain = "-".join(call.token.team_name.lower().split())
    return {
        "ok": True,
        "url": f"https://{domain}.slack.com/",
        "team": call.token.team_name,
        "user": ws.bot_name,
        "team_id": call.token.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def _check_metadata(metadata: object) -> None:
    if metadata is None:
        return
    if (
        not isinstance(metadata, dict)
        or not EVENT_TYPE.match(str(metadata.get("event_type", "")))
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")


def _new_message(call: Call, channel_id: str, ts: str) -> JSON:
    ws = call.state.ws
    args = call.args
    return {
        "type": "message",
        "ts": ts,
        "channel": channel_id,
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "team": call.token.team_id if call.token else ws.team_id,
        "text": args.get("text") or args.get("markdown_text") or "",
        "blocks": with_block_ids(args.get("blocks")),
        "attachments": args.get("attachments"),
        "metadata": args.get("metadata"),
        "thread_ts": opt_text(call, "thread_ts"),
    }


async def post_message(call: Call) -> JSON:
    channel_id = call.state.postable_channel(text_arg(call, "channel", "channel_not_found"))
    limits.check_message(call.args)
    _check_metadata(call.args.get("metadata"))
    thread_ts = opt_text(call, "thread_ts")
    if thread_ts and call.state.find_message(channel_id, thread_ts) is None:
        raise SlackError("thread_not_found")
    ts = call.state.next_ts()
    message = _new_message(call, channel_id, ts)
    call.state.messages.setdefault(channel_id, []).append(message)
    return {"ok": True, "channel": channel_id, "ts": ts, "message": public_message(message)}


async def post_ephemeral(call: Call) -> JSON:
    channel_id = call.state.postable_channel(text_arg(call, "channel", "channel_not_found"))
    user_id = text_arg(call, "user", "user_not_found")
    call.state.user(user_id)
    channel = call.state.channels.get(channel_id)
    if channel is not None and not channel.has_member(user_id):
        raise SlackError("user_not_in_channel")
    limits.check_message(call.args)
    ts = call.state.next_ts()
    message = _new_message(call, channel_id, ts)
    message["recipient"] = user_id
    call.state.ephemerals.setdefault(channel_id, []).append(message)
    return {"ok": True, "message_ts": ts}


def _own_message(call: Call) -> tuple[str, JSON]:
    channel_id = call.state.postable_channel(text_arg(call, "channel", "channel_not_found"))
    ts = text_arg(call, "ts", "message_not_found")
    message = next((m for m in call.state.messages.get(channel_id, []) if m["ts"] == ts), None)
    if message is None:
        raise SlackError("message_not_found")
    if message.get("user") != call.state.ws.bot_user_id:
        raise SlackError("cant_update_message")
    return channel_id, message


async def update(call: Call) -> JSON:
    channel_id, message = _own_message(call)
    limits.check_message(call.args, require_content=False)
    _check_metadata(call.args.get("metadata"))
    for key in ("text", "attachments", "metadata"):
        if key in call.args:
            message[key] = call.args[key]
    if "blocks" in call.args:
        message["blocks"] = with_block_ids(call.args["blocks"])
    message["edited"] = {"user": call.state.ws.bot_user_id, "ts": call.state.next_ts()}
    return {
        "ok": True,
        "channel": channel_id,
        "ts": message["ts"],
        "text": message["text"],
        "message": public_message(message),
    }


async def delete(call: Call) -> JSON:
    channel_id, message = _own_message(call)
    call.state.messages[channel_id].remove(message)
    return {"ok": True, "channel": channel_id, "ts": message["ts"]}


async def conversations_open(call: Call) -> JSON:
    channel = opt_text(call, "channel")
    if channel is not None:
        if call.state.dm_user(channel) is None:
            raise SlackError("channel_not_found")
        return {"ok": True, "channel": {"id": channel}, "no_op": True, "already_open": True}
    users = [u for u in text_arg(call, "users", "users_list_not_supplied").split(",") if u]
    for user_id in users:
        call.state.user(user_id)
    key = ",".join(sorted(users))
    existed = key in call.state.dms
    if len(users) == 1:
        channel_id = call.state.open_dm(users[0])
    else:
        channel_id = call.state.dms.setdefault(key, call.state.new_id("G"))
    body: JSON = {"ok": True, "channel": {"id": channel_id}}
    if existed:
        body.update(no_op=True, already_open=True)
    if truthy(call.args.get("return_im")):
        body["channel"].update(is_im=len(users) == 1, user=users[0], created=0)
    return body


def _readable_channel(call: Call) -> str:
    channel_id = text_arg(call, "channel", "channel_not_found")
    if channel_id in call.state.channels:
        if not call.state.channels[channel_id].bot_is_member:
            raise SlackError("not_in_channel")
    elif call.state.dm_user(channel_id) is None:
        raise SlackError("channel_not_found")
    return channel_id


def _page(call: Call, messages: list[JSON]) -> JSON:
    """Cursor pagination over an already ordered list; the cursor encodes an offset."""
    cursor = opt_text(call, "cursor")
    try:
        start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
    except (ValueError, IndexError):
        raise SlackError("invalid_cursor") from None
    limit = max(1, min(int_arg(call, "limit", 100), 999))
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    next_cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
    include = truthy(call.args.get("include_all_metadata"))
    return {
        "ok": True,
        "messages": [public_message(m, include_metadata=include) for m in page],
        "has_more": more,
        "response_metadata": {"next_cursor": next_cursor},
    }


def _in_range(call: Call, ts: str) -> bool:
    oldest, latest = opt_text(call, "oldest"), opt_text(call, "latest")
    inclusive = truthy(call.args.get("inclusive"))
    value = float(ts)
    if oldest is not None and (value < float(oldest) or (value == float(oldest) and not inclusive)):
        return False
    return not (
        latest is not None and (value > float(latest) or (value == float(latest) and not inclusive))
    )


async def history(call: Call) -> JSON:
    channel_id = _readable_channel(call)
    top_level = [
        m
        for m in call.state.messages.get(channel_id, [])
        if m.get("thread_ts") in (None, m["ts"]) and _in_range(call, m["ts"])
    ]
    body = _page(call, list(reversed(top_level)))  # newest first, like Slack
    body.update(pin_count=0, channel_actions_ts=None, channel_actions_count=0)
    return body


async def replies(call: Call) -> JSON:
    channel_id = _readable_channel(call)
    ts = text_arg(call, "ts", "thread_not_found")
    thread = [
        m
        for m in call.state.messages.get(channel_id, [])
        if (m["ts"] == ts or m.get("thread_ts") == ts) and _in_range(call, m["ts"])
    ]
    if not any(m["ts"] == ts for m in thread):
        raise SlackError("thread_not_found")
    return _page(call, thread)


async def conversations_info(call: Call) -> JSON:
    channel_id = text_arg(call, "channel", "channel_not_found")
    found = call.state.channels.get(channel_id)
    if found is not None:
        info: JSON = {
            "id": found.id,
            "name": found.name,
            "is_channel": not found.is_private,
            "is_group": found.is_private,
            "is_im": False,
            "is_private": found.is_private,
            "is_archived": found.is_archived,
            "is_member": found.bot_is_member,
            "created": 1_600_000_000,
        }
        return {"ok": True, "channel": info}
    user_id = call.state.dm_user(channel_id)
    if user_id is None:
        raise SlackError("channel_not_found")
    return {"ok": True, "channel": {"id": channel_id, "is_im": True, "user": user_id}}


async def users_info(call: Call) -> JSON:
    user = call.state.user(text_arg(call, "user", "user_not_found"))
    team_id = call.state.ws.team_id
    hours, rem = divmod(abs(user.tz_offset), 3600)
    profile = {
        "display_name": user.display_name,
        "display_name_normalized": user.display_name,
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "team": team_id,
    }
    body: JSON = {
        "id": user.id,
        "team_id": team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": f"UTC{'-' if user.tz_offset < 0 else '+'}{hours:02d}:{rem // 60:02d}",
        "tz_offset": user.tz_offset,
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": user.is_primary_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 1_600_000_000,
    }
    return {"ok": True, "user": body}


async def team_info(call: Call) -> JSON:
    ws = call.state.ws
    team = {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain, "email_domain": ""}
    return {"ok": True, "team": team}


async def auth_revoke(call: Call) -> JSON:
    assert call.token is not None
    if not truthy(call.args.get("test")):
        call.token.revoked = True
    return {"ok": True, "revoked": True}


METHODS: dict[str, Method] = {
    "auth.test": Method(auth_test, "bot"),
    "auth.revoke": Method(auth_revoke, "bot"),
    "chat.postMessage": Method(post_message, "bot"),
    "chat.postEphemeral": Method(post_ephemeral, "bot"),
    "chat.update": Method(update, "bot"),
    "chat.delete": Method(delete, "bot"),
    "conversations.open": Method(conversations_open, "bot"),
    "conversations.history": Method(history, "bot"),
    "conversations.replies": Method(replies, "bot"),
    "conversations.info": Method(conversations_info, "bot"),
    "users.info": Method(users_info, "bot"),
    "team.info": Method(team_info, "bot"),
}
