"""The Slack app manifest says what the adapter does: both commands on the events URL with
escaping on, exactly the bot scopes the OAuth flow asks for, the events it handles."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.app import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yaml"


def test_manifest_matches_the_adapter() -> None:
    m = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = {c["command"]: c for c in m["features"]["slash_commands"]}
    assert set(commands) == {"/study", "/studymod"}
    for c in commands.values():
        assert c["should_escape"] is True
        assert c["url"].endswith(EVENTS_PATH)
    assert m["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert m["oauth_config"]["redirect_urls"][0].endswith(REDIRECT_PATH)
    settings = m["settings"]
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_uninstalled",
        "tokens_revoked",
    }
