"""The console's control lines and command-line options, fuzzed through the real
`studybot console --json` on a temporary SQLite file.

Whatever the input: it exits 0 (or 2 with one `studybot: …` line for a bad option), never
prints a traceback, prints only JSON objects, and answers each non-blank, non-comment line
with exactly one reply (`reply`, `clock` or `console` record).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fuzz.common import ATOMS, examples, small_nasty
from tests.fuzz.console_run import START, Run, answered_lines, run_console

SLOW = settings(
    max_examples=examples(3),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

names = st.one_of(
    st.sampled_from(
        [
            "alice",
            "admin",
            "[bold]x[/]",
            "[/]",
            "[red]",
            "[link=https://x]y",
            "x" * 64,
            "x" * 65,
            "\ue000",
            "\u202e",
            "a\x00b",
            "'",
            '"',
            "\\",
            ":as",
            "/study",
            "#x",
        ]
    ),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=70),
)
durations = st.one_of(
    st.sampled_from(
        [
            "1d",
            "3h",
            "90m",
            "30s",
            "366d",
            "367d",
            "999999999d",
            "9999999999d",
            "100000000000000000000d",
            "0d",
            "-1d",
            "1y",
            "1.5d",
            "d",
            "",
            "١d",
            "1D",
            "1d 3h",
            "10000000h",
            "527040m",
            "31622400s",
            "31622401s",
        ]
    ),
    st.builds(lambda n, u: f"{n}{u}", st.integers(-5, 10**12), st.sampled_from("dhms")),
)
labels = st.one_of(
    st.sampled_from(["A", "a", "Answer", "Show my input", "study.submit?round=1", "study.today"]),
    st.sampled_from(["study.submit?round=1&answer=%ED%A0%80", "study.forget?confirm=confirm"]),
    small_nasty.filter(lambda s: "\n" not in s and "\r" not in s),
)
form_fields = st.lists(
    st.builds(
        lambda k, v, q: f'{k}="{v}"' if q else f"{k}={v}",
        st.sampled_from(["answer", "title", "prompt", "explanation", "details", "bogus", ""]),
        st.sampled_from([a for a in ATOMS if "\n" not in a and "\r" not in a] + ["x" * 3000]),
        st.booleans(),
    ),
    max_size=5,
).map(" ".join)
openers = st.sampled_from(
    [
        "/study join",
        "/study submit",
        "/studymod challenge add",
        "/study practice next",
        "/study practice answer",
        "/studymod challenge post-now",
        "/study today",
    ]
)
control = st.one_of(
    names.map(lambda n: f":as {n}"),
    durations.map(lambda d: f":advance {d}"),
    st.sampled_from([":now", ":now extra", ":", ":bogus", ":as", ":click", ":form", ": as x"]),
    labels.map(lambda lb: f":click {lb}"),
    form_fields.map(lambda f: f":form {f}"),
    openers,
)
scripts = st.lists(control, min_size=1, max_size=12)


def check_run(run: Run, stdin: bytes, *, bad_option: bool = False) -> None:
    where = f"stdout={run.stdout[-1500:]!r}\nstderr={run.stderr[-3000:]!r}"
    assert run.code is not None, f"the console did not finish in time\n{where}"
    assert run.tracebacks == 0, f"a traceback was printed\n{where}"
    if run.code == 2 and bad_option:
        lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1, f"a bad option gets one line\n{where}"
        assert lines[0].startswith("studybot: "), where
        return
    assert run.code == 0, f"exit code {run.code}\n{where}"
    assert not run.bad_lines, f"not JSON: {run.bad_lines[:3]!r}\n{where}"
    want = answered_lines(stdin)
    assert run.answers == want, f"{run.answers} answers to {want} lines\n{where}"


@SLOW
@given(script=scripts)
@example(script=[":as [bold]x[/]", "/study join", ":now"])
@example(script=[":advance 999999999d", ":now"])
@example(script=[":advance 100000000000000000000d", ":now"])
@example(script=["/study submit", ":form answer=\ud800", ":click Answer", ":form answer=x"])
async def test_control_lines(tmp_path: Path, script: list[str]) -> None:
    stdin = "\n".join(["/study join UTC", "/studymod challenge post-now", *script]) + "\n"
    data = stdin.encode("utf-8", errors="surrogatepass")  # lone surrogates as their bytes
    run = run_console(data, ["--start", START], db=tmp_path / "c.db")
    check_run(run, data)


@SLOW
@given(
    junk=st.lists(
        st.sampled_from(
            [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00", b"\r"]
        ),
        min_size=1,
        max_size=4,
    ).map(b"".join)
)
@example(junk=b"\xff\xfe")
async def test_invalid_utf8_on_stdin(tmp_path: Path, junk: bytes) -> None:
    data = b"/study join UTC\n/study log 30 " + junk + b"\n:as " + junk + b"\n/study profile\n"
    run = run_console(data, ["--start", START], db=tmp_path / "u.db")
    check_run(run, data)


argv_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40
)  # argv cannot hold NUL or lone surrogates
starts = st.one_of(
    st.sampled_from(
        [
            START,
            "2026-03-02",
            "0000-00-00",
            "9999-12-31",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
            "2199-12-31T00:00:00Z",
            "2026-03-02T24:00:00Z",
            "2026-03-02T23:60:00Z",
            "2026-03-02T14:00:00+25:00",
            "2026-03-02T14:00:00-23:59",
            "2026-03-02T14:00:00+00:00:00.5",
            "now",
            "",
            " ",
            "Z",
        ]
    ),
    argv_text,
)
zone_args = st.one_of(
    st.sampled_from(
        [
            "localtime",
            "Factory",
            "posix/Europe/Berlin",
            "right/UTC",
            "Europe/../UTC",
            "/etc/localtime",
            "../../../etc/passwd",
            "Europe/Berlin",
            "",
            " ",
            "x" * 100,
        ]
    ),
    argv_text,
)


def db_args(tmp: Path) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            f"sqlite:///{tmp / 'ok.db'}",
            "sqlite://",
            "sqlite:///:memory:",
            "sqlite:///",
            f"sqlite:///{tmp}",  # a directory
            f"sqlite:///{tmp / 'missing' / 'dir' / 'x.db'}",
            "sqlite:////proc/x.db",
            "mysql://u@127.0.0.1/x",
            "postgresql://u@127.0.0.1:1/x",
            "garbage",
            "",
            "://",
            "sqlite:///%00",
            f"sqlite:///{tmp / 'ok.db'}?mode=ro",
        ]
    )


@SLOW
@given(data=st.data())
@example(data=None)
async def test_options(tmp_path: Path, data: st.DataObject | None) -> None:
    if data is None:  # the known nasty ones together
        start, zone, db = "9999-12-31T23:59:59Z", "Factory", f"sqlite:///{tmp_path / 'd.db'}"
        kinds = {"start": True, "zone": True, "db": True}
    else:
        kinds = {
            "start": data.draw(st.booleans()),
            "zone": data.draw(st.booleans()),
            "db": data.draw(st.booleans()),
        }
        start = data.draw(starts)
        zone = data.draw(zone_args)
        db = data.draw(db_args(tmp_path))
    args: list[str | bytes] = []
    if kinds["start"]:
        args += ["--start", start]
    if kinds["zone"]:
        args += ["--timezone", zone]
    if kinds["db"]:
        args += ["--db", db]
    stdin = b"/study join\n/studymod config show\n:now\n"
    run = run_console(stdin, args, db=tmp_path / "default.db", timeout=30)
    check_run(run, stdin, bad_option=True)


async def test_invalid_utf8_in_options(tmp_path: Path) -> None:
    stdin = b"/study join\n:now\n"
    for args in (
        [b"--timezone", b"Europe/\xffBerlin"],
        [b"--start", b"2026-03-02T14:00:00Z\xff"],
        [b"--db", b"sqlite:///" + str(tmp_path).encode() + b"/\xff.db"],
    ):
        run = run_console(stdin, list(args), db=tmp_path / "default.db", timeout=30)
        check_run(run, stdin, bad_option=True)
