"""How a challenge reads in chat: question, options, answer, reveal, titles, the round post."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from bot.catalog.generators.base import Instance
from bot.catalog.questions import attempts_allowed, generator_id
from bot.edge.actions import action_id
from bot.edge.messages import LABEL_MAX, Choice, Post
from bot.rules.grading import FIRST_ATTEMPT_BONUS, LETTERS, Tolerance
from bot.rules.tracks import TRACK_NAMES
from bot.store.models import Challenge, Round

# The commands buttons run: answering the round (without an answer: the form that asks for
# one), showing it, and answering a practice question.
SUBMIT_PATH = ("study", "submit")
TODAY_PATH = ("study", "today")
PRACTICE_ANSWER_PATH = ("study", "practice", "answer")


def stars(difficulty: int) -> str:
    return "★" * difficulty + "☆" * (3 - difficulty)


def options_text(challenge: Challenge) -> str:
    return "\n".join(f"{LETTERS[i]}) {o}" for i, o in enumerate(challenge.options or []))


def answer_text(challenge: Challenge, instance: Instance | None = None) -> str:
    """The correct answer as a member should read it (theirs, for a generated challenge)."""
    spec = challenge.answer
    if instance is not None:
        given = instance.tolerance
        exact = given is None or Tolerance.parse(given).value == 0
        return instance.answer if exact else f"{instance.answer} (± {given})"
    if generator_id(challenge) is not None:
        return "each member had their own input, and so their own answer"
    if challenge.kind == "mcq":
        idx = int(spec["option"])
        return f"{LETTERS[idx]}) {(challenge.options or [])[idx]}"
    if challenge.kind == "numeric":
        tol = Tolerance(float(spec["tolerance"]), bool(spec["relative"]))
        shown = f"{float(spec['value']):g}"
        return shown if tol.relative and tol.value <= 1e-6 else f"{shown} ({tol.render()})"
    accepted = list(spec.get("accepted") or ["—"])
    extra = f" (also accepted: {', '.join(accepted[1:])})" if len(accepted) > 1 else ""
    return f"{accepted[0]}{extra}"


def reveal_text(challenge: Challenge, instance: Instance | None = None) -> str:
    ref = f"\nReference: {challenge.reference}" if challenge.reference else ""
    return f"Answer: {answer_text(challenge, instance)}\n{challenge.explanation.strip()}{ref}"


def challenge_text(
    challenge: Challenge, personal: str | None = None, command: str = "/study submit"
) -> str:
    """The question as members see it: prompt (or their personal one), options, how to answer,
    what it is worth."""
    parts = [personal.strip() if personal else challenge.prompt.strip()]
    if challenge.kind == "mcq":
        parts.append(options_text(challenge))
    attempts = attempts_allowed(challenge)
    how = "one letter or the option's text" if challenge.kind == "mcq" else "your answer"
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    parts.append(
        f"Answer with `{command} <{how}>` ({tries}). "
        f"Worth {challenge.points} points, +{FIRST_ATTEMPT_BONUS} on the first try."
        if command == "/study submit"
        else f"Answer with `{command} <{how}>` ({tries})."
    )
    return "\n\n".join(parts)


def title_for(round_id: int, challenge: Challenge) -> str:
    return f"Round #{round_id}{title_tail(challenge)}"


def title_tail(challenge: Challenge) -> str:
    """What follows the round number in a round's title."""
    track = TRACK_NAMES.get(challenge.track, challenge.track)
    return f" · {challenge.title} · {track} · {stars(challenge.difficulty)}"


def round_title(rnd: Round, challenge: Challenge) -> str:
    return title_for(rnd.id or 0, challenge)


def answer_choices(
    challenge: Challenge, path: tuple[str, ...], **preset: object
) -> tuple[Choice, ...]:
    """Buttons that answer a question through the command at `path`: an mcq's options, each
    submitting its letter; otherwise one "Answer" button, which opens a form (and, for a
    personal input, one that shows the member theirs)."""
    base = action_id(path, **preset)
    if challenge.kind == "mcq" and generator_id(challenge) is None:
        sep = "&" if "?" in base else "?"
        return tuple(
            Choice(f"{base}{sep}answer={letter}", label, "primary")
            for letter, label in _option_labels(tuple(challenge.options or ()))
        )
    answer = Choice(base, "Answer", "primary")
    if generator_id(challenge) is None or path != SUBMIT_PATH:
        return (answer,)
    return (answer, Choice(action_id(TODAY_PATH), "Show my input"))


@lru_cache(maxsize=1024)
def _option_labels(options: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each option's letter and button label (a fan-out of one question builds these once)."""
    return tuple(
        (LETTERS[i], f"{LETTERS[i]}) {option}"[:LABEL_MAX]) for i, option in enumerate(options)
    )


@dataclass
class RoundTexts:
    """Question and reveal texts by challenge id, so a fan-out renders each challenge once."""

    questions: dict[str, str] = field(default_factory=dict)
    reveals: dict[str, str] = field(default_factory=dict)
    tails: dict[str, str] = field(default_factory=dict)

    def title(self, round_id: int, challenge: Challenge) -> str:
        if challenge.id not in self.tails:
            self.tails[challenge.id] = title_tail(challenge)
        return f"Round #{round_id}{self.tails[challenge.id]}"

    def question(self, challenge: Challenge) -> str:
        if challenge.id not in self.questions:
            self.questions[challenge.id] = challenge_text(challenge)
        return self.questions[challenge.id]

    def reveal(self, challenge: Challenge) -> str:
        if challenge.id not in self.reveals:
            self.reveals[challenge.id] = f"{challenge.title}:\n{reveal_text(challenge)}"
        return self.reveals[challenge.id]


def round_post(
    round_id: int,
    challenge: Challenge,
    channel: str | None,
    previous: tuple[int, Challenge] | None = None,
    *,
    key: str | None = None,
    texts: RoundTexts | None = None,
) -> Post:
    """The channel post that opens a round, revealing the round it closed."""
    texts = texts or RoundTexts()
    body = texts.question(challenge)
    if previous is not None:
        body += f"\n\nPrevious round #{previous[0]}, {texts.reveal(previous[1])}"
    return Post(
        body,
        channel,
        title=texts.title(round_id, challenge),
        kind="round",
        key=key,
        choices=answer_choices(challenge, SUBMIT_PATH, round=round_id),
    )
