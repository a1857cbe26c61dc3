"""Instrument files: the format, each problem reported with its line, the shipped instruments
and the programme evaluation's objective items."""

import pytest

from surveys.instrument import (
    AGREEMENT,
    KNOWLEDGE,
    Instrument,
    InstrumentError,
    parse,
    programme_evaluation,
    shipped,
)

GOOD = """\
format: cohort-survey/1
key: example
name: An example
description: Two lines
  of description.
items:
  - key: confident
    text: I feel confident
    type: agreement
    phase: both
    measures: learning
  - key: rating
    text: Rate it
    type: rating_0_10
    scale_labels:
      0: Awful
      10: Superb
  - key: role
    text: Your role
    type: single
    choices: [Analyst, Manager]
    required: false
  - key: topics
    text: Topics
    type: multiple
    choices:
      - Data
      - Evidence
  - key: before
    text: Thinking back, how was it?
    type: knowledge
    retrospective: true
  - key: notes
    text: Anything else?
    type: text
    required: no
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        parse(text)
    return caught.value.messages()


def item_file(*lines: str) -> str:
    """A file whose one item has these lines; the item starts on line 5."""
    head = "format: cohort-survey/1\nkey: x\nname: X\nitems:\n"
    return head + "".join(("  - " if n == 0 else "    ") + line + "\n"
                          for n, line in enumerate(lines))


def test_a_good_file_reads_into_items_with_defaults():
    instrument = parse(GOOD.encode())
    assert isinstance(instrument, Instrument)
    assert (instrument.key, instrument.name) == ("example", "An example")
    assert instrument.description == "Two lines of description."
    confident, rating, role, topics, before, notes = instrument.items
    assert (confident.phase, confident.measures, confident.required) == ("both", "learning", True)
    assert confident.scale_labels == dict(zip(range(1, 6), AGREEMENT, strict=True))
    assert list(confident.scale) == [1, 2, 3, 4, 5]
    assert (rating.phase, rating.measures, list(rating.scale)) == ("post", None, list(range(11)))
    assert rating.scale_labels == {0: "Awful", 10: "Superb"} and rating.label(5) == "5"
    assert role.choices == ("Analyst", "Manager") and role.required is False
    assert topics.choices == ("Data", "Evidence") and topics.scale is None
    assert before.retrospective is True and before.label(5) == KNOWLEDGE[4] == "Very good"
    assert notes.required is False and notes.type == "text"
    assert [i.key for i in instrument.items_at("pre")] == ["confident"]
    assert len(instrument.items_at("post")) == 6
    assert instrument.item("notes") is notes


def test_bad_yaml_names_its_line():
    # libyaml ends the reason with "in this context", PyYAML's own parser with "here"
    found = problems("format: cohort-survey/1\nkey: x\nname: X: Y\nitems: []\n")
    assert len(found) == 1 and found[0].startswith(
        "Line 3: This is not valid YAML here: mapping values are not allowed "), found


@pytest.mark.parametrize(("lines", "expected"), [
    (("key: a", "text: A", "type: slider"),
     "Line 7: Item a's type 'slider' is not one of agreement, rating_0_10, rating_1_10, "
     "knowledge, single, multiple, text"),
    (("text: A", "type: agreement"), "Line 5: An item: 'key' is missing"),
    (("key: a", "type: agreement"), "Line 5: An item: 'text' is missing"),
    (("key: a", "text: A"), "Line 5: An item: 'type' is missing"),
    (("key: a", "text: A", "type: single"),
     "Line 7: Item a is a single choice item: 'choices' is missing"),
    (("key: a", "text: A", "type: multiple", "choices: [Only one]"),
     "Line 8: Item a needs at least two choices"),
    (("key: a", "text: A", "type: agreement", "choices: [Yes, No]"),
     "Line 8: Item a: only single and multiple choice items have choices"),
    (("key: a", "text: A", "type: single", "choices: [Yes, Yes]"),
     "Line 8: Item a: the choice 'Yes' is listed twice"),
    (("key: a", "text: A", "type: agreement", "phase: during"),
     "Line 8: Item a's phase 'during' is not one of pre, post, both"),
    (("key: a", "text: A", "type: agreement", "measures: satisfaction"),
     "Line 8: Item a's measures 'satisfaction' is not one of reaction, learning, behaviour, "
     "results"),
    (("key: a", "text: A", "type: agreement", "hint: Choose one"),
     "Line 8: An item: 'hint' is not a field of this format (the fields are choices, key, "
     "measures, pairs_with, phase, required, retrospective, scale_labels, text, type)"),
    (("key: a", "text: A", "type: agreement", "required: sometimes"),
     "Line 8: Item a's required must be true or false"),
    (("key: a", "text: A", "type: agreement", "retrospective: true", "phase: pre"),
     "Line 9: Item a is retrospective, so it is asked after the programme: its phase must be "
     "post"),
    (("key: a", "text: A", "type: agreement", "pairs_with: b"),
     "Line 8: Item a: only a retrospective item pairs with another (its answer about before, "
     "with the other's about now)"),
    (("key: a", "text: A", "type: agreement", "retrospective: true", "pairs_with: b"),
     "Line 5: Item a pairs with 'b', which is not an item here"),
    (("key: a", "text: A", "type: agreement", "retrospective: true", "pairs_with: a"),
     "Line 5: Item a pairs with 'a', which must be asked after the programme about now (not "
     "retrospective)"),
    (("key: a", "text: A", "type: rating_1_10", "scale_labels: {0: Nothing}"),
     "Line 8: Item a: the scale label '0' is not a point of the scale (1 to 10)"),
    (("key: a", "text: A", "type: agreement", "scale_labels: {1: Nope}"),
     "Line 8: Item a: only rating items take scale_labels (agreement and knowledge scales "
     "have fixed words)"),
    (("key: Bad Key", "text: A", "type: agreement"),
     "Line 5: The item key 'Bad Key' must be lowercase letters, digits and hyphens, 60 at most"),
    (("key: a", "text: \"A\\0B\"", "type: agreement"),
     "Line 6: Item a's text contains a control character"),
])
def test_each_problem_in_an_item_names_its_line(lines, expected):
    assert problems(item_file(*lines)) == [expected]


def test_a_duplicate_item_key_names_both_lines():
    text = item_file("key: a", "text: A", "type: agreement") + \
        "  - key: a\n    text: Again\n    type: text\n"
    assert problems(text) == ["Line 8: The item key 'a' is used twice (first on line 5)"]


def test_a_field_not_in_the_format_at_the_top_and_every_problem_listed_in_line_order():
    text = "format: cohort-survey/2\nkey: x\nname: X\nversion: 3\nitems:\n" \
           "  - key: a\n    text: A\n    type: dial\n  - key: b\n    type: text\n"
    assert problems(text) == [
        "Line 1: The format must be cohort-survey/1",
        "Line 4: The file: 'version' is not a field of this format (the fields are "
        "description, format, items, key, name)",
        "Line 8: Item a's type 'dial' is not one of agreement, rating_0_10, rating_1_10, "
        "knowledge, single, multiple, text",
        "Line 9: An item: 'text' is missing",
    ]


def test_whole_file_problems_have_no_line():
    assert problems("") == ["The file is empty"]
    assert problems("format: cohort-survey/1\nkey: x\nname: X\n") == [
        "Line 1: The file: 'items' is missing"]
    assert problems("format: cohort-survey/1\nkey: x\nname: X\nitems: []\n") == [
        "Line 4: An instrument needs at least one item"]
    assert problems(b"format: cohort-survey/1\nkey: \xff\n") == [
        "Line 2: The file is not UTF-8 text"]


def test_a_file_over_256_kb_is_refused_before_it_is_read():
    padding = "# " + "x" * 1000 + "\n"
    big = GOOD + padding * 262
    assert len(big.encode()) > 256 * 1024
    assert problems(big) == ["The file is larger than 256 KB"]
    assert problems(big.encode()) == ["The file is larger than 256 KB"]
    assert parse(GOOD + padding * 200).key == "example"


def test_a_look_back_pairs_with_one_item_about_now_on_its_scale():
    head = "format: cohort-survey/1\nkey: x\nname: X\nitems:\n"
    now = "  - {key: now, text: Now, type: knowledge, phase: both}\n"
    back = "  - {key: %s, text: Then, type: %s, retrospective: true, pairs_with: now}\n"
    instrument = parse(head + now + back % ("then", "knowledge"))
    assert instrument.item("then").pairs_with == "now"
    assert problems(head + now + back % ("then", "agreement")) == [
        "Line 6: Item then pairs with 'now', which must be on the same scale (agreement)"]
    assert problems(head + now + back % ("then", "knowledge") + back % ("again", "knowledge")) \
        == ["Line 7: Item again pairs with 'now', which item then already pairs with"]
    pre_only = "  - {key: now, text: Now, type: knowledge, phase: pre}\n"
    assert problems(head + pre_only + back % ("then", "knowledge")) == [
        "Line 6: Item then pairs with 'now', which must be asked after the programme about now "
        "(not retrospective)"]


def test_the_shipped_instruments_load():
    instruments = shipped()
    assert set(instruments) == {"knowledge", "knowledge-looking-back", "programme-evaluation"}
    knowledge = instruments["knowledge"]
    assert "What Works Centre for Wellbeing" in knowledge.description
    both = [item for item in knowledge.items if item.phase == "both"]
    assert [item.key for item in both] == [
        "knowledge-wellbeing", "knowledge-drivers", "knowledge-measurement",
        "knowledge-inequality", "knowledge-what-works", "knowledge-policy-making"]
    assert all(item.type == "knowledge" and item.measures == "learning" for item in both)
    (retrospective,) = [item for item in knowledge.items if item.retrospective]
    assert retrospective.phase == "post" and "before the programme" in retrospective.text
    assert retrospective.pairs_with == "knowledge-wellbeing"
    looking_back = instruments["knowledge-looking-back"]
    now = [item for item in looking_back.items if not item.retrospective]
    assert [item.key for item in now] == [item.key for item in both]
    assert all(item.phase == "post" for item in looking_back.items)
    assert [(item.key, item.pairs_with) for item in looking_back.items if item.retrospective] \
        == [(f"{item.key}-at-start", item.key) for item in now]
    evaluation = instruments["programme-evaluation"]
    assert all(item.phase == "post" for item in evaluation.items)
    kinds = {item.key: (item.type, item.measures, item.required) for item in evaluation.items}
    assert kinds == {
        "overall-experience": ("rating_1_10", "reaction", True),
        "able-to-connect": ("agreement", "behaviour", True),
        "advice-to-future-participants": ("text", "reaction", False),
        "what-could-be-better": ("text", "reaction", False),
    }
    assert evaluation.item("overall-experience").scale_labels == {1: "Very poor",
                                                                  10: "Excellent"}
    assert evaluation.item("able-to-connect").text == "I was able to connect with other participants"


def test_the_programme_evaluation_asks_about_each_objective_first():
    objectives = ["Understand what is meant by wellbeing, and how it can be defined.",
                  "To identify key factors that influence wellbeing",
                  "UK  wellbeing data"]
    instrument = programme_evaluation(objectives)
    first = instrument.items[:3]
    assert [item.key for item in first] == ["objective-1", "objective-2", "objective-3"]
    assert [item.text for item in first] == [
        "The cohort has helped me to understand what is meant by wellbeing, and how it can be "
        "defined",
        "The cohort has helped me to identify key factors that influence wellbeing",
        "The cohort has helped me to UK wellbeing data"]
    assert all(item.type == "agreement" and item.phase == "post" for item in first)
    assert [item.key for item in instrument.items[3:]] == [
        item.key for item in shipped()["programme-evaluation"].items]
    # The shipped instrument is left as it was.
    assert len(programme_evaluation([]).items) == 4


def test_an_empty_objective_is_refused():
    with pytest.raises(ValueError, match="Objective 2 is empty"):
        programme_evaluation(["Measure wellbeing", "  "])
