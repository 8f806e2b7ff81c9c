"""What Slack sends an app, built the way Slack builds it: slash-command form fields,
block_actions and view_submission payloads (laid out after the message or view the bot really
sent), Events API envelopes. The HTTP client signs these; the Socket Mode driver wraps them."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .hooks import Hooks, ResponseTarget
from .models import JSON
from .state import SlackState

TEXT_INPUTS = {"plain_text_input", "number_input", "email_text_input", "url_text_input"}
SELECTED = {
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
}


@dataclass
class Interaction:
    kind: str  # "command" | "block_actions" | "view_submission" | "event" | "url_verification"
    payload: JSON  # a command's form fields (all strings) or the JSON payload
    response_id: str | None = None
    trigger_id: str | None = None


def _option(element: JSON, value: str) -> JSON:
    for option in element.get("options") or []:
        if isinstance(option, dict) and option.get("value") == value:
            return copy.deepcopy(option)
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def state_value(element: JSON, value: Any) -> JSON:
    """One input's entry in view.state.values, shaped by the element type as Slack shapes it."""
    kind = str(element.get("type", "plain_text_input"))
    entry: JSON = {"type": kind}
    if kind in {"static_select", "radio_buttons", "external_select"}:
        entry["selected_option"] = None if value is None else _option(element, str(value))
    elif kind in {"checkboxes", "multi_static_select"}:
        values = [] if value is None else [value] if isinstance(value, str) else list(value)
        entry["selected_options"] = [_option(element, str(v)) for v in values]
    elif kind in SELECTED:
        entry[SELECTED[kind]] = value
    else:
        entry["value"] = value
    return entry


def find_element(blocks: Any, action_id: str) -> tuple[str, JSON] | None:
    """(block_id, element) of the interactive element with that action_id in these blocks."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        candidates = [*(block.get("elements") or []), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None


class PayloadBuilder:
    def __init__(
        self,
        state: SlackState,
        hooks: Hooks,
        *,
        team_id: str | None = None,
        api_app_id: str | None = None,
        verification_token: str = "fake-verification-token",
    ) -> None:
        self.state, self.hooks = state, hooks
        self.team_id = team_id or state.ws.team_id
        self.api_app_id = api_app_id or state.ws.app_id
        self.token = verification_token

    def user(self, user_id: str) -> JSON:
        found = self.state.users.get(user_id)
        name = found.name if found else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def team(self) -> JSON:
        return {"id": self.team_id, "domain": self.state.ws.domain}

    def _responding(self, target: ResponseTarget) -> tuple[str, str, str]:
        response_id = self.state.new_response_id()
        self.hooks.bind(response_id, target)
        trigger_id = self.state.issue_trigger(target.user_id or "")
        return response_id, self.state.response_url(response_id), trigger_id

    def command(self, command: str, text: str, *, user: str, channel: str) -> Interaction:
        response_id, url, trigger_id = self._responding(ResponseTarget(channel, None, user))
        form = {
            "token": self.token,
            "team_id": self.team_id,
            "team_domain": self.state.ws.domain,
            "channel_id": channel,
            "channel_name": self.state.channel_name(channel),
            "user_id": user,
            "user_name": self.user(user)["name"],
            "command": command if command.startswith("/") else f"/{command}",
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": url,
            "trigger_id": trigger_id,
        }
        return Interaction("command", form, response_id, trigger_id)

    def _locate(
        self, action_id: str, channel: str, message_ts: str | None, message: JSON | None
    ) -> tuple[JSON | None, bool]:
        """The message acted on (given, by ts, else the newest carrying the action) and whether
        it is ephemeral."""
        ephemerals = self.state.ephemerals.get(channel, [])
        if message is None and message_ts is not None:
            message = self.state.find_message(channel, message_ts)
        if message is None:
            pool = [*self.state.messages.get(channel, []), *ephemerals]
            carrying = [m for m in pool if find_element(m.get("blocks"), action_id)]
            message = max(carrying, key=lambda m: float(m["ts"]), default=None)
        ephemeral = message is not None and any(message is m for m in ephemerals)
        return message, ephemeral

    def block_actions(
        self,
        action_id: str,
        value: str | None,
        *,
        user: str,
        channel: str,
        message_ts: str | None = None,
        message: JSON | None = None,
        block_id: str | None = None,
    ) -> Interaction:
        message, ephemeral = self._locate(action_id, channel, message_ts, message)
        ts = message_ts or (message or {}).get("ts") or self.state.next_ts()
        found = find_element((message or {}).get("blocks"), action_id)
        element: JSON = found[1] if found else {"type": "button"}
        action: JSON = {
            "action_id": action_id,
            "block_id": block_id or (found[0] if found else secrets.token_urlsafe(4)[:5]),
            "type": element.get("type", "button"),
            "action_ts": f"{self.state.clock():.6f}",
        }
        if action["type"] == "button":
            action["text"] = element.get("text") or {"type": "plain_text", "text": value or ""}
            action["value"] = value if value is not None else element.get("value")
        else:
            action.update({k: v for k, v in state_value(element, value).items() if k != "type"})
        response_id, url, trigger_id = self._responding(ResponseTarget(channel, ts, user))
        payload: JSON = {
            "type": "block_actions",
            "user": self.user(user),
            "api_app_id": self.api_app_id,
            "token": self.token,
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": trigger_id,
            "team": self.team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": self.state.channel_name(channel)},
            "state": {"values": {}},
            "response_url": url,
            "actions": [action],
        }
        if message is not None and not ephemeral:
            payload["message"] = {k: v for k, v in message.items() if v is not None}
        return Interaction("block_actions", payload, response_id, trigger_id)

    def _view(self, callback_id: str, view_id: str | None) -> JSON:
        views = self.state.views
        if view_id is not None and view_id in views:
            return copy.deepcopy(views[view_id])
        for view in reversed(list(views.values())):
            if view.get("callback_id") == callback_id:
                return copy.deepcopy(view)
        new_id = self.state.new_id("V")
        return {
            "id": new_id,
            "team_id": self.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": callback_id,
            "hash": f"{int(self.state.clock())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": "Modal"},
            "root_view_id": new_id,
            "previous_view_id": None,
            "app_id": self.api_app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.state.ws.bot_id,
        }

    def view_submission(
        self,
        callback_id: str,
        values: Mapping[str, Any],
        *,
        user: str,
        private_metadata: str | None = None,
        view_id: str | None = None,
    ) -> Interaction:
        view = self._view(callback_id, view_id)
        remaining = dict(values)
        state: JSON = {}
        for block in view.get("blocks") or []:
            if not isinstance(block, dict) or block.get("type") != "input":
                continue
            element = block.get("element")
            if not isinstance(element, dict):
                continue
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            key = block_id if block_id in remaining else action_id
            state[block_id] = {action_id: state_value(element, remaining.pop(key, None))}
        for key, value in remaining.items():
            state[key] = {key: state_value({"type": "plain_text_input"}, value)}
        view["state"] = {"values": state}
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        trigger_id = self.state.issue_trigger(user)
        payload: JSON = {
            "type": "view_submission",
            "team": self.team(),
            "user": self.user(user),
            "api_app_id": self.api_app_id,
            "token": self.token,
            "trigger_id": trigger_id,
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return Interaction("view_submission", payload, None, trigger_id)

    def event(self, event: JSON, *, event_id: str | None = None) -> Interaction:
        now = self.state.clock()
        body: JSON = {
            "token": self.token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{now:.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or self.state.new_id("Ev"),
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.state.ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_urlsafe(24)}",
        }
        return Interaction("event", body)

    def url_verification(self, challenge: str) -> Interaction:
        body = {"token": self.token, "challenge": challenge, "type": "url_verification"}
        return Interaction("url_verification", body)
