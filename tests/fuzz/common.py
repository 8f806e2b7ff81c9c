"""Hostile inputs shared by the fuzz suites: strings, numbers, dates, times and zones at and
past every bound, and the quoting, control and bidi characters that break naive parsing."""

from __future__ import annotations

import os

from hypothesis import strategies as st

# A lone surrogate, bidi overrides and isolates, NUL, escapes, mention markers, quotes of
# every kind, a zero-width joiner and a combining mark.
# Names zoneinfo may open that are no place: refused as time zones.
BAD_ZONES = (
    "localtime",
    "Factory",
    "posix/Europe/Berlin",
    "right/UTC",
    "posixrules",
    "Europe/../UTC",
    "/etc/localtime",
    "EST5EDT",
    "Etc/GMT+14",
)

ATOMS: tuple[str, ...] = (
    "\ud800",
    "\udfff",
    "\udc80",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200d",
    "\u0301",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\u2028",
    "\ufeff",
    "\ue000",
    "\ue001",
    "\ue002",
    '"',
    "'",
    "`",
    "```",
    "“",
    "”",
    "„",
    "‘",
    "’",
    "«",
    "»",
    '""',
    "''",
    '"a b"',
    "'a b'",
    '"unclosed',
    "\\",
    "\\n",
    "=",
    "==",
    "k=v",
    'title="a b"',
    "a=b=c",
    "=x",
    "|",
    "||",
    "@",
    "@everyone",
    "<@123>",
    "<#1>",
    "#study",
    "[bold]x[/]",
    "[/]",
    "%s",
    "{0}",
    "%00",
    "%ED%A0%80",
    "%FF",
    "&",
    "?",
    "..",
    "../../etc/passwd",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "+0",
    "0",
    "007",
    "0x10",
    "1_000",
    "١٢",
    "１２",
    "²",
    "½",
    "1,234",
    "0,25",
    "25%",
    "1/0",
    "0/0",
    "-1",
    "2147483648",
    "9223372036854775808",
    "999999999",
    "1000000000",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "1970-01-01",
    "2026-02-30",
    "2026-13-01",
    "+12026-01-01",
    "2026-03-02T25:00",
    "24:00",
    "23:60",
    "00:00",
    "23:59",
    "-1:00",
    "99:99",
    "9:5",
    "12:00:00",
    *BAD_ZONES,
    "Etc/GMT-15",
    "UTC",
    "utc",
    "Europe/Berlin",
    "europe/berlin",
    "America/Argentina/ComodRivadavia",
    "Australia/Lord_Howe",
    "https://www.kaggle.com/code/a/b",
    "https://www.kaggle.com/code/a/b/../../x",
    "https://[::1",
    "https://[",
    "http://[::1]:99999",
    "https://www.kaggle.com:99999/code/a/b",
    "https://www.kaggle.com:-1/code/a/b",
    "https://www.kaggle.com:x/code/a/b",
    "https://user:pw@www.kaggle.com/code/a/b",
    "https://www.kaggle.com\\@evil.com/code/a/b",
    "https://www.kaggle.com/code/a/b\x00",
    "https://www.kaggle.com/code/a/b\u202e",
    "https://www.kaggle.com/competitions/titanic",
    "javascript:alert(1)",
    "kaggle-titanic-test",
    "two-heads",
    "lifo-structure",
    "confirm",
    "week",
    "all",
    "last",
    "bank",
    "upcoming",
    "off",
    "mcq",
    "numeric",
    "text",
    "monday",
    "Sunday",
    "probability-statistics",
    "A",
    "B",
    "e",
    "alice",
    "@alice",
    "mod",
    "Bob",
    "nobody",
    "DROP TABLE member;--",
    "' OR 1=1 --",
    " ",
    "",
)

_QUOTES = ('"', "'", "“", "”", "„", "‘", "’")

any_unicode = st.text(st.characters(codec=None), max_size=40)
surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=5)
controls = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8)


@st.composite
def huge(draw: st.DrawFn) -> str:
    """A very long string: one character (or a short run) repeated up to 50,000 characters."""
    unit = draw(st.sampled_from(["x", "é", "\ud800", "\u202e", " ", '"', "=", "9", "a b", "🙂"]))
    n = draw(st.sampled_from([201, 2001, 4001, 10_000, 50_000]))
    return (unit * n)[:n]


# Just under and past the limits a value meets on its way: ids and button ids (64, 100), titles
# (120), topics (200), answers (500), notes (300), parameters (2000), message bodies (4000).
LIMITS: tuple[int, ...] = (63, 64, 65, 99, 100, 101, 119, 120, 121, 199, 200, 201)
LIMITS += (299, 300, 301, 499, 500, 501, 1999, 2000, 2001, 4000, 4001)


@st.composite
def at_limits(draw: st.DrawFn) -> str:
    """A value of a length at or just past a limit, in ASCII or in multi-byte characters."""
    unit = draw(st.sampled_from(["x", "é", "🙂", "a b", "9"]))
    n = draw(st.sampled_from(LIMITS))
    return (unit * n)[:n]


def numbers(minimum: int | None = None, maximum: int | None = None) -> st.SearchStrategy[str]:
    """Whole numbers at and just past a parameter's bounds, and far past them."""
    edges: list[int] = [0, -1, 1, 10**9 - 1, 10**9, 10**18, -(10**9)]
    for bound in (minimum, maximum):
        if bound is not None:
            edges += [bound - 1, bound, bound + 1]
    return st.one_of(
        st.sampled_from(edges).map(str),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.sampled_from(["1.5", "1e3", "  7  ", "+5", "٣", "３", "0" * 30 + "1", "-0"]),
    )


dates = st.one_of(
    st.sampled_from(
        ["0000-00-00", "9999-12-31", "0001-01-01", "2026-02-29", "2024-02-29", "2026-03-02"]
    ),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
)
times = st.one_of(
    st.sampled_from(["24:00", "23:60", "00:00", "23:59", "-1:00", "9:05", "off", "12:00:00"]),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 99), st.integers(0, 99)),
)
zones = st.sampled_from(
    [
        *BAD_ZONES,
        "Europe/Berlin",
        "UTC",
        "Pacific/Kiritimati",
        "Australia/Lord_Howe",
        "America/New_York",
        "Europe/Berlin\x00",
        "Europe/Berlin\ud800",
    ]
)


@st.composite
def quoted(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    """A value wrapped in a quote of any kind, possibly unbalanced."""
    q1 = draw(st.sampled_from(_QUOTES))
    q2 = draw(st.sampled_from((*_QUOTES, "")))
    return f"{q1}{draw(inner)}{q2}"


small_nasty = st.one_of(
    st.sampled_from(ATOMS),
    any_unicode,
    surrogates,
    controls,
    st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4).map("".join),
)
nasty = st.one_of(
    small_nasty,
    quoted(small_nasty),
    huge(),
    at_limits(),
    numbers(),
    dates,
    times,
    zones,
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(("title", "answer", "x", "")), small_nasty),
)


# Examples per property: a quick pass in `make test`; STUDYBOT_FUZZ_SCALE=10 for a long hunt.
SCALE = max(0.1, float(os.environ.get("STUDYBOT_FUZZ_SCALE", "1")))


def examples(n: int) -> int:
    return max(1, round(n * SCALE))
