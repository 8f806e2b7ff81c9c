import pytest

from bot.edge.errors import UserError
from commands import build_registry
from commands.parsing import parse_args, parse_line, tokenize
from commands.spec import Kind, Param

REG = build_registry()


def parse(line: str) -> tuple[str, dict[str, object]]:
    spec, tokens, text = parse_line(REG, line)
    return spec.name, parse_args(spec, text, tokens)


def test_tokenizer_keeps_quoted_values_and_never_raises() -> None:
    assert [t.value for t in tokenize('kind=mcq title="Fair coin" x')] == [
        "kind=mcq",
        "title=Fair coin",
        "x",
    ]
    assert [t.value for t in tokenize("Bishop's PRML")] == ["Bishop's", "PRML"]  # lone quote


def test_rest_parameter_keeps_the_text_as_typed() -> None:
    name, args = parse("/study log 45 Bishop's PRML, ch. 3")
    assert name == "/study log"
    assert args == {"minutes": 45, "topic": "Bishop's PRML, ch. 3"}


def test_smart_quotes_count_as_quotes() -> None:
    _, args = parse("/studymod challenge add title=“Fair coin” kind=mcq")
    assert args["fields"] == {"title": "Fair coin", "kind": "mcq"}


def test_optional_choices_can_be_skipped() -> None:
    assert parse("/study leaderboard")[1] == {"period": None, "track": None}
    assert parse("/study leaderboard all")[1] == {"period": "all", "track": None}
    assert parse("/study leaderboard cs-fundamentals")[1] == {
        "period": None,
        "track": "cs-fundamentals",
    }
    assert parse("/study leaderboard week cs-fundamentals")[1]["track"] == "cs-fundamentals"


def test_typed_parameters() -> None:
    assert parse("/study join europe/berlin")[1] == {"timezone": "Europe/Berlin"}
    assert parse("/studymod challenge cancel 7")[1] == {"round_id": 7}
    assert (
        str(parse("/studymod challenge schedule two-heads 2026-03-09")[1]["date"]) == "2026-03-09"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/study log abc reading", "whole number"),
        ("/study log 0 reading", "between 1 and 600"),
        ("/study log 601 reading", "between 1 and 600"),
        ("/study log 30", "Missing `topic`"),
        ("/study join Mars/Base", "not a time zone"),
        ("/study remind", "Missing `when`"),
        ("/study leaderboard month", "didn't expect"),
        ("/study dance", "don't know"),
        ("/nope", "don't know"),
        ("study join", "start with `/`"),
        ("/studymod challenge schedule two-heads 09/03/2026", "not a date"),
        ("/studymod challenge add kind", "key=value"),
        ("/studymod challenge add colour=red", "Unknown key"),
    ],
)
def test_bad_input_says_what_is_expected(line: str, message: str) -> None:
    def parse_all() -> None:
        spec, tokens, text = parse_line(REG, line)
        parse_args(spec, text, tokens)

    with pytest.raises(UserError, match=message):
        parse_all()


def test_unknown_subcommand_suggests_the_group() -> None:
    with pytest.raises(UserError) as err:
        parse_line(REG, "/studymod challenge frobnicate")
    assert "/studymod challenge add" in err.value.message


def test_every_command_has_help_and_a_usage() -> None:
    names = {s.name for s in REG.specs.values()}
    for required in (
        "/study join", "/study timezone", "/study today", "/study submit", "/study log",
        "/study streak", "/study leaderboard", "/study profile", "/study remind",
        "/study export", "/study forget", "/study help", "/studymod config show",
        "/studymod config channel", "/studymod config daily-time", "/studymod config timezone",
        "/studymod config leaderboard", "/study practice next", "/study practice answer",
        "/study kaggle show", "/study kaggle submit", "/studymod review list",
        "/studymod review reject",
        "/studymod challenge add", "/studymod challenge schedule", "/studymod challenge list",
        "/studymod challenge cancel", "/studymod challenge post-now",
        "/studymod streak repair", "/studymod stats",
    ):  # fmt: skip
        assert required in names
    for spec in REG.specs.values():
        assert spec.help
        assert spec.usage.startswith(spec.name)
        assert all(spec.moderator for spec in REG.specs.values() if spec.path[0] == "studymod")


def test_param_usage_rendering() -> None:
    assert Param("x", Kind.CHOICE, "", required=False, choices=("a", "b")).usage == "[a|b]"
    assert Param("minutes", Kind.INT, "").usage == "<minutes>"


def test_every_path_is_a_leaf_of_at_most_three_words() -> None:
    """Discord's tree: a command, an optional group, a subcommand; nothing both at once."""
    paths = list(REG.specs)
    for path in paths:
        assert 2 <= len(path) <= 3, path
        assert not any(o != path and o[: len(path)] == path for o in paths), path


def test_a_path_that_is_a_prefix_of_another_is_refused() -> None:
    from commands.registry import Registry
    from commands.spec import CommandSpec

    async def noop(ctx: object, args: object) -> None:  # pragma: no cover - never run
        raise AssertionError

    reg = Registry()
    reg.add(CommandSpec(("a", "b", "c"), "x", noop))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="prefix"):
        reg.add(CommandSpec(("a", "b"), "x", noop))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/study practice", "/study practice next"),
        ("/study practice cs-fundamentals", "/study practice next"),
        ("/study kaggle", "/study kaggle show"),
        ("/study kaggle titanic", "/study kaggle show"),
        ("/studymod config", "/studymod config show"),
        ("/studymod config channel #x", "/studymod config channel"),
        ("/study practice answer B", "/study practice answer"),
        ("/study kaggle submit a b 1", "/study kaggle submit"),
    ],
)
def test_old_spellings_still_work_in_text_form(old: str, new: str) -> None:
    assert parse(old)[0] == new


def test_members_and_channels_are_typed() -> None:
    assert parse("/study streak @alice")[1] == {"member": "alice"}
    assert parse("/study profile Ann Lee")[1] == {"member": "Ann Lee"}  # a display name
    assert parse("/studymod config channel #study")[1] == {"channel": "#study"}
    with pytest.raises(UserError, match="channel"):
        parse("/studymod config channel #a\x00")
