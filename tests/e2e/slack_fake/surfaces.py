"""Web API methods beyond messages: views.* (modals, trigger ids), the v2 file upload
(files.getUploadURLExternal + completeUploadExternal; files.upload is retired), oauth.v2.access,
and apps.connections.open (the Socket Mode URL)."""

from __future__ import annotations

import secrets

from . import limits
from .api import Call, Method, opt_text, text_arg, with_block_ids
from .models import JSON, PendingUpload, SlackError, UploadedFile


def _answer_view(call: Call, view: JSON, view_id: str, root: str, previous: str | None) -> JSON:
    ws = call.state.ws
    return {
        "id": view_id,
        "team_id": ws.team_id,
        "type": view.get("type"),
        "blocks": with_block_ids(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{int(call.state.clock())}.{secrets.token_hex(4)}",
        "title": view.get("title"),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": previous,
        "root_view_id": root,
        "app_id": ws.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }


def _view_arg(call: Call) -> JSON:
    view = call.args.get("view")
    limits.check_view(view)
    assert isinstance(view, dict)
    external_id = view.get("external_id")
    if external_id and any(v.get("external_id") == external_id for v in call.state.views.values()):
        raise SlackError("duplicate_external_id")
    return view


def _trigger(call: Call) -> str:
    trigger_id = call.args.get("trigger_id") or call.args.get("interactivity_pointer")
    return call.state.exchange_trigger(trigger_id).user_id


async def views_open(call: Call) -> JSON:
    view = _view_arg(call)
    user_id = _trigger(call)
    view_id = call.state.new_id("V")
    answered = _answer_view(call, view, view_id, view_id, None)
    call.state.views[view_id] = answered
    call.state.views_opened.append(
        {
            "trigger_id": call.args.get("trigger_id"),
            "view": view,
            "view_id": view_id,
            "user": user_id,
        }
    )
    return {"ok": True, "view": answered}


async def views_push(call: Call) -> JSON:
    view = _view_arg(call)
    _trigger(call)
    view_id = call.state.new_id("V")
    answered = _answer_view(call, view, view_id, view_id, None)
    call.state.views[view_id] = answered
    return {"ok": True, "view": answered}


async def views_update(call: Call) -> JSON:
    view_id, external_id = opt_text(call, "view_id"), opt_text(call, "external_id")
    views = call.state.views
    current = views.get(view_id or "") or next(
        (v for v in views.values() if external_id and v.get("external_id") == external_id), None
    )
    if current is None:
        raise SlackError("not_found")
    view = call.args.get("view")
    limits.check_view(view)
    assert isinstance(view, dict)
    given_hash = opt_text(call, "hash")
    if given_hash is not None and given_hash != current["hash"]:
        raise SlackError("hash_conflict")
    answered = _answer_view(
        call, view, current["id"], current["root_view_id"], current["previous_view_id"]
    )
    views[current["id"]] = answered
    return {"ok": True, "view": answered}


async def views_publish(call: Call) -> JSON:
    user_id = text_arg(call, "user_id", "invalid_arguments")
    call.state.user(user_id)
    view = call.args.get("view")
    limits.check_view(view)
    assert isinstance(view, dict)
    view_id = call.state.new_id("V")
    answered = _answer_view(call, view, view_id, view_id, None)
    call.state.views[view_id] = answered
    return {"ok": True, "view": answered}


async def get_upload_url(call: Call) -> JSON:
    filename = text_arg(call, "filename")
    try:
        length = int(text_arg(call, "length"))
    except ValueError:
        raise SlackError("invalid_arguments") from None
    file_id = call.state.new_id("F")
    call.state.uploads[file_id] = PendingUpload(
        file_id, filename, length, opt_text(call, "alt_txt"), opt_text(call, "snippet_type")
    )
    upload_url = f"{call.state.base_url}/upload/v1/{file_id}"
    return {"ok": True, "upload_url": upload_url, "file_id": file_id}


def _file_object(call: Call, upload: UploadedFile) -> JSON:
    base = call.state.base_url
    return {
        "id": upload.file_id,
        "created": int(call.state.clock()),
        "name": upload.filename,
        "title": upload.title or upload.filename,
        "mimetype": "text/plain"
        if upload.filename.endswith(".txt")
        else "application/octet-stream",
        "size": len(upload.content),
        "user": call.state.ws.bot_user_id,
        "url_private": f"{base}/files-pri/{call.state.ws.team_id}-{upload.file_id}/{upload.filename}",
        "permalink": f"{base}/files/{call.state.ws.bot_user_id}/{upload.file_id}/{upload.filename}",
    }


async def complete_upload(call: Call) -> JSON:
    files = call.args.get("files")
    if not isinstance(files, list) or not files:
        raise SlackError("invalid_arguments")
    channels = [c for c in (opt_text(call, "channels") or "").split(",") if c]
    channel_id = opt_text(call, "channel_id")
    targets = [call.state.postable_channel(c) for c in ([channel_id] if channel_id else channels)]
    pending = []
    for item in files:
        upload = call.state.uploads.get(str(item.get("id"))) if isinstance(item, dict) else None
        if upload is None or upload.content is None or upload.completed:
            raise SlackError("file_not_found")
        pending.append((upload, item.get("title")))
    answered = []
    for upload, title in pending:
        upload.completed = True
        record = UploadedFile(
            filename=upload.filename,
            content=upload.content or b"",
            title=title,
            channel_id=targets[0] if targets else None,
            initial_comment=opt_text(call, "initial_comment"),
            file_id=upload.file_id,
            thread_ts=opt_text(call, "thread_ts"),
            declared_length=upload.length,
            alt_txt=upload.alt_txt,
            snippet_type=upload.snippet_type,
        )
        call.state.files.append(record)
        answered.append(_file_object(call, record))
    for target in targets:  # sharing a file posts a message carrying it, like Slack
        message = {
            "type": "message",
            "ts": call.state.next_ts(),
            "channel": target,
            "user": call.state.ws.bot_user_id,
            "bot_id": call.state.ws.bot_id,
            "text": opt_text(call, "initial_comment") or "",
            "files": answered,
            "upload": True,
            "blocks": None,
            "metadata": None,
            "thread_ts": opt_text(call, "thread_ts"),
        }
        call.state.messages.setdefault(target, []).append(message)
    return {"ok": True, "files": answered}


async def files_upload(call: Call) -> JSON:
    raise SlackError("method_deprecated")


async def oauth_v2_access(call: Call) -> JSON:
    ws = call.state.ws
    client_id, secret = call.client_auth or (
        str(call.args.get("client_id", "")),
        str(call.args.get("client_secret", "")),
    )
    if client_id != ws.client_id:
        raise SlackError("invalid_client_id")
    if secret != ws.client_secret:
        raise SlackError("bad_client_secret")
    if call.args.get("grant_type") == "refresh_token":
        raise SlackError("invalid_refresh_token")
    grant = call.state.oauth_codes.pop(str(call.args.get("code", "")), None)
    if grant is None:
        raise SlackError("invalid_code")
    team_id, team_name, user_id, scope = grant
    token = f"xoxb-installed-{team_id}"
    call.state.add_token(token, "bot", team_id, team_name)
    return {
        "ok": True,
        "app_id": ws.app_id,
        "authed_user": {"id": user_id},
        "scope": scope,
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": ws.bot_user_id,
        "team": {"id": team_id, "name": team_name},
        "enterprise": None,
        "is_enterprise_install": False,
    }


async def connections_open(call: Call) -> JSON:
    ticket = secrets.token_hex(16)
    call.state.socket.tickets.add(ticket)
    port_base = call.state.base_url.replace("http://", "ws://", 1)
    return {"ok": True, "url": f"{port_base}/socket?ticket={ticket}&app_id={call.state.ws.app_id}"}


METHODS: dict[str, Method] = {
    "views.open": Method(views_open, "bot"),
    "views.push": Method(views_push, "bot"),
    "views.update": Method(views_update, "bot"),
    "views.publish": Method(views_publish, "bot"),
    "files.getUploadURLExternal": Method(get_upload_url, "bot"),
    "files.completeUploadExternal": Method(complete_upload, "bot"),
    "files.upload": Method(files_upload, "none"),
    "oauth.v2.access": Method(oauth_v2_access, "none"),
    "apps.connections.open": Method(connections_open, "app"),
}
