"""The shared YAML reader refuses what would make a small file costly to check (anchors and
aliases, deep nesting, too many values) before doing any work, for frameworks and survey
instruments alike."""

import pytest

from surveys.datafile import MAX_NODES, NotReadable, compose
from surveys.instrument import InstrumentError
from surveys.instrument import parse as parse_instrument


def test_deep_nesting_is_refused_rather_than_exhausting_recursion():
    """Issue 19 item 2: 5,000 nested lists raised RecursionError."""
    with pytest.raises(InstrumentError) as refused:
        parse_instrument("{a: " * 3000 + "}" * 3000)
    assert refused.value.messages() == ["Line 1: The file nests lists or blocks more than 20 deep"]


def test_an_instrument_may_not_use_an_alias_either():
    text = "format: cohort-survey/1\nkey: &k example\nname: *k\nitems: []\n"
    with pytest.raises(InstrumentError) as refused:
        parse_instrument(text)
    assert refused.value.messages()[0].startswith("Line 2: The file uses a YAML anchor")


def test_too_many_values_are_refused():
    with pytest.raises(NotReadable, match=f"more than {MAX_NODES:,} values"):
        compose("[" + "1, " * (MAX_NODES + 1) + "]")


def test_ordinary_yaml_still_reads():
    root = compose("a:\n  - [1, 2]\n  - {b: c}\n")
    assert root.value[0][1].value[1].value[0][1].value == "c"
    assert compose("") is None
