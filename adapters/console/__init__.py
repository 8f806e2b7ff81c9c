"""The console adapter: the bot in a terminal, with no account anywhere."""

from adapters.console.printer import ConsolePoster, Printer, Shown, make_printer
from adapters.console.reader import GOODBYE, run_console
from adapters.console.session import PLATFORM, ConsoleSession

__all__ = [
    "GOODBYE",
    "PLATFORM",
    "ConsolePoster",
    "ConsoleSession",
    "Printer",
    "Shown",
    "make_printer",
    "run_console",
]
