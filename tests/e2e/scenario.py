"""A scripted two-week console session: three members in three time zones, a moderator with a
custom scheduled challenge, daily rounds posted with post-now, right, wrong and repeated
answers, study logs, and a missed day covered by a freeze. Expected values are derived from the
rules here, independently of the bot's code."""

from __future__ import annotations

from dataclasses import dataclass, field

START = "2026-03-02T14:00:00Z"  # Monday 14:00 UTC: Berlin 15:00, New York 09:00, Tokyo 23:00
DAYS = 14

ANSWERS = {
    "two-heads": ("A", 1),
    "binomial-two-of-four": ("0.375", 2),
    "lifo-structure": ("stack", 1),
    "binary-search-cost": ("B", 2),
    "precision-definition": ("0.75", 1),
    "bagging-name": ("bagging", 1),
    "git-undo-commit": ("B", 1),
    "gradient-descent-name": ("gradient descent", 2),
}
WRONG = {
    "two-heads": "B",
    "binomial-two-of-four": "0.5",
    "lifo-structure": "queue",
    "binary-search-cost": "C",
    "precision-definition": "0.5",
    "bagging-name": "boosting",
    "git-undo-commit": "A",
    "gradient-descent-name": "newton",
}
ROTATION = [c for c in ANSWERS if c != "gradient-descent-name"]
SCHEDULED_DAY = 2  # 2026-03-04: the moderator's custom challenge, posted by a bare post-now


@dataclass
class Expected:
    points: dict[str, int] = field(default_factory=lambda: {"alice": 0, "bob": 0, "chen": 0})
    week2: dict[str, int] = field(default_factory=lambda: {"alice": 0, "bob": 0, "chen": 0})


def base(challenge: str) -> int:
    return {1: 10, 2: 20, 3: 30}[ANSWERS[challenge][1]]


def build() -> tuple[list[str], Expected]:
    """The script's lines and the standings the rules predict."""
    lines = [
        ":as admin",
        "/studymod challenge add kind=text track=ml-algorithms-libraries difficulty=2 "
        'title="Name the optimiser" prompt="Which method updates weights against the gradient?" '
        'answer="gradient descent|gd" explanation="It steps along the negative gradient." '
        "id=gradient-descent-name",
        "/studymod challenge schedule gradient-descent-name 2026-03-04",
        ":as alice",
        "/study join Europe/Berlin",
        ":as bob",
        "/study join America/New_York",
        ":as chen",
        "/study join Asia/Tokyo",
    ]
    exp = Expected()

    def correct(user: str, challenge: str, day: int, attempt: int = 1) -> None:
        pts = base(challenge) + (5 if attempt == 1 else 0)
        exp.points[user] += pts
        if day >= 7:
            exp.week2[user] += pts

    for day in range(DAYS):
        if day > 0:
            lines.append(":advance 1d")
        lines.append(":as admin")
        if day == SCHEDULED_DAY:
            challenge = "gradient-descent-name"
            lines.append("/studymod challenge post-now")
        else:
            challenge = ROTATION[day % len(ROTATION)]
            lines.append(f"/studymod challenge post-now {challenge}")
        right, wrong = ANSWERS[challenge][0], WRONG[challenge]
        kind_attempts = (
            1 if challenge in ("two-heads", "binary-search-cost", "git-undo-commit") else 3
        )
        # alice: right every day, and tries again after solving (refused, counts once).
        lines += [":as alice", f"/study submit {right}"]
        correct("alice", challenge, day)
        if day == 0:
            lines.append(f"/study submit {right}")
        # bob: every day but day 7 (a freeze covers it); on day 1 wrong first, then right.
        if day != 7:
            lines.append(":as bob")
            if day == 1 and kind_attempts > 1:
                lines += [f"/study submit {wrong}", f"/study submit {right}"]
                correct("bob", challenge, day, attempt=2)
            else:
                lines.append(f"/study submit {right}")
                correct("bob", challenge, day)
        # chen: logs study days 0-3, misses 4-5 (no freeze yet: the streak breaks), then
        # answers from day 6 on, wrong on day 9 (no points; a study log keeps the day).
        lines.append(":as chen")
        if day <= 3:
            lines.append("/study log 40 linear algebra")
        elif day >= 6:
            if day == 9:
                lines += [f"/study submit {wrong}", "/study log 25 reviewing mistakes"]
            else:
                lines.append(f"/study submit {right}")
                correct("chen", challenge, day)
    lines += [":as alice"]
    lines += [f"/study streak {u}" for u in ("alice", "bob", "chen")]
    lines += ["/study leaderboard all", "/study leaderboard week", "/study export"]
    lines += [":as bob", "/study export", ":as chen", "/study export"]
    return lines, exp


# What the streak rules predict at the end (day 13):
# alice: 14 study days in a row -> streak 14, freezes earned on days 7 and 14 -> 2.
# bob: days 0-6 (freeze earned on the 7th), day 7 missed and covered, days 8-13 -> 13, 0 left.
# chen: days 0-3, then 4-5 missed with no freeze -> restart on day 6; days 6-13 -> 8, 1 freeze.
STREAKS = {"alice": (14, 14, 2), "bob": (13, 13, 0), "chen": (8, 8, 1)}
