"""Survey charts: SVG with the title and labels as real text, no CSS, the same bytes each time."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from surveys.charts import distribution_svg, diverging_svg

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


KNOWLEDGE = ["None", "A little", "Some", "Good", "Very good"]


def _bars(svg: str) -> list[tuple[float, float, str]]:
    """(x, width, colour) of each bar: matplotlib draws a bar as a closed four-point path."""
    found = []
    for path in parsed(svg).iter(f"{SVG}path"):
        points = re.findall(r"[ML] ([-\d.]+) ([-\d.]+)", path.get("d", ""))
        if len(points) == 4 and path.get("d", "").rstrip().endswith("z") and path.get("fill"):
            xs = [float(x) for x, _y in points]
            found.append((min(xs), max(xs) - min(xs), path.get("fill")))
    return found


def test_ordered_answers_are_a_diverging_stacked_bar_with_every_point_named():
    """Issue 19 item 14: the answers themselves, not a mean, drawn from a centre line."""
    svg = diverging_svg("Knowledge of wellbeing", ["Before: all 10 who answered",
                                                   "After: all 9 who answered"],
                        KNOWLEDGE, [[2, 5, 3, 0, 0], [0, 0, 4, 5, 0]])
    words = texts(svg)
    assert "Knowledge of wellbeing" in words
    assert {"Before: all 10 who answered", "After: all 9 who answered"} <= set(words)
    assert set(KNOWLEDGE) <= set(words)  # "Very good" is in the legend though nobody chose it
    assert "Share of the people who answered" in words
    assert {"2", "5", "3", "4"} <= set(words)  # each count on its share
    assert "Average answer" not in words
    assert svg == diverging_svg("Knowledge of wellbeing", ["Before: all 10 who answered",
                                                           "After: all 9 who answered"],
                                KNOWLEDGE, [[2, 5, 3, 0, 0], [0, 0, 4, 5, 0]])


def test_the_middle_point_straddles_the_centre_and_shares_not_counts_set_lengths():
    svg = diverging_svg("T", ["Few", "Many"], KNOWLEDGE, [[0, 0, 2, 0, 0], [0, 0, 20, 0, 0]])
    grey = [bar for bar in _bars(svg) if bar[2] == "#b1b4b6" and bar[1] > 1]
    # The legend's swatch is small; the two bars are both every answer, so the same length
    # about the same centre, whatever the number of people.
    few, many = sorted(grey, key=lambda bar: -bar[1])[:2]
    assert few[1] == pytest.approx(many[1]) and few[0] == pytest.approx(many[0])


@pytest.mark.parametrize("draw", [lambda: distribution_svg("T", ["A", "B"], [1, 2]),
                                  lambda: diverging_svg("T", ["A"], ["x", "y"], [[1, 2]])])
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
        diverging_svg("T", ["A", "B"], ["x", "y"], [[1, 2]])
    with pytest.raises(ValueError):
        diverging_svg("T", ["A"], ["x", "y"], [[1, 2, 3]])


def test_heavy_libraries_load_only_when_a_chart_is_drawn_or_a_change_tested():
    code = ("import sys, surveys.analysis, surveys.answers, surveys.charts, surveys.instrument\n"
            "print(sorted({'matplotlib', 'scipy', 'numpy', 'flask'} & set(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert run.stdout.strip() == "[]"


BODY_PX = 19
COLUMN_PX = 960  # the page's column on a desktop screen (govuk-width-container)
AGREEMENT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
             "Strongly agree"]
SESSIONS = ["Introduction to wellbeing economics and policy",
            "Deep dive: the evidence of wellbeing need across local authorities",
            "Data and measurement", "Peer learning with other places in the cohort",
            "One to one support from the facilitator", "Writing the action plan"]


def smallest_text_px(svg: str) -> float:
    """The smallest text of the chart in CSS pixels as a desktop page shows it: matplotlib
    writes sizes in points (4/3 px), and an image wider than the column is scaled to fit."""
    width_pt = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes, "the chart has no text"
    shown = min(1.0, COLUMN_PX / (width_pt * 4 / 3))
    return min(sizes) * 4 / 3 * shown


@pytest.mark.parametrize("draw", [
    lambda: distribution_svg("I was able to connect with other participants", AGREEMENT,
                             [0, 3, 7, 2, 1]),
    lambda: distribution_svg("How likely are you to recommend the programme to a colleague",
                             [str(n) for n in range(11)], list(range(11)), "Score"),
    lambda: distribution_svg("Which sessions did you find most useful", SESSIONS,
                             [3, 4, 5, 6, 7, 1]),
    lambda: diverging_svg("Knowledge of wellbeing", ["Before: all 10 who answered",
                                                     "After: all 9 who answered"],
                          KNOWLEDGE, [[2, 5, 3, 0, 0], [0, 0, 4, 5, 0]]),
    lambda: diverging_svg("The sessions", ["The sessions were useful to my work",
                                           "I was able to connect with other participants"],
                          AGREEMENT, [[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]),
    lambda: diverging_svg("Confidence after each session", ["Session 1: Introduction",
                                                           "Session 2: Evidence", "Data"],
                          [str(n) for n in range(11)], [[1] * 11, [2] * 11, list(range(11))]),
], ids=["agreement", "zero-to-ten", "long-choices", "knowledge", "agreement-rows", "eleven"])
def test_evaluation_chart_text_is_at_least_the_body_size(draw):
    """Every word and number of an evaluation chart reads at 19 px or more on a desktop page."""
    svg = draw()
    assert smallest_text_px(svg) >= BODY_PX


def test_a_chart_names_itself_and_is_drawn_once_for_the_same_figures():
    svg = distribution_svg("Skills & confidence", ["Low", "High"], [1, 2])
    assert parsed(svg).find(f"{SVG}title").text == "Skills & confidence"
    # Lists or tuples, the same figures are the same chart, drawn once.
    assert distribution_svg("Skills & confidence", ("Low", "High"), (1, 2)) is svg
