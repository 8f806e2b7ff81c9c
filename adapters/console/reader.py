"""Reading the console's input: off the event loop, so scheduled posts go out on time while
the console waits for a line."""

from __future__ import annotations

import asyncio
from typing import TextIO

from adapters.console.session import ConsoleSession


async def run_console(session: ConsoleSession, stdin: TextIO, interactive: bool) -> None:
    try:
        await session.open()
        await _read_lines(session, stdin, interactive)
    finally:
        await session.close()


async def _read_lines(session: ConsoleSession, stdin: TextIO, interactive: bool) -> None:
    rich = session.printer.rich
    if interactive and rich is not None:
        rich.print(
            "[bold]studybot console[/] — `/study help` for commands, "
            "`:as NAME` to switch member, `:click LABEL` to press a button, Ctrl-D to quit."
        )
    while True:
        if interactive and rich is not None:
            try:
                line = await asyncio.to_thread(rich.input, f"[bold]{session.user}[/]> ")
            except EOFError:
                break
        else:
            raw = await asyncio.to_thread(stdin.readline)
            if not raw:
                break
            line = raw
        await session.push(line)
