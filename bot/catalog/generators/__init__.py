"""Challenge generators: a personal instance of a challenge for each (member, challenge).

A `puzzle` generator builds a personal input (a list, a grid, a graph...) that the member
solves with their own code; a `numeric` generator draws the member's own numbers for a
statistics question. Either way the generator computes the exact answer, so members cannot
copy each other's answers, and no member code is ever run.

    seed = seed_for(challenge_id, member_key)
    instance = generate("puzzle-lis-length", seed)
    text, attachment = render(instance)

Everything is deterministic: the seed comes from SHA-256 and the inputs from our own
xoshiro256** (`rng.py`), never `random` or numpy, so a member sees the same input on every
machine, in every Python version, forever.
"""

from __future__ import annotations

import hashlib

from bot.catalog.generators import (
    cs_dynamic,
    cs_graphs,
    cs_sequences,
    data_modeling,
    dm_evaluation,
    math_foundations,
    ml_algorithms,
    ml_clustering,
    software_systems,
    stats_inference,
    stats_probability,
)
from bot.catalog.generators.base import Generator, Instance
from bot.catalog.generators.rng import Rng
from bot.edge.messages import Attachment

__all__ = [
    "GENERATORS",
    "INLINE_MAX_CHARS",
    "MAX_DATA_BYTES",
    "MESSAGE_MAX_CHARS",
    "Generator",
    "Instance",
    "Rng",
    "generate",
    "render",
    "seed_for",
]

INLINE_MAX_CHARS = 1800  # data up to this size goes in a code block, larger is attached
MESSAGE_MAX_CHARS = 2000  # a question with its inline input stays within this, as one message
MAX_DATA_BYTES = 102_400  # 100 KB: the largest input we ever send
ATTACHMENT_NAME = "input.txt"
SEED_DOMAIN = b"studybot/generators/v1"


def _registry(generators: tuple[Generator, ...]) -> dict[str, Generator]:
    out: dict[str, Generator] = {}
    for gen in generators:
        if gen.id in out:
            raise ValueError(f"duplicate generator id {gen.id!r}")
        out[gen.id] = gen
    return out


GENERATORS: dict[str, Generator] = _registry(
    cs_sequences.GENERATORS
    + cs_graphs.GENERATORS
    + cs_dynamic.GENERATORS
    + stats_probability.GENERATORS
    + stats_inference.GENERATORS
    + dm_evaluation.GENERATORS
    + ml_clustering.GENERATORS
    + math_foundations.GENERATORS
    + data_modeling.GENERATORS
    + ml_algorithms.GENERATORS
    + software_systems.GENERATORS
)


def seed_for(challenge_id: str, member_key: str) -> int:
    """A 64-bit seed from SHA-256 of the challenge and the member, stable everywhere."""
    digest = hashlib.sha256(
        b"\0".join((SEED_DOMAIN, challenge_id.encode("utf-8"), member_key.encode("utf-8")))
    ).digest()
    return int.from_bytes(digest[:8], "big")


def generate(gen_id: str, seed: int) -> Instance:
    """The instance that generator `gen_id` makes from `seed` (KeyError for an unknown id)."""
    try:
        gen = GENERATORS[gen_id]
    except KeyError:
        raise KeyError(f"unknown generator {gen_id!r}") from None
    return gen.make(Rng(seed))


def render(instance: Instance) -> tuple[str, Attachment | None]:
    """Chat text for an instance: the prompt, then the data in a code block when it is small
    (at most INLINE_MAX_CHARS, and the whole text within MESSAGE_MAX_CHARS), else a note that
    it is in the returned text attachment. Raises ValueError for data over 100 KB."""
    data = instance.data
    if data is None:
        return instance.prompt, None
    size = len(data.encode("utf-8"))
    if size > MAX_DATA_BYTES:
        raise ValueError(f"input is {size} bytes, over the {MAX_DATA_BYTES}-byte limit")
    inline = f"{instance.prompt}\n```\n{data}\n```"
    if len(data) <= INLINE_MAX_CHARS and len(inline) <= MESSAGE_MAX_CHARS:
        return inline, None
    return (
        f"{instance.prompt}\n\n(your input is attached)",
        Attachment.text(ATTACHMENT_NAME, data),
    )
