"""The `/studymod challenge add` form: five inputs a modal can hold, read back into the same
key=value pairs the text form takes.

Track and difficulty come preset (a platform's own options, or `track=` / `difficulty=` typed
after the command) or from one "details" input (`probability-statistics 2`). The kind follows
from the answer: option lines with `*` before the right one make an mcq, a number (with an
optional `± tolerance`) a numeric challenge, anything else a text one (`|` between accepted
answers).
"""

from __future__ import annotations

import re

from bot.edge.actions import action_id
from bot.edge.errors import UserError
from bot.edge.messages import Form, FormInput, Reply
from bot.rules.grading import LETTERS, parse_number
from bot.rules.tracks import TRACKS

ADD_PATH = ("studymod", "challenge", "add")
PRESET_KEYS = ("kind", "track", "difficulty")
_TOLERANCE = re.compile(r"^(?P<value>.+?)\s*(?:±|\+-|\+/-)\s*(?P<tol>[0-9.,]+%?)$")


def _checked(preset: dict[str, str]) -> dict[str, str]:
    """The presets a form may carry: a known kind and track, a difficulty of 1-3."""
    kind, track, difficulty = (preset.get(k, "").strip().lower() for k in PRESET_KEYS)
    if kind and kind not in ("mcq", "numeric", "text"):
        raise UserError("`kind`: one of mcq, numeric or text.")
    if track and track not in TRACKS:
        raise UserError(f"`track`: use one of {', '.join(TRACKS)}.")
    if difficulty and difficulty not in ("1", "2", "3"):
        raise UserError("`difficulty` must be a whole number from 1 to 3.")
    return {k: v for k, v in zip(PRESET_KEYS, (kind, track, difficulty), strict=True) if v}


def add_form(preset: dict[str, str]) -> Reply:
    preset = _checked(preset)
    inputs = [
        FormInput("title", "Title", "short", True, 120, "Fair coin"),
        FormInput("prompt", "Question", "paragraph", True, 4000, "P(two heads in two flips)?"),
    ]
    if preset.get("kind") == "mcq" and "track" in preset and "difficulty" in preset:
        # Room for the options apart from the answer: five inputs in all.
        inputs += [
            FormInput("options", "Options, one a line", "paragraph", True, 2000, "1/4\n1/2\n3/4"),
            FormInput("answer", "The right option's letter (A is the first)", "short", True, 2),
            FormInput("explanation", "Explanation (shown after the round)", "paragraph", True),
        ]
        form = Form(action_id(ADD_PATH, **preset), "New challenge", tuple(inputs))
        return Reply("", title="New challenge", form=form)
    inputs += [
        FormInput(
            "answer",
            "Answer: a number, words or mcq lines",
            "paragraph",
            True,
            2000,
            "0.25 ±0.01 | gradient descent|gd | one option a line, * before the right one",
        ),
        FormInput("explanation", "Explanation (shown after the round)", "paragraph", True, 4000),
    ]
    if "track" not in preset or "difficulty" not in preset:
        inputs.append(
            FormInput("details", "Track and difficulty (1-3)", "short", True, 60, f"{TRACKS[0]} 2")
        )
    form = Form(action_id(ADD_PATH, **preset), "New challenge", tuple(inputs))
    return Reply("", title="New challenge", form=form)


def pairs_from_form(fields: dict[str, str]) -> dict[str, str]:
    """The form's values as the pairs of the text form (`kind`, `options`, `answer`, …)."""
    pairs = {k: v for k, v in fields.items() if k != "details"}
    if "options" in pairs:
        # Options typed apart (one a line) and the answer as a letter.
        options = [ln.strip() for ln in pairs["options"].splitlines() if ln.strip()]
        pairs["options"] = "|".join(options)
        pairs["answer"] = pairs.get("answer", "").strip().upper()
        pairs.setdefault("kind", "mcq")
    details = fields.get("details")
    if details is not None:
        words = details.replace(",", " ").split()
        if len(words) != 2 or words[0].lower() not in TRACKS or words[1] not in "123":
            raise UserError(
                f"Track and difficulty: a track and 1-3, e.g. `{TRACKS[0]} 2`; tracks: "
                f"{', '.join(TRACKS)}."
            )
        pairs.setdefault("track", words[0].lower())
        pairs.setdefault("difficulty", words[1])
    if "options" in pairs:
        return pairs
    answer = pairs.get("answer", "").strip()
    lines = [ln.strip() for ln in answer.splitlines() if ln.strip()]
    marked = [i for i, ln in enumerate(lines) if ln.startswith("*")]
    if len(lines) > 1 or marked:
        if len(marked) != 1:
            raise UserError("For an mcq, put one option a line and `*` before the right one.")
        pairs.setdefault("kind", "mcq")
        pairs["options"] = "|".join(ln.lstrip("*").strip() for ln in lines)
        pairs["answer"] = LETTERS[marked[0]] if marked[0] < len(LETTERS) else "?"
        return pairs
    m = _TOLERANCE.match(answer)
    number = m.group("value") if m else answer
    if parse_number(number) is not None:
        pairs.setdefault("kind", "numeric")
        pairs["answer"] = number.strip()
        if m:
            pairs["tolerance"] = m.group("tol")
        return pairs
    pairs.setdefault("kind", "text")
    return pairs
