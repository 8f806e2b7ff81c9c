"""The registry of command specs, and finding the spec a command line or a path names.

Adapters build their platform commands from the registry, so a new command touches one place.
Old spellings stay working in text form as aliases (`/study practice` is `/study practice next`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.edge.errors import UserError
from commands.spec import CommandSpec


@dataclass
class Registry:
    specs: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)
    aliases: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        if spec.path in self.specs:
            raise ValueError(f"{spec.name} is registered twice")
        for other in self.specs:
            shorter, longer = sorted((other, spec.path), key=len)
            if longer[: len(shorter)] == shorter:
                raise ValueError(f"/{' '.join(shorter)} is a prefix of /{' '.join(longer)}")
        self.specs[spec.path] = spec

    def extend(self, specs: Iterable[CommandSpec]) -> None:
        for spec in specs:
            self.add(spec)

    def alias(self, old: tuple[str, ...], new: tuple[str, ...]) -> None:
        """Keep an old spelling working in text form."""
        if new not in self.specs:
            raise ValueError(f"alias to unknown /{' '.join(new)}")
        if old in self.specs:
            raise ValueError(f"/{' '.join(old)} is a command, not an alias")
        self.aliases[old] = new

    @property
    def roots(self) -> list[str]:
        return sorted({p[0] for p in self.specs})

    def get(self, path: tuple[str, ...]) -> CommandSpec | None:
        """The spec at exactly `path` (or the one an alias names)."""
        spec = self.specs.get(path)
        if spec is None and path in self.aliases:
            spec = self.specs[self.aliases[path]]
        return spec

    def find(self, words: list[str]) -> tuple[CommandSpec, int]:
        """The spec with the longest path matching the leading words, and its length."""
        lowered = [w.lower() for w in words]
        for n in range(min(len(words), 4), 0, -1):
            spec = self.get(tuple(lowered[:n]))
            if spec is not None:
                return spec, n
        if not words:
            raise UserError("Type a command, e.g. `/study help`.")
        root = lowered[0]
        if root not in self.roots:
            raise UserError(f"I don't know `/{words[0][:40]}`. Try `/study help`.")
        close = sorted(
            s.usage for p, s in self.specs.items() if p[: len(lowered[:2])] == tuple(lowered[:2])
        )
        if not close:
            close = sorted(s.usage for p, s in self.specs.items() if p[0] == root)
        listing = "\n".join(f"`{u}`" for u in close[:12])
        asked = " ".join(w[:40] for w in words[:3])
        raise UserError(f"I don't know `/{asked}`. Did you mean:\n{listing}")
