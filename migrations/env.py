"""Alembic environment. studybot runs migrations through `bot.store.db.Database`, which passes the
connection in (so they run inside the app's event loop and, on PostgreSQL, its advisory lock)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.store.edge_models
import bot.store.models  # noqa: F401
from bot.store.db import include_object

target_metadata = SQLModel.metadata


def run_with(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `studybot db upgrade|downgrade|current`.")
run_with(connection)
