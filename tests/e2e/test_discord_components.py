"""More of the Discord surface: a personal puzzle input as an attached input.txt, the
challenge-add modal, buttons that still work after a restart, and development syncs to a
guild instead of globally."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.discord_bot import (
    ALICE,
    GUILD,
    MOD_KW,
    buttons,
    fake_discord,
    grouped,
    open_round,
    running,
    say,
    sqlite_url,
    sub,
    text_of,
)


async def test_a_personal_puzzle_input_comes_as_input_txt(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        post = await open_round(fake, "puzzle-lis-length")
        await say(fake, "study", sub("join"), user=ALICE)
        show = next(b for b in buttons(post) if b["label"] == "Show my input")
        cb = await fake.wait_callback(
            await fake.click(show["custom_id"], int(post["id"]), user=ALICE)
        )
        assert cb.accepted
        assert [name for name, _ in cb.files] == ["input.txt"]
        assert len(cb.files[0][1]) > 1800
        assert cb.data is not None
        assert cb.data["flags"] & 64  # alice's own input, for her eyes


async def test_challenge_add_opens_a_five_input_modal(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path)):
        opts = grouped("challenge", "add", kind="mcq", track="probability-statistics", difficulty=2)
        cb = await fake.wait_callback(await fake.send_command("studymod", opts, **MOD_KW))
        assert cb.type == 9
        assert cb.data is not None
        inputs = [
            c["custom_id"] for row in cb.data["components"] for c in row.get("components", [])
        ] or [row["component"]["custom_id"] for row in cb.data["components"]]
        assert inputs == ["title", "prompt", "options", "answer", "explanation"]
        done = await fake.wait_callback(
            await fake.submit_modal(
                cb.data["custom_id"],
                {
                    "title": "Fair coin",
                    "prompt": "P(two heads)?",
                    "options": "1/4\n1/2\n3/4",
                    "answer": "a",
                    "explanation": "1/2 * 1/2.",
                },
                **MOD_KW,
            )
        )
        shown = text_of(done.data)
        assert "fair-coin" in shown, shown
        listed = await fake.wait_callback(
            await fake.send_command(
                "studymod", grouped("challenge", "list", which="bank"), **MOD_KW
            )
        )
        assert "fair-coin" in text_of(listed.data)


async def test_buttons_keep_working_after_a_restart(tmp_path: Path) -> None:
    async with fake_discord() as fake:
        async with running(fake, sqlite_url(tmp_path)):
            post = await open_round(fake, "two-heads")
            await say(fake, "study", sub("join"), user=ALICE)
        async with running(fake, sqlite_url(tmp_path)):  # a new process: nothing in memory
            first = buttons(post)[0]["custom_id"]
            cb = await fake.wait_callback(await fake.click(first, int(post["id"]), user=ALICE))
            assert "Correct" in text_of(cb.data)


async def test_development_syncs_to_the_guild_only(tmp_path: Path) -> None:
    async with fake_discord() as fake, running(fake, sqlite_url(tmp_path), guild_ids=[GUILD]):
        assert [s.scope for s in fake.command_syncs] == [str(GUILD)]
        assert fake.commands("global") == []
        assert {c["name"] for c in fake.commands(str(GUILD))} == {"study", "studymod"}
        cb = await fake.wait_callback(await fake.send_command("study", sub("help"), user=ALICE))
        assert cb.accepted
