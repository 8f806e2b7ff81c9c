"""How the `studybot` command fails: one line on stderr, then an exit code."""

from __future__ import annotations

import re

import typer


def fail(message: str, code: int = 2) -> typer.Exit:
    """One line on stderr (whatever the message quotes of the input), then exit `code`."""
    line = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", message).strip()
    typer.echo(f"studybot: {line[:500]}", err=True)
    return typer.Exit(code)
