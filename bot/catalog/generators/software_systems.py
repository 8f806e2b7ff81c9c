"""Generators for the `software-engineering-systems` track."""

from __future__ import annotations

from bot.catalog.generators.base import Generator

GENERATORS: tuple[Generator, ...] = ()
