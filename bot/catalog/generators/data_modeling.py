"""Generators for the `data-modeling-evaluation` track."""

from __future__ import annotations

from bot.catalog.generators.base import Generator

GENERATORS: tuple[Generator, ...] = ()
