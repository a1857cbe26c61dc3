"""What a survey form sends, turned into stored values, and every answer that is refused."""

import pytest

from surveys.answers import AnswerError, check_answer, check_answers
from surveys.instrument import Item

AGREE = Item("agree", "I agree", "agreement")
KNOW = Item("know", "My knowledge", "knowledge")
ZERO_TEN = Item("zero", "Rate 0-10", "rating_0_10")
ONE_TEN = Item("one", "Rate 1-10", "rating_1_10")
SINGLE = Item("role", "Role", "single", choices=("Analyst", "Manager"))
MULTIPLE = Item("topics", "Topics", "multiple", choices=("Data", "Evidence", "Strategy"))
TEXT = Item("notes", "Notes", "text", required=False)
OPTIONAL_AGREE = Item("maybe", "Maybe", "agreement", required=False)


def refusal(item: Item, raw) -> str:
    with pytest.raises(AnswerError) as caught:
        check_answer(item, raw)
    return caught.value.message


@pytest.mark.parametrize(("item", "raw", "value"), [
    (AGREE, "1", 1), (AGREE, " 5 ", 5), (KNOW, "3", 3), (ZERO_TEN, "0", 0),
    (ZERO_TEN, "10", 10), (ONE_TEN, "007", 7), (AGREE, ["4"], 4),
    (SINGLE, "Manager", "Manager"), (SINGLE, [" Analyst "], "Analyst"),
    (MULTIPLE, ["Strategy", "Data", "Data"], ["Data", "Strategy"]), (MULTIPLE, "Evidence", ["Evidence"]),
    (TEXT, "  Clear time in your schedule.\r\nProtect it!  ", "Clear time in your schedule.\nProtect it!"),
    (TEXT, "Tabs\tand\nlines stay", "Tabs\tand\nlines stay"),
])
def test_answers_are_stored_as_values(item, raw, value):
    assert check_answer(item, raw) == value


@pytest.mark.parametrize("raw", [None, "", "   ", [], [""]])
def test_a_missing_required_answer_is_refused_and_an_optional_one_is_none(raw):
    assert refusal(AGREE, raw) == "Select an answer"
    assert refusal(Item("t", "T", "text"), raw) == "Enter an answer"
    assert check_answer(OPTIONAL_AGREE, raw) is None
    assert check_answer(TEXT, raw) is None
    assert check_answer(Item("m", "M", "multiple", False, choices=("A", "B")), raw) == []


@pytest.mark.parametrize(("item", "raw"), [
    (ZERO_TEN, "11"), (ONE_TEN, "0"), (ZERO_TEN, "-1"), (ZERO_TEN, "-0000000000000000000000001"),
])
def test_a_number_out_of_range_is_refused(item, raw):
    low, high = item.scale[0], item.scale[-1]
    assert refusal(item, raw) == (f"The answer is out of range. Enter a whole number from "
                                  f"{low} to {high}")


AGREE_OFFERED = "Choose one of the answers offered, between \u201cStrongly disagree\u201d and " \
    "\u201cStrongly agree\u201d"
KNOW_OFFERED = "Choose one of the answers offered, between \u201cNone\u201d and \u201cVery good\u201d"


@pytest.mark.parametrize(("item", "raw", "message"), [
    (AGREE, "0", AGREE_OFFERED), (AGREE, "6", AGREE_OFFERED), (KNOW, "-1", KNOW_OFFERED),
    (AGREE, "9" * 5000, AGREE_OFFERED), (AGREE, "Agree", AGREE_OFFERED),
    (KNOW, "３", KNOW_OFFERED), (AGREE, "3.5", AGREE_OFFERED),
])
def test_a_scale_shown_in_words_refuses_in_its_words(item, raw, message):
    # Respondents see only the words of an agreement or knowledge scale, never its numbers.
    assert refusal(item, raw) == message


def test_a_25_digit_number_is_out_of_range():
    assert refusal(ZERO_TEN, "1" * 25) == ("The answer is out of range. Enter a whole number "
                                           "from 0 to 10")


@pytest.mark.parametrize("raw", ["５", "٣", "१", "²", "1٠"])
def test_unicode_digits_are_refused_not_converted(raw):
    assert refusal(ZERO_TEN, raw) == ("Use the digits 0 to 9 for the answer. Enter a whole "
                                      "number from 0 to 10")


@pytest.mark.parametrize(("raw", "message"), [
    ("3.5", "The answer must be a whole number. Enter a whole number from 1 to 10"),
    ("4,0", "The answer must be a whole number. Enter a whole number from 1 to 10"),
    ("four", "The answer is not a whole number. Enter a whole number from 1 to 10"),
    ("1e1", "The answer is not a whole number. Enter a whole number from 1 to 10"),
    ("3\x00", "The answer is not a whole number. Enter a whole number from 1 to 10"),
    ("+3", "The answer is not a whole number. Enter a whole number from 1 to 10"),
])
def test_what_is_not_a_whole_number_is_refused(raw, message):
    assert refusal(ONE_TEN, raw) == message


def test_several_answers_to_a_one_answer_question_are_refused():
    assert refusal(AGREE, ["4", "5"]) == "Select only one answer"
    assert refusal(ONE_TEN, ["4", "5"]) == "Select only one answer"
    assert refusal(SINGLE, ["Analyst", "Manager"]) == "Select only one answer"
    assert refusal(TEXT, ["one", "two"]) == "Enter one answer"


def test_a_choice_not_offered_is_refused():
    assert refusal(SINGLE, "Director") == "Select one of the answers offered"
    assert refusal(SINGLE, "analyst") == "Select one of the answers offered"
    assert refusal(MULTIPLE, ["Data", "Gossip"]) == "Select only answers that are offered"


def test_free_text_over_5000_characters_is_refused():
    assert check_answer(TEXT, "x" * 5000) == "x" * 5000
    assert refusal(TEXT, "x" * 5001) == "The answer must be 5,000 characters or fewer (it is 5,001)"
    assert refusal(TEXT, "x" * 10_000).endswith("(it is 10,000)")


@pytest.mark.parametrize("raw", ["before\x00after", "bell\x07", "escape\x1b[31m", "del\x7f",
                                 "next\x85line", "csi\x9b31m", "line\u2028separator",
                                 "paragraph\u2029separator"])
def test_free_text_with_control_characters_is_refused(raw):
    assert refusal(TEXT, raw) == ("The answer contains a character that cannot be stored, "
                                  "such as a null character: remove it and try again")


def test_a_whole_form_gives_values_and_messages_by_item():
    values, problems = check_answers([AGREE, ZERO_TEN, TEXT, SINGLE],
                                     {"agree": "4", "zero": "５", "role": "CEO"})
    assert values == {"agree": 4, "notes": None}
    assert problems == {
        "zero": "Use the digits 0 to 9 for the answer. Enter a whole number from 0 to 10",
        "role": "Select one of the answers offered"}
