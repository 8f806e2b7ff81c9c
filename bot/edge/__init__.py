"""The edge of the core: everything a platform adapter imports from bot/.

Invocations in, Replies and Posts out, the Poster and Clock ports, and the errors a Poster may
raise. Only adapters/runtime.py reaches further into bot/.
"""

from bot.edge.actions import action_id, parse_action
from bot.edge.clock import (
    LATEST,
    Clock,
    SimulatedClock,
    SystemClock,
    iso,
    parse_duration,
    parse_instant,
)
from bot.edge.errors import ConfigError, UserError
from bot.edge.invocation import Action, Command, CommandLine, Invocation, Press, Submit
from bot.edge.messages import (
    Attachment,
    Choice,
    Field,
    Form,
    FormInput,
    Image,
    Mention,
    Post,
    Ref,
    Reply,
    channel_ref,
    mention,
    post_text,
    reply_text,
    role_ref,
    segments,
)
from bot.edge.ports import PermanentSendError, Poster, RetryAfter, SentRef

__all__ = [
    "LATEST",
    "Action",
    "Attachment",
    "Choice",
    "Clock",
    "Command",
    "CommandLine",
    "ConfigError",
    "Field",
    "Form",
    "FormInput",
    "Image",
    "Invocation",
    "Mention",
    "PermanentSendError",
    "Post",
    "Poster",
    "Press",
    "Ref",
    "Reply",
    "RetryAfter",
    "SentRef",
    "SimulatedClock",
    "Submit",
    "SystemClock",
    "UserError",
    "action_id",
    "channel_ref",
    "iso",
    "mention",
    "parse_action",
    "parse_duration",
    "parse_instant",
    "post_text",
    "reply_text",
    "role_ref",
    "segments",
]
