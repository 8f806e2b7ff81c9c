"""The real discord.py client, through studybot's Discord adapter, against a fake Discord on
127.0.0.1: login and the synced schema, commands answered within three seconds, buttons and
modals, autocomplete, moderators, and a gateway disconnect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commands import build_registry
from commands.spec import CommandSpec, Kind, Param
from tests.e2e.discord_bot import (
    ALICE,
    BOB,
    CHANNEL,
    MANAGE_GUILD,
    MOD,
    buttons,
    fake_discord,
    grouped,
    running,
    sqlite_url,
    sub,
    text_of,
)


async def test_login_syncs_the_schema_once(tmp_path: Path) -> None:
    async with fake_discord() as fake:
        async with running(fake, sqlite_url(tmp_path)):
            assert len(fake.command_syncs) == 1
            sync = fake.command_syncs[0]
            assert sync.scope == "global"
            names = {c["name"]: c for c in fake.commands("global")}
            assert set(names) == {"study", "studymod"}
            assert names["studymod"]["default_member_permissions"] == str(MANAGE_GUILD)
            assert fake.identifies[0].intents is not None
            assert fake.identifies[0].intents & (1 << 1 | 1 << 8 | 1 << 15) == 0  # privileged
        async with running(fake, sqlite_url(tmp_path)):
            assert len(fake.command_syncs) == 1  # unchanged tree: no second bulk overwrite


async def test_join_is_answered_within_three_seconds(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        iid = await fake.send_command("study", sub("join", timezone="Europe/Berlin"), user=ALICE)
        cb = await fake.wait_callback(iid)
        assert cb.accepted
        assert not cb.late
        assert cb.latency < 3
        assert cb.type == 4
        assert cb.data is not None
        assert cb.data["flags"] & 64
        assert "Europe/Berlin" in text_of(cb.data)


async def test_moderator_sets_channel_posts_and_a_click_counts_once(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)) as bot:
        refused = await fake.send_command(
            "studymod", grouped("config", "channel", channel=str(CHANNEL)), user=ALICE
        )
        assert "Only moderators" in text_of((await fake.wait_callback(refused)).data)

        iid = await fake.send_command(
            "studymod",
            [{"type": 2, "name": "config", "options": [{"type": 1, "name": "channel", "options": [
                {"type": 7, "name": "channel", "value": str(CHANNEL)}]}]}],
            user=MOD,
            permissions=MANAGE_GUILD,
        )  # fmt: skip
        assert "Saved" in text_of((await fake.wait_callback(iid)).data)
        posted = await fake.send_command(
            "studymod",
            grouped("challenge", "post-now", challenge_id="two-heads"),
            user=MOD,
            permissions=MANAGE_GUILD,
        )
        assert "Posted round #1" in text_of((await fake.wait_callback(posted)).data)
        round_post = await fake.wait_message(CHANNEL)
        labels = [b["label"] for b in buttons(round_post)]
        assert labels[:3] == ["A) 1/4", "B) 1/2", "C) 3/4"]
        right = buttons(round_post)[0]["custom_id"]

        await fake.wait_callback(await fake.send_command("study", sub("join"), user=BOB))
        click = await fake.click(right, int(round_post["id"]), user=BOB, channel_id=CHANNEL)
        first = await fake.wait_callback(click)
        assert first.accepted
        assert first.data is not None
        assert first.data["flags"] & 64
        assert "Correct" in text_of(first.data)
        await fake.redeliver(click)  # Discord delivers the same interaction again
        again = await fake.click(right, int(round_post["id"]), user=BOB, channel_id=CHANNEL)
        assert "already" in text_of((await fake.wait_callback(again)).data).lower()

        profile = await fake.send_command("study", sub("profile"), user=BOB)
        shown = text_of((await fake.wait_callback(profile)).data)
        assert "1 solved of 1 answered" in shown
        assert bot.runtime.dispatcher is not None


def _sample(param: Param) -> object:
    """A value of the right shape for a required option (the answer may still be a refusal)."""
    values: dict[Kind, object] = {
        Kind.INT: param.minimum if param.minimum is not None else 1,
        Kind.HHMM: "09:00",
        Kind.DATE: "2026-03-10",
        Kind.TIMEZONE: "Europe/Berlin",
        Kind.CHANNEL: str(CHANNEL),
        Kind.USER: str(ALICE.id),
        Kind.ROLE: "77",
    }
    if param.choices:
        return param.choices[0]
    return values.get(param.kind, "x")


def _options(path: tuple[str, ...], spec: CommandSpec) -> list[dict[str, Any]]:
    kinds = {Kind.INT: 4, Kind.USER: 6, Kind.CHANNEL: 7, Kind.ROLE: 8}
    leaf = [
        {"type": kinds.get(p.kind, 3), "name": p.name, "value": _sample(p)}
        for p in spec.params
        if p.is_option and p.required
    ]
    node: list[dict[str, Any]] = [{"type": 1, "name": path[-1], "options": leaf}]
    if len(path) == 3:
        node = [{"type": 2, "name": path[1], "options": node}]
    return node


async def test_every_command_round_trips_within_three_seconds(tmp_path: Path) -> None:
    registry = build_registry()
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        await fake.wait_callback(await fake.send_command("study", sub("join"), user=ALICE))
        for path, spec in sorted(registry.specs.items()):
            iid = await fake.send_command(
                path[0], _options(path, spec), user=MOD, permissions=MANAGE_GUILD
            )
            cb = await fake.wait_callback(iid)
            assert cb.accepted, (path, cb)
            assert not cb.late, (path, cb)
            assert cb.latency < 3, (path, cb)
            assert cb.type in (4, 9), (path, cb.type)  # a message, or a form (modal)
            shown = text_of(cb.data) if cb.type == 4 else ""
            assert "went wrong" not in shown, (path, shown)


async def test_an_answer_button_opens_a_modal_and_the_submission_counts(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        mod = {"user": MOD, "permissions": MANAGE_GUILD}
        await fake.wait_callback(
            await fake.send_command(
                "studymod", grouped("config", "channel", channel=str(CHANNEL)), **mod
            )
        )
        await fake.wait_callback(await fake.send_command("study", sub("join"), user=ALICE))
        await fake.wait_callback(
            await fake.send_command(
                "studymod",
                grouped("challenge", "post-now", challenge_id="binomial-two-of-four"),
                **mod,
            )
        )
        post = await fake.wait_message(CHANNEL)
        answer = next(b for b in buttons(post) if b["label"] == "Answer")
        click = await fake.click(answer["custom_id"], int(post["id"]), user=ALICE)
        opened = await fake.wait_callback(click)
        assert opened.type == 9
        assert opened.data is not None
        assert opened.data["custom_id"].startswith("study.submit?round=1")
        sent = await fake.submit_modal(opened.data["custom_id"], {"answer": "0.375"}, user=ALICE)
        done = await fake.wait_callback(sent)
        assert done.type == 4
        assert "Correct" in text_of(done.data)


async def test_autocomplete_suggests_time_zones_and_challenges(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        typed = [{"type": 1, "name": "join", "options": [
            {"type": 3, "name": "timezone", "value": "berl", "focused": True}]}]  # fmt: skip
        cb = await fake.wait_callback(await fake.send_autocomplete("study", typed, user=ALICE))
        assert cb.type == 8
        assert cb.latency < 3
        assert cb.data is not None
        assert [c["value"] for c in cb.data["choices"]] == ["Europe/Berlin"]
        york = [{"type": 1, "name": "join", "options": [
            {"type": 3, "name": "timezone", "value": "york", "focused": True}]}]  # fmt: skip
        cb = await fake.wait_callback(await fake.send_autocomplete("study", york, user=ALICE))
        assert cb.data is not None
        assert cb.data["choices"][0]["value"] == "America/New_York"
        ids = [{"type": 2, "name": "challenge", "options": [{"type": 1, "name": "schedule",
            "options": [{"type": 3, "name": "challenge_id", "value": "head", "focused": True}]}]}]  # fmt: skip
        cb = await fake.wait_callback(
            await fake.send_autocomplete("studymod", ids, user=MOD, permissions=MANAGE_GUILD)
        )
        assert cb.data is not None
        assert "two-heads" in [c["value"] for c in cb.data["choices"]]


async def test_a_typed_bad_time_zone_gets_a_friendly_private_reply(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        cb = await fake.wait_callback(
            await fake.send_command("study", sub("join", timezone="Mars/Olympus"), user=ALICE)
        )
        assert cb.type == 4
        assert cb.data is not None
        assert cb.data["flags"] & 64
        assert "not a time zone I know" in text_of(cb.data)
        cb = await fake.wait_callback(
            await fake.send_command(
                "studymod",
                grouped("config", "daily-time", time="25:99"),
                user=MOD,
                permissions=MANAGE_GUILD,
            )
        )
        assert cb.data is not None
        assert cb.data["flags"] & 64
        assert "HH:MM" in text_of(cb.data)


async def test_slow_answers_are_deferred_then_followed_up(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), defer_after=0.0001):
        iid = await fake.send_command("study", sub("join", timezone="Asia/Tokyo"), user=ALICE)
        cb = await fake.wait_callback(iid)
        assert cb.type == 5
        assert cb.latency < 3
        assert cb.data is not None
        assert cb.data["flags"] & 64
        await fake.wait_followup(iid)
        assert "Asia/Tokyo" in text_of(fake.response_for(iid))
        # A public answer is deferred in public.
        streak = await fake.send_command("study", sub("streak"), user=ALICE)
        cb = await fake.wait_callback(streak)
        assert cb.type == 5
        assert not ((cb.data or {}).get("flags", 0) & 64)
        await fake.wait_followup(streak)
        assert "streak" in text_of(fake.response_for(streak)).lower()


async def test_an_unexpected_error_gets_an_apology(tmp_path: Path, monkeypatch: Any) -> None:
    import adapters.discord.interactions as interactions

    def broken(reply: object) -> object:
        raise RuntimeError("rendering broke")

    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        monkeypatch.setattr(interactions, "render_reply", broken)
        iid = await fake.send_command("study", sub("help"), user=ALICE)
        cb = await fake.wait_callback(iid)
        assert cb.type == 4
        assert cb.data is not None
        assert cb.data["flags"] & 64
        assert "something went wrong" in text_of(cb.data).lower()


async def test_the_gateway_drops_and_the_bot_resumes(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        await fake.drop_connection(code=4000)
        iid = await fake.send_command("study", sub("join"), user=ALICE)
        assert (await fake.wait_callback(iid)).accepted
        await fake.wait_resumed()
        assert (fake.identify_count, fake.resume_count) == (1, 1)
        await fake.send_reconnect()
        iid = await fake.send_command("study", sub("today"), user=ALICE)
        assert (await fake.wait_callback(iid)).accepted
