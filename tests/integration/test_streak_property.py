"""The streak kept incrementally in the database equals a recompute from the stored days,
whatever the timezones, timezone changes and times of activity."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.rules.streaks import recompute
from bot.services.activity import activity_days, state_of
from bot.store.db import Database
from bot.store.models import Member
from tests.conftest import make_harness

ZONES = [
    "UTC",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/New_York",
    "Australia/Lord_Howe",
]

steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=60 * 60),  # minutes to advance (up to 2.5 days)
        st.sampled_from(["log", "tz"]),
        st.sampled_from(ZONES),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
async def test_incremental_equals_recompute(
    sqlite_db: Database, script: list[tuple[int, str, str]]
) -> None:
    h = await make_harness(sqlite_db, datetime(2026, 3, 1, tzinfo=UTC))
    user = f"u{abs(hash(tuple(script))) % 10**9}"
    await h.ok(user, "/study join UTC")
    for minutes, action, zone in script:
        h.clock.advance(timedelta(minutes=minutes))
        if action == "log":
            await h.ok(user, "/study log 5 reading")
        else:
            await h.ok(user, f"/study timezone {zone}")
    async with sqlite_db.unit_of_work() as s:
        member = (await s.exec(select(Member).where(Member.user_id == user))).one()
        assert state_of(member) == recompute(await activity_days(s, member))
