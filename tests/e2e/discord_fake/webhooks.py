"""The interaction-token routes: the initial callback (with the 3-second deadline, the
single-acknowledgement rule and `?with_response`) and the webhook follow-ups that create, edit
and delete the original response and follow-up messages."""

from __future__ import annotations

import copy
from collections.abc import Callable

from .limits import Problems, check_choices, check_message, check_modal, is_empty
from .models import JSON, Followup, InteractionCallback, InteractionState
from .rest import Call, Reply, Route, error, no_content, ok
from .store import EPHEMERAL, LOADING, Origin, message_flags

# Which callback types each interaction type accepts (2 command, 3 component, 4 autocomplete,
# 5 modal submit).
ALLOWED = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
UNKNOWN_INTERACTION = (10062, "Unknown interaction")
UNKNOWN_WEBHOOK = (10015, "Unknown Webhook")
UNKNOWN_MESSAGE = (10008, "Unknown Message")


def _origin(data: JSON | None) -> Origin:
    flags = int((data or {}).get("flags") or 0)
    return "ephemeral" if flags & EPHEMERAL else "interaction"


def _latency(st: InteractionState | None, arrived: float) -> float:
    if st is None or st.dispatched_at is None:
        return 0.0
    return arrived - st.dispatched_at


def _error_code(reply: Reply) -> int | None:
    if reply.status < 400 or not isinstance(reply.body, dict):
        return None
    code = reply.body.get("code")
    return code if isinstance(code, int) else None


def callback(call: Call) -> Reply:
    st = call.state.interactions.get(call.text(1))
    ctype = call.data.get("type")
    data = call.data.get("data")
    record = InteractionCallback(
        call.text(1),
        ctype if isinstance(ctype, int) else None,
        copy.deepcopy(data),
        call.arrived,
        _latency(st, call.arrived),
        list(call.files),
    )
    reply = _callback(call, st, record)
    record.status, record.error_code = reply.status, _error_code(reply)
    call.state.callbacks.append(record)
    call.state.notifier.notify()
    return reply


def _callback(call: Call, st: InteractionState | None, record: InteractionCallback) -> Reply:
    state = call.state
    if st is None or st.token != call.text(2):
        return error(404, *UNKNOWN_INTERACTION)
    if st.ack_type is not None:
        return error(400, 40060, "Interaction has already been acknowledged.")
    if st.late or record.latency > state.ack_deadline:
        st.late = record.late = True
        return error(404, *UNKNOWN_INTERACTION)
    ctype, data = record.type, record.data
    if ctype not in ALLOWED.get(st.type, set()):
        problems = Problems()
        problems.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid response type")
        return Reply(400, problems.body())
    problems = Problems()
    if ctype in (4, 7):
        check_message(data or {}, problems, creating=ctype == 4)
    elif ctype == 8:
        check_choices(data, problems)
    elif ctype == 9:
        check_modal(data, problems)
    if problems:
        return Reply(400, problems.body(prefix=("data",)))
    if ctype == 4 and is_empty(data or {}, call.files):
        return error(400, 50006, "Cannot send an empty message")
    message = _acknowledge(call, st, ctype, data)
    if not call.flag("with_response"):
        return no_content()
    return ok(_callback_response(call, st, message))


def _acknowledge(call: Call, st: InteractionState, ctype: int, data: JSON | None) -> JSON | None:
    """Applies the callback; returns the message it created or updated, if any."""
    state = call.state
    st.ack_type, st.callback_data = ctype, copy.deepcopy(data)
    msg_type = 20 if st.type == 2 else 0
    app_id = state.application_id
    if ctype == 4:
        message = state.create_message(
            st.channel_id,
            data or {},
            call.files,
            origin=_origin(data),
            msg_type=msg_type,
            webhook_id=app_id,
        )
        st.original_id, st.original_resolved = int(message["id"]), True
        return message
    if ctype == 5:
        flags = LOADING | (int((data or {}).get("flags") or 0) & EPHEMERAL)
        placeholder = {"content": "", "flags": flags}
        message = state.create_message(
            st.channel_id,
            placeholder,
            [],
            origin=_origin(placeholder),
            msg_type=msg_type,
            webhook_id=app_id,
        )
        st.original_id = int(message["id"])
        return None
    if ctype in (6, 7):
        st.original_id = st.message_id
        if ctype == 7 and st.message_id is not None and state.live_message(st.message_id):
            st.original_resolved = True
            return state.edit_message(st.message_id, data or {}, call.files)
    state.notifier.notify()
    return None


def _callback_response(call: Call, st: InteractionState, message: JSON | None) -> JSON:
    original = None if st.original_id is None else call.state.live_message(st.original_id)
    resource: JSON = {"type": st.ack_type}
    if message is not None:
        resource["message"] = copy.deepcopy(message)
    return {
        "interaction": {
            "id": st.id,
            "type": st.type,
            "activity_instance_id": None,
            "response_message_id": None if original is None else original["id"],
            "response_message_loading": st.ack_type == 5,
            "response_message_ephemeral": bool(original and message_flags(original) & EPHEMERAL),
        },
        "resource": resource,
    }


# -- follow-ups --------------------------------------------------------------------------


def _followup(method: str) -> Callable[[Call], Reply]:
    """Wraps a follow-up handler so every call is recorded in state.followups."""

    def handler(call: Call) -> Reply:
        state = call.state
        iid = state.by_token.get(call.text(2), "")
        st = state.interactions.get(iid)
        target = call.text(3) if call.match.re.groups >= 3 else None
        record = Followup(
            iid,
            method,
            target,
            copy.deepcopy(call.body),
            call.arrived,
            _latency(st, call.arrived),
            list(call.files),
        )
        if call.num(1) != state.application_id or st is None or st.ack_type is None:
            reply = error(404, *UNKNOWN_WEBHOOK)
        else:
            reply = HANDLERS[method](call, st, record)
        record.status, record.error_code = reply.status, _error_code(reply)
        state.followups.append(record)
        state.notifier.notify()
        return reply

    return handler


def _execute(call: Call, st: InteractionState, record: Followup) -> Reply:
    state, data = call.state, call.data
    problems = Problems()
    check_message(call.body, problems, creating=True)
    if problems:
        return Reply(400, problems.body())
    if is_empty(data, call.files):
        return error(400, 50006, "Cannot send an empty message")
    original = None if st.original_id is None else state.live_message(st.original_id)
    if st.ack_type == 5 and not st.original_resolved and original is not None:
        # The first follow-up after a deferral replaces the "thinking..." message.
        message = state.edit_message(int(original["id"]), data, call.files)
        st.original_resolved = True
    else:
        message = state.create_message(
            st.channel_id,
            data,
            call.files,
            origin=_origin(data),
            webhook_id=state.application_id,
        )
    st.followup_ids.append(int(message["id"]))
    record.message_id = message["id"]
    return ok(copy.deepcopy(message)) if call.flag("wait") else no_content()


def _target(call: Call, st: InteractionState) -> int | None:
    name = call.text(3)
    if name == "@original":
        return st.original_id
    mid = int(name)
    return mid if mid in st.followup_ids or mid == st.original_id else None


def _edit(call: Call, st: InteractionState, record: Followup) -> Reply:
    mid = _target(call, st)
    if mid is None or call.state.live_message(mid) is None:
        return error(404, *UNKNOWN_MESSAGE)
    problems = Problems()
    check_message(call.body, problems, creating=False)
    if problems:
        return Reply(400, problems.body())
    message = call.state.edit_message(mid, call.data, call.files)
    if mid == st.original_id:
        st.original_resolved = True
    return ok(copy.deepcopy(message))


def _delete(call: Call, st: InteractionState, record: Followup) -> Reply:
    mid = _target(call, st)
    if mid is None or call.state.live_message(mid) is None:
        return error(404, *UNKNOWN_MESSAGE)
    call.state.delete_message(mid)
    return no_content()


def get_webhook_message(call: Call) -> Reply:
    state = call.state
    st = state.interactions.get(state.by_token.get(call.text(2), ""))
    if call.num(1) != state.application_id or st is None or st.ack_type is None:
        return error(404, *UNKNOWN_WEBHOOK)
    mid = _target(call, st)
    message = None if mid is None else state.live_message(mid)
    return error(404, *UNKNOWN_MESSAGE) if message is None else ok(copy.deepcopy(message))


HANDLERS: dict[str, Callable[[Call, InteractionState, Followup], Reply]] = {
    "POST": _execute,
    "PATCH": _edit,
    "DELETE": _delete,
}

HOOK = "/webhooks/{id}/{token}"
ROUTES = [
    Route("POST", "/interactions/{id}/{token}/callback", callback, auth=False),
    Route("POST", HOOK, _followup("POST"), auth=False),
    Route("GET", HOOK + "/messages/{mid}", get_webhook_message, auth=False),
    Route("PATCH", HOOK + "/messages/{mid}", _followup("PATCH"), auth=False),
    Route("DELETE", HOOK + "/messages/{mid}", _followup("DELETE"), auth=False),
]
