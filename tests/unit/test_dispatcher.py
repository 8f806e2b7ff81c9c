"""The middleware pieces that need no database: rate limiting and reply round-trips."""

from datetime import UTC, datetime, timedelta

from bot.edge.invocation import CommandLine, Invocation
from bot.edge.messages import (
    Attachment,
    Choice,
    Field,
    Form,
    FormInput,
    Reply,
)
from bot.edge.stored import reply_from_dict, reply_to_dict
from commands.dispatcher import RateLimiter

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def inv(user: str, at: datetime) -> Invocation:
    return Invocation("test", "w", "#c", user, user, CommandLine("/study help"), at)


def test_rate_limiter_is_per_member_and_sliding() -> None:
    limiter = RateLimiter(per_minute=3)
    assert all(limiter.allow(inv("a", T0 + timedelta(seconds=i))) for i in range(3))
    assert not limiter.allow(inv("a", T0 + timedelta(seconds=10)))
    assert limiter.allow(inv("b", T0 + timedelta(seconds=10)))
    assert limiter.allow(inv("a", T0 + timedelta(seconds=61)))


def test_reply_survives_storage() -> None:
    reply = Reply(
        "body", title="t", fields=(Field("a", "b"),), choices=(Choice("study.today", "Go"),),
        attachments=(Attachment.text("x.json", "{}", "application/json"),
                     Attachment("p.png", bytes(range(256)), "image/png")),
        form=Form("study.submit?round=3", "Round #3", (FormInput("answer", "Your answer"),)),
        ephemeral=False, replace=True,
    )  # fmt: skip
    assert reply_from_dict(reply_to_dict(reply)) == reply
