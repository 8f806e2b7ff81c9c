"""The registry as Discord commands: every command reachable, Discord's naming and size rules
kept, typed options, and an interaction's data back to the same path and options."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.discord.tree import (
    CHANNEL,
    INTEGER,
    MANAGE_GUILD,
    ROLE,
    STRING,
    USER,
    build_commands,
    command_of,
    modal_values,
    tree_hash,
)
from commands import build_registry
from commands.spec import Kind

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


@pytest.fixture(scope="module")
def commands() -> list[dict[str, Any]]:
    return build_commands(build_registry())


def _walk(cmds: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every leaf of the tree, by path."""
    leaves: dict[tuple[str, ...], dict[str, Any]] = {}
    for cmd in cmds:
        for child in cmd["options"]:
            if child["type"] == 1:
                leaves[(cmd["name"], child["name"])] = child
            else:
                for leaf in child["options"]:
                    leaves[(cmd["name"], child["name"], leaf["name"])] = leaf
    return leaves


def _chars(node: dict[str, Any]) -> int:
    total = len(node.get("name", "")) + len(node.get("description", ""))
    for c in node.get("choices", []):
        total += len(c["name"]) + len(str(c["value"]))
    return total + sum(_chars(o) for o in node.get("options", []))


def test_every_registry_command_is_reachable(commands: list[dict[str, Any]]) -> None:
    registry = build_registry()
    leaves = _walk(commands)
    assert set(leaves) == set(registry.specs)
    for path, spec in registry.specs.items():
        names = {o["name"] for o in leaves[path]["options"]}
        assert names == {p.name for p in spec.params if p.is_option}, path


def test_names_levels_and_sizes_follow_discord(commands: list[dict[str, Any]]) -> None:
    assert {c["name"] for c in commands} == {"study", "studymod"}
    for cmd in commands:
        assert len(cmd["options"]) <= 25
        assert _chars(cmd) <= 8000  # Discord's cap on one command's characters
        stack = [cmd]
        while stack:
            node = stack.pop()
            assert NAME.match(node["name"]), node["name"]
            assert 1 <= len(node["description"]) <= 100
            options = node.get("options", [])
            assert len(options) <= 25
            required = [o.get("required", False) for o in options if o["type"] > 2]
            assert required == sorted(required, reverse=True), f"{node['name']}: required first"
            stack.extend(options)


def test_moderator_commands_hidden_from_members(commands: list[dict[str, Any]]) -> None:
    by_name = {c["name"]: c for c in commands}
    assert by_name["studymod"]["default_member_permissions"] == str(MANAGE_GUILD)
    assert by_name["study"]["default_member_permissions"] is None
    assert all(c["contexts"] == [0] for c in commands)


def test_typed_options(commands: list[dict[str, Any]]) -> None:
    leaves = _walk(commands)

    def opt(path: tuple[str, ...], name: str) -> dict[str, Any]:
        return next(o for o in leaves[path]["options"] if o["name"] == name)

    log = opt(("study", "log"), "minutes")
    assert (log["type"], log["min_value"], log["max_value"]) == (INTEGER, 1, 600)
    assert opt(("study", "join"), "timezone") | {"type": STRING} == opt(
        ("study", "join"), "timezone"
    )
    assert opt(("study", "join"), "timezone")["autocomplete"] is True
    assert opt(("studymod", "challenge", "schedule"), "challenge_id")["autocomplete"] is True
    assert opt(("study", "kaggle", "submit"), "task")["autocomplete"] is True
    assert opt(("studymod", "config", "channel"), "channel")["type"] == CHANNEL
    assert opt(("studymod", "config", "moderator-role"), "role")["type"] == ROLE
    assert opt(("studymod", "moderator", "add"), "member")["type"] == USER
    assert opt(("study", "streak"), "member")["type"] == USER
    weekdays = opt(("studymod", "config", "leaderboard"), "weekday")["choices"]
    assert [c["value"] for c in weekdays][:2] == ["monday", "tuesday"]
    tracks = opt(("study", "leaderboard"), "track")["choices"]
    assert len(tracks) >= 6
    add = {o["name"]: o for o in leaves[("studymod", "challenge", "add")]["options"]}
    assert set(add) == {"kind", "track", "difficulty"}  # the rest is the modal
    assert (add["difficulty"]["min_value"], add["difficulty"]["max_value"]) == (1, 3)
    # A button's preset is not a slash-command option.
    assert {o["name"] for o in leaves[("study", "submit")]["options"]} == {"answer"}


def test_hash_is_stable_and_names_the_scope(commands: list[dict[str, Any]]) -> None:
    again = build_commands(build_registry())
    assert tree_hash(commands, "global") == tree_hash(again, "global")
    assert tree_hash(commands, "global") != tree_hash(commands, "1001")
    changed = [dict(commands[0], description="changed"), *commands[1:]]
    assert tree_hash(changed, "global") != tree_hash(commands, "global")


def test_interaction_data_back_to_path_and_options() -> None:
    data = {
        "name": "studymod",
        "options": [
            {
                "type": 2,
                "name": "config",
                "options": [
                    {
                        "type": 1,
                        "name": "leaderboard",
                        "options": [
                            {"type": 3, "name": "weekday", "value": "friday"},
                            {"type": 3, "name": "time", "value": "17:00"},
                        ],
                    }
                ],
            }
        ],
    }
    assert command_of(data) == (
        ("studymod", "config", "leaderboard"),
        {"weekday": "friday", "time": "17:00"},
        None,
    )
    auto = {
        "name": "study",
        "options": [
            {
                "type": 1,
                "name": "join",
                "options": [{"type": 3, "name": "timezone", "value": "berl", "focused": True}],
            }
        ],
    }
    assert command_of(auto) == (("study", "join"), {"timezone": "berl"}, "timezone")
    minutes = {"name": "study", "options": [{"type": 1, "name": "log", "options": [
        {"type": 4, "name": "minutes", "value": 25}, {"type": 3, "name": "topic", "value": "x"}]}]}  # fmt: skip
    assert command_of(minutes)[1] == {"minutes": "25", "topic": "x"}


def test_modal_values_in_rows_and_labels() -> None:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "42"}]}]
    labels = [{"type": 18, "component": {"type": 4, "custom_id": "title", "value": "T"}}]
    assert modal_values(rows) == {"answer": "42"}
    assert modal_values(labels) == {"title": "T"}
    assert modal_values([]) == {}


def test_kinds_all_have_an_option_type() -> None:
    # Every kind maps somewhere (a new Kind must be given a Discord type on purpose).
    from adapters.discord.tree import option_for
    from commands.spec import Param

    for kind in Kind:
        assert option_for(Param("x", kind, "x", required=False))["type"] in (3, 4, 6, 7, 8)
