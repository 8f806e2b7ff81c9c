"""The bot-token REST routes: users and DMs, the application, the gateway URLs, channel
messages (with nonce deduplication and the injected channel/DM refusals), guilds and the
application-command registry."""

from __future__ import annotations

import copy

from . import payloads
from .limits import Problems, check_commands, check_message, is_empty
from .models import CommandSync
from .rest import Call, Reply, Route, error, no_content, ok
from .store import ChannelRef

UNKNOWN_CHANNEL = (10003, "Unknown Channel")
UNKNOWN_MESSAGE = (10008, "Unknown Message")


def get_me(call: Call) -> Reply:
    return ok(payloads.me_payload(call.state.bot_user))


def get_user(call: Call) -> Reply:
    return ok(payloads.user_payload(call.state.user(call.num(1))))


def open_dm(call: Call) -> Reply:
    recipient = str(call.data.get("recipient_id", ""))
    if not recipient.isdigit():
        problems = Problems()
        problems.required(["recipient_id"], None)
        return Reply(400, problems.body())
    user = call.state.user(int(recipient))
    channel_id = call.state.open_dm(user.id)
    return ok(payloads.dm_channel_payload(channel_id, user))


def get_application(call: Call) -> Reply:
    s = call.state
    return ok(payloads.application_payload(s.application_id, s.bot_user, s.owner, len(s.guilds)))


def get_gateway(call: Call) -> Reply:
    return ok({"url": call.gateway_url})


def get_gateway_bot(call: Call) -> Reply:
    limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
    return ok({"url": call.gateway_url, "shards": call.shard_count, "session_start_limit": limit})


# -- channels and messages ---------------------------------------------------------------


def _channel(call: Call) -> ChannelRef | Reply:
    ref = call.state.channel(call.num(1))
    return error(404, *UNKNOWN_CHANNEL) if ref is None else ref


def get_channel(call: Call) -> Reply:
    ref = _channel(call)
    return ref if isinstance(ref, Reply) else ok(ref.payload())


def create_message(call: Call) -> Reply:
    ref = _channel(call)
    if isinstance(ref, Reply):
        return ref
    state, data = call.state, call.data
    if ref.guild is not None and ref.channel_id in state.denied_channels:
        return error(403, 50013, "Missing Permissions")
    if ref.dm_user is not None and ref.dm_user.id in state.closed_dms:
        return error(403, 50007, "Cannot send messages to this user")
    problems = Problems()
    check_message(call.body, problems, creating=True)
    if problems:
        return Reply(400, problems.body())
    if is_empty(data, call.files):
        return error(400, 50006, "Cannot send an empty message")
    nonce = data.get("nonce")
    key = (ref.channel_id, str(nonce))
    if nonce is not None and data.get("enforce_nonce"):
        earlier = state.nonces.get(key)
        found = None if earlier is None else state.live_message(earlier)
        if found is not None:
            return ok(copy.deepcopy(found))
    msg_type = 19 if data.get("message_reference") else 0
    message = state.create_message(
        ref.channel_id, data, call.files, origin="channel", msg_type=msg_type
    )
    if nonce is not None:
        state.nonces[key] = int(message["id"])
    return ok(copy.deepcopy(message))


def get_message(call: Call) -> Reply:
    message = call.state.live_message(call.num(2), call.num(1))
    return error(404, *UNKNOWN_MESSAGE) if message is None else ok(copy.deepcopy(message))


def edit_message(call: Call) -> Reply:
    state = call.state
    if state.channel(call.num(1)) is None:
        return error(404, *UNKNOWN_CHANNEL)
    message = state.live_message(call.num(2), call.num(1))
    if message is None:
        return error(404, *UNKNOWN_MESSAGE)
    if message["author"]["id"] != str(state.bot_user.id):
        return error(403, 50005, "Cannot edit a message authored by another user")
    problems = Problems()
    check_message(call.body, problems, creating=False)
    if problems:
        return Reply(400, problems.body())
    return ok(copy.deepcopy(state.edit_message(call.num(2), call.data, call.files)))


def delete_message(call: Call) -> Reply:
    state = call.state
    if state.channel(call.num(1)) is None:
        return error(404, *UNKNOWN_CHANNEL)
    if state.live_message(call.num(2), call.num(1)) is None:
        return error(404, *UNKNOWN_MESSAGE)
    state.delete_message(call.num(2))
    return no_content()


def typing(call: Call) -> Reply:
    ref = _channel(call)
    return ref if isinstance(ref, Reply) else no_content()


# -- guilds ------------------------------------------------------------------------------


def get_guild(call: Call) -> Reply:
    guild = call.state.guilds.get(call.num(1))
    if guild is None:
        return error(404, 10004, "Unknown Guild")
    return ok(payloads.guild_payload(guild, call.state.bot_user))


def guild_channels(call: Call) -> Reply:
    guild = call.state.guilds.get(call.num(1))
    if guild is None:
        return error(404, 10004, "Unknown Guild")
    return ok([payloads.channel_payload(c, guild.id) for c in guild.channels])


def guild_roles(call: Call) -> Reply:
    guild = call.state.guilds.get(call.num(1))
    if guild is None:
        return error(404, 10004, "Unknown Guild")
    return ok(payloads.guild_roles(guild, call.state.bot_user))


def get_member(call: Call) -> Reply:
    state = call.state
    guild = state.guilds.get(call.num(1))
    if guild is None:
        return error(404, 10004, "Unknown Guild")
    user_id = call.num(2)
    if user_id not in state.guild_members.get(guild.id, set()):
        return error(404, 10007, "Unknown Member")
    roles = [guild.bot_role_id] if user_id == state.bot_user.id else []
    return ok(payloads.member_payload(state.user(user_id), roles))


# -- application commands ----------------------------------------------------------------


def _scope(call: Call) -> str | Reply:
    if call.num(1) != call.state.application_id:
        return error(403, 50001, "Missing Access")
    if call.path.split("/")[3] == "guilds":
        if call.num(2) not in call.state.guilds:
            return error(403, 50001, "Missing Access")
        return str(call.num(2))
    return "global"


def get_commands(call: Call) -> Reply:
    scope = _scope(call)
    if isinstance(scope, Reply):
        return scope
    return ok(copy.deepcopy(call.state.registered.get(scope, [])))


def put_commands(call: Call) -> Reply:
    scope = _scope(call)
    if isinstance(scope, Reply):
        return scope
    state = call.state
    payload = call.body if isinstance(call.body, list) else []
    record = CommandSync(scope, copy.deepcopy(payload), call.arrived)
    state.command_syncs.append(record)
    problems = Problems()
    check_commands(call.body, problems)
    if problems:
        record.status = 400
        return Reply(400, problems.body())
    return ok(state.set_commands(scope, payload))


def post_command(call: Call) -> Reply:
    scope = _scope(call)
    if isinstance(scope, Reply):
        return scope
    problems = Problems()
    check_commands([call.data], problems)
    if problems:
        return Reply(400, problems.body())
    return Reply(201, call.state.upsert_command(scope, call.data))


def delete_command(call: Call) -> Reply:
    scope = _scope(call)
    if isinstance(scope, Reply):
        return scope
    state = call.state
    command_id = call.path.rsplit("/", 1)[1]
    current = state.registered.get(scope, [])
    kept = [c for c in current if c["id"] != command_id]
    if len(kept) == len(current):
        return error(404, 10063, "Unknown application command")
    state.registered[scope] = kept
    state.notifier.notify()
    return no_content()


APP = "/applications/{id}"
ROUTES = [
    Route("GET", "/users/@me", get_me),
    Route("POST", "/users/@me/channels", open_dm),
    Route("GET", "/users/{id}", get_user),
    Route("GET", "/oauth2/applications/@me", get_application),
    Route("GET", "/applications/@me", get_application),
    Route("GET", "/gateway", get_gateway, auth=False),
    Route("GET", "/gateway/bot", get_gateway_bot),
    Route("POST", "/auth/logout", lambda call: no_content()),
    Route("GET", "/channels/{id}", get_channel),
    Route("POST", "/channels/{id}/messages", create_message),
    Route("GET", "/channels/{id}/messages/{id}", get_message),
    Route("PATCH", "/channels/{id}/messages/{id}", edit_message),
    Route("DELETE", "/channels/{id}/messages/{id}", delete_message),
    Route("POST", "/channels/{id}/typing", typing),
    Route("GET", "/guilds/{id}", get_guild),
    Route("GET", "/guilds/{id}/channels", guild_channels),
    Route("GET", "/guilds/{id}/roles", guild_roles),
    Route("GET", "/guilds/{id}/members/{id}", get_member),
    Route("GET", APP + "/commands", get_commands),
    Route("PUT", APP + "/commands", put_commands),
    Route("POST", APP + "/commands", post_command),
    Route("DELETE", APP + "/commands/{id}", delete_command),
    Route("GET", APP + "/guilds/{id}/commands", get_commands),
    Route("PUT", APP + "/guilds/{id}/commands", put_commands),
    Route("POST", APP + "/guilds/{id}/commands", post_command),
    Route("DELETE", APP + "/guilds/{id}/commands/{id}", delete_command),
]
