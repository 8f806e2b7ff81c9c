"""The Slack adapter: slack-bolt's AsyncApp around the platform-neutral core.

settings (credentials, where to listen, the Web API URL), text (Slack's escaped mentions in,
escaping out), blocks (Replies and Posts as Block Kit within Slack's limits; forms as modals),
poster (chat.postMessage with the ledger key in metadata, DMs, files), members (who is an
admin), handlers (commands, buttons, modals and events to Invocations, acknowledged within
3 s), installations (the OAuth install flow's store, in the bot's database), app (the bolt
app and its HTTP endpoint), runner (start, Socket Mode, stop).
"""
