"""Forms the commands answer with: the core's neutral modal, built in one place."""

from __future__ import annotations

from bot.edge.actions import action_id
from bot.edge.messages import FORM_TITLE_MAX, Form, FormInput, Reply


def answer_form(path: tuple[str, ...], title: str, hint: str, **preset: object) -> Reply:
    """A form with one answer field whose submission runs `path` (with `preset` options)."""
    return Reply(
        "",
        title=title,
        form=Form(
            action_id(path, **preset),
            title[:FORM_TITLE_MAX],
            (FormInput("answer", "Your answer", "short", True, 200, hint[:100]),),
        ),
    )
