"""Survey charts: SVG with the title and labels as real text, no CSS, the same bytes each time."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from surveys.charts import before_after_svg, distribution_svg

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (the chart this suite just drew, not outside input)


def texts(svg: str) -> list[str]:
    return [element.text for element in parsed(svg).iter(f"{SVG}text")]


def test_a_distribution_is_svg_with_its_title_labels_and_counts_as_text():
    svg = distribution_svg("I was able to connect with other participants",
                           ["Disagree", "Neither agree nor disagree", "Agree"], [0, 3, 7])
    words = texts(svg)
    assert "I was able to connect with other participants" in words
    assert {"Disagree", "Agree", "Number of people", "Answer", "7", "3"} <= set(words)
    assert "Neither agree" in words  # a long label is broken over lines, still as text
    assert svg == distribution_svg("I was able to connect with other participants",
                                   ["Disagree", "Neither agree nor disagree", "Agree"], [0, 3, 7])


def test_before_and_after_draws_both_series_with_a_legend():
    svg = before_after_svg("Knowledge before and after", ["Wellbeing", "Measures"],
                           [2.1, None], [3.9, 4.2])
    words = texts(svg)
    assert words.count("Knowledge before and after") == 1
    assert {"Before", "After", "Wellbeing", "Measures", "Very good", "Average answer"} <= set(words)
    # Four series bars and two legend swatches, in the two colours.
    assert len(re.findall(r'fill="#b1b4b6"', svg)) == 3
    assert len(re.findall(r'fill="#1d70b8"', svg)) == 3


@pytest.mark.parametrize("draw", [lambda: distribution_svg("T", ["A", "B"], [1, 2]),
                                  lambda: before_after_svg("T", ["A"], [1.0], [2.0])])
def test_charts_carry_no_css_and_keep_text_as_text(draw):
    svg = draw()
    assert 'style="' not in svg and "<style" not in svg
    assert "<text" in svg and 'font-size="' in svg
    root = parsed(svg)
    assert root.get("stroke-linejoin") == "round"
    assert "Date" not in svg and "<dc:date>" not in svg


def test_mismatched_figures_are_refused():
    with pytest.raises(ValueError):
        distribution_svg("T", ["A", "B"], [1])
    with pytest.raises(ValueError):
        before_after_svg("T", ["A", "B"], [1.0, 2.0], [3.0])


def test_heavy_libraries_load_only_when_a_chart_is_drawn_or_a_change_tested():
    code = ("import sys, surveys.analysis, surveys.answers, surveys.charts, surveys.instrument\n"
            "print(sorted({'matplotlib', 'scipy', 'numpy', 'flask'} & set(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert run.stdout.strip() == "[]"
