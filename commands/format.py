"""Small text helpers shared by the command modules."""

from __future__ import annotations

from bot.rules.streaks import StreakView


def streak_line(v: StreakView) -> str:
    freezes = f", {v.freezes} freeze{'s' if v.freezes != 1 else ''}"
    frozen = (
        f", {v.frozen_days} day{'s' if v.frozen_days != 1 else ''} covered by a freeze"
        if v.frozen_days
        else ""
    )
    if v.current == 0:
        return (
            f"No streak right now (longest {v.longest}{freezes}). "
            "Answer a challenge or log study time to start one."
        )
    today = "" if v.studied_today else " (study today to keep it)"
    return f"🔥 {v.current}-day streak (longest {v.longest}{freezes}{frozen}){today}"


def minutes_text(total: int) -> str:
    hours, minutes = divmod(total, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
