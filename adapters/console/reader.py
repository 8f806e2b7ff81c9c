"""Reading the console's input: off the event loop, so scheduled posts go out on time while
the console waits for a line. Standard input is read as bytes: a line that is not UTF-8 gets
a friendly reply instead of a crash."""

from __future__ import annotations

import asyncio
from typing import BinaryIO

from rich.markup import escape

from adapters.console.session import ConsoleSession

GOODBYE = "Bye! Your streaks and the clock are saved; start again to carry on."


async def run_console(session: ConsoleSession, stdin: BinaryIO, interactive: bool) -> None:
    try:
        await session.open()
        await _read_lines(session, stdin, interactive)
    finally:
        await session.close()


async def _read_lines(session: ConsoleSession, stdin: BinaryIO, interactive: bool) -> None:
    rich = session.printer.rich
    if interactive and rich is not None:
        rich.print(
            "[bold]studybot console[/] — `/study help` for commands, "
            "`:as NAME` to switch member, `:click LABEL` to press a button, Ctrl-D to quit."
        )
    while True:
        if interactive and rich is not None:
            try:
                # The name is the member's own text: never read it as rich markup.
                line = await asyncio.to_thread(rich.input, f"[bold]{escape(session.user)}[/]> ")
            except EOFError:
                break
            await session.push(line)
            continue
        raw = await asyncio.to_thread(stdin.readline)
        if not raw:
            break
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            session.refuse("That line is not valid UTF-8 text; nothing was done.")
            continue
        await session.push(line)
