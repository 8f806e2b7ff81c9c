"""A challenge as one member meets it: the shared question, or their personal instance.

Generated challenges (bot/generators) are stored like any other, with `{"generator": id}` as
their answer; each member's input and answer come from a seed of the challenge and the member,
so two members never share an answer, and a member always gets the same input back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.catalog.generators import GENERATORS, Generator, Instance, generate, render, seed_for
from bot.edge.messages import Attachment
from bot.rules.grading import ATTEMPTS, Tolerance, Verdict, default_points, grade, parse_number
from bot.store.models import Challenge, Member, Workspace

GENERATED_ATTEMPTS = 3


def member_key(workspace: Workspace, member: Member) -> str:
    """Who a personal instance belongs to, the same on every machine and database."""
    return f"{workspace.platform}:{workspace.external_id}:{member.user_id}"


def generator_id(challenge: Challenge) -> str | None:
    gen = challenge.answer.get("generator")
    return str(gen) if gen else None


def instance_for(challenge: Challenge, workspace: Workspace, member: Member) -> Instance | None:
    """The member's personal instance of a generated challenge (None for a fixed one)."""
    gen = generator_id(challenge)
    if gen is None:
        return None
    return generate(gen, seed_for(challenge.id, member_key(workspace, member)))


def attempts_allowed(challenge: Challenge) -> int:
    if generator_id(challenge) is not None:
        return GENERATED_ATTEMPTS
    return ATTEMPTS.get(challenge.kind, 1)


def grade_answer(challenge: Challenge, answer: str, instance: Instance | None) -> Verdict:
    """Grade against the member's instance for a generated challenge, else the stored answer."""
    if instance is not None:
        if instance.kind == "numeric":
            return grade(
                "numeric",
                answer,
                expected_number=parse_number(instance.answer),
                tolerance=Tolerance.parse(instance.tolerance),
            )
        return grade("text", answer, accepted=[instance.answer])
    spec = challenge.answer
    return grade(
        challenge.kind,
        answer,
        options=challenge.options,
        correct_option=spec.get("option"),
        expected_number=spec.get("value"),
        tolerance=Tolerance(float(spec["tolerance"]), bool(spec["relative"]))
        if challenge.kind == "numeric"
        else None,
        accepted=spec.get("accepted"),
    )


@dataclass(frozen=True, slots=True)
class Personal:
    """What one member is shown: the question text and, for a large input, a file."""

    text: str
    attachment: Attachment | None


def personal_question(instance: Instance) -> Personal:
    text, attachment = render(instance)
    return Personal(text, attachment)


def generated_prompt(gen: Generator) -> str:
    """The shared text of a generated challenge, as posted in the channel."""
    what = "input" if gen.kind == "puzzle" else "numbers"
    how = (
        "Solve it with your own code and submit the result."
        if gen.kind == "puzzle"
        else "Work it out and submit the result."
    )
    return (
        f"{gen.title}. Everyone gets their own {what}: `/study today` shows yours "
        f"(`/study practice next` when it is a practice question). {how}"
    )


def generator_rows(now: datetime) -> list[Challenge]:
    """The generators as bank challenges (kind `puzzle` or `numeric`)."""
    return [
        Challenge(
            id=gen.id,
            workspace_id=None,
            kind=gen.kind,
            track=gen.track,
            difficulty=gen.difficulty,
            title=gen.title,
            prompt=generated_prompt(gen),
            options=None,
            answer={"generator": gen.id},
            explanation=gen.explanation,
            reference=gen.reference,
            points=default_points(gen.difficulty),
            source="bank",
            created_at=now,
        )
        for gen in GENERATORS.values()
    ]


def kaggle_spec(challenge: Challenge) -> dict[str, Any] | None:
    spec = challenge.answer.get("kaggle")
    return dict(spec) if spec else None
