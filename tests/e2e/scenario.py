"""A scripted two-week console session: three members in three time zones, a moderator who
posts the first round by hand and schedules the other thirteen (one a custom challenge), which
the scheduler opens at 14:00 UTC each day; right, wrong and repeated answers, study logs, a
missed day covered by a freeze, a streak reminder on that day only, and the weekly leaderboard.
Expected values are derived from the rules here, independently of the bot's code."""

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
SCHEDULED_DAY = 2  # 2026-03-04: the moderator's custom challenge


@dataclass
class Expected:
    points: dict[str, int] = field(default_factory=lambda: {"alice": 0, "bob": 0, "chen": 0})
    week1: dict[str, int] = field(default_factory=lambda: {"alice": 0, "bob": 0, "chen": 0})
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
        ":as alice",
        "/study join Europe/Berlin",
        "/study remind 21:00",  # she studies every day: never nudged
        ":as bob",
        "/study join America/New_York",
        "/study remind 20:00",  # nudged once, on the day he misses
        ":as chen",
        "/study join Asia/Tokyo",
    ]
    exp = Expected()

    def correct(user: str, challenge: str, day: int, attempt: int = 1) -> None:
        pts = base(challenge) + (5 if attempt == 1 else 0)
        exp.points[user] += pts
        (exp.week2 if day >= 7 else exp.week1)[user] += pts

    def challenge_of(day: int) -> str:
        return "gradient-descent-name" if day == SCHEDULED_DAY else ROTATION[day % len(ROTATION)]

    for day in range(DAYS):
        challenge = challenge_of(day)
        if day == 0:
            # Round #1 by hand; rounds #2-#14 scheduled, opened by the scheduler at 14:00 UTC.
            lines += [":as admin", f"/studymod challenge post-now {challenge}"]
            lines += [
                f"/studymod challenge schedule {challenge_of(d)} 2026-03-{2 + d:02d}"
                for d in range(1, DAYS)
            ]
            lines.append("/studymod config daily-time 14:00")
        else:
            lines.append(":advance 1d")
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
