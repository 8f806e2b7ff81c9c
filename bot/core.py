"""The core's state, assembled from Settings: database, challenge bank, clock. Nothing happens at
import time; adapters/runtime.py wires this with the dispatcher, scheduler and Posters."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.catalog.bank import Bank, load_bank, sync_bank
from bot.catalog.generators import GENERATORS
from bot.edge.clock import Clock
from bot.edge.errors import ConfigError
from bot.settings import Settings
from bot.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class Core:
    settings: Settings
    db: Database
    clock: Clock
    bank: Bank

    @classmethod
    def build(cls, settings: Settings, clock: Clock, db: Database | None = None) -> Core:
        """`db`: an engine made elsewhere (tests on a throwaway schema); else from settings."""
        return cls(settings, db or Database.from_url(settings.database_url), clock, Bank())

    async def start(self) -> None:
        """Migrate, then load, validate and sync the challenge bank."""
        await self.db.upgrade()
        self.bank = load_bank(self.settings.content_dir)
        if self.bank.errors:
            first = self.bank.errors[0]
            more = f" (and {len(self.bank.errors) - 1} more; run `studybot content check`)"
            raise ConfigError(f"content: {first}{more if len(self.bank.errors) > 1 else ''}")
        async with self.db.unit_of_work() as session:
            changed = await sync_bank(session, self.bank, self.clock.now())
        log.info(
            "challenge bank loaded: %d challenges and %d generators (%d rows new or updated)",
            len(self.bank.challenges),
            len(GENERATORS),
            changed,
        )

    async def stop(self) -> None:
        await self.db.dispose()
