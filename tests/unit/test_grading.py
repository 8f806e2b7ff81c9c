import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.edge.errors import UserError
from bot.rules.grading import (
    Tolerance,
    award,
    default_points,
    grade,
    mcq_choice,
    normalise_text,
    parse_number,
)

OPTIONS = ["1/4", "1/2", "3/4"]


@pytest.mark.parametrize(
    ("answer", "index"), [("A", 0), ("b", 1), ("(C)", 2), ("B)", 1), ("1/2", 1), (" 3/4 ", 2)]
)
def test_mcq_letter_or_option_text(answer: str, index: int) -> None:
    assert mcq_choice(answer, OPTIONS) == index


@pytest.mark.parametrize("answer", ["D", "E", "half", "AB"])
def test_mcq_unknown_choice_is_bad_input_not_a_wrong_answer(answer: str) -> None:
    with pytest.raises(UserError, match="one letter"):
        mcq_choice(answer, OPTIONS)


def test_mcq_grading() -> None:
    assert grade("mcq", "A", options=OPTIONS, correct_option=0).correct
    assert not grade("mcq", "1/2", options=OPTIONS, correct_option=0).correct


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.25", 0.25),
        ("1/4", 0.25),
        ("25%", 0.25),
        ("-3", -3.0),
        ("1e-3", 0.001),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("0,727", 0.727),
        ("1,5", 1.5),
        ("-0,125", -0.125),
    ],
)
def test_numbers_as_members_type_them(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_a_comma_before_three_digits_is_ambiguous() -> None:
    with pytest.raises(UserError, match="ambiguous"):
        parse_number("1,234")


@pytest.mark.parametrize("text", ["abc", "1/0", "nan", "inf", "", "1,2,3"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text) is None


def test_numeric_tolerances() -> None:
    absolute = Tolerance.parse(0.01)
    assert absolute.accepts(0.25, 0.259)
    assert not absolute.accepts(0.25, 0.261)
    relative = Tolerance.parse("1%")
    assert relative.accepts(200, 201.9)
    assert not relative.accepts(200, 202.1)
    exact = Tolerance.parse(None)
    assert exact.accepts(0.375, 3 / 8)
    assert not exact.accepts(0.375, 0.376)


def test_numeric_grading_refuses_non_numbers() -> None:
    with pytest.raises(UserError, match="not a number"):
        grade("numeric", "about a quarter", expected_number=0.25)
    assert grade("numeric", "1/4", expected_number=0.25, tolerance=Tolerance.parse(0.001)).correct


def test_text_normalisation() -> None:
    assert normalise_text("  Over-Fitting! ") == normalise_text("overfitting")
    assert normalise_text("Naïve Bayes") == normalise_text("naive bayes")
    assert normalise_text("ＳＴＡＣＫ") == "stack"  # full-width letters (NFKC)


def test_a_leading_article_does_not_matter() -> None:
    assert grade("text", "a race condition", accepted=["race condition"]).correct
    assert grade("text", "The dummy variable trap", accepted=["dummy variable trap"]).correct
    assert grade("text", "an ensemble", accepted=["ensemble"]).correct
    assert not grade("text", "the", accepted=["he"]).correct  # a lone word is kept
    assert normalise_text("A* search") == "asearch"  # "A*" is a name, not an article


def test_text_is_never_a_substring_match() -> None:
    assert not grade("text", "chair", accepted=["air"]).correct
    assert not grade("text", "air", accepted=["chair"]).correct
    assert grade("text", "AIR.", accepted=["air"]).correct


def test_answers_over_500_characters_are_refused() -> None:
    with pytest.raises(UserError, match="too long"):
        grade("text", "x" * 501, accepted=["x"])


def test_points() -> None:
    assert [default_points(d) for d in (1, 2, 3)] == [10, 20, 30]
    assert award(20, 1) == 25
    assert award(20, 2) == 20


@given(st.text(max_size=40))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=10))
def test_a_longer_answer_never_matches_by_containing_the_accepted_one(
    accepted: str, extra: str
) -> None:
    base = normalise_text(accepted)
    if not base or not normalise_text(extra):
        return
    assert normalise_text(extra + accepted) != base


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ("stack (LIFO)", True),
        ("Stack(last in, first out)", True),
        ("a stack (LIFO)", True),
        ("stack", True),
        ("queue (LIFO)", False),
        ("(LIFO) stack", False),
        ("stack (a gloss that goes on for far too long to be a gloss at all)", False),
        ("stack (LIFO) (really)", False),
        ("stacks (LIFO)", False),
    ],
)
def test_an_accepted_answer_may_carry_a_short_gloss(given: str, ok: bool) -> None:
    assert grade("text", given, accepted=["stack"]).correct is ok


def test_a_gloss_is_no_looser_match() -> None:
    assert not grade("text", "chair", accepted=["air"]).correct
    assert not grade("text", "chair (air)", accepted=["air"]).correct
    assert grade("text", "O(n log n)", accepted=["O(n log n)"]).correct
