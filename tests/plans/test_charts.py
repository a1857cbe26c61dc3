"""The maturity charts are readable where they are shown: their text is at least the body size
(19 px) on a desktop page, where a chart as wide as the page's column is not scaled down; they
carry no CSS, so a Content-Security-Policy that allows no inline style shows them."""

import re

from cohort.plans import charts

BODY_PX = 19
COLUMN_PX = 960  # the page's column on a desktop screen (govuk-width-container)
PLACES = ("Southampton City Council", "Blackburn with Darwen Borough Council",
          "East Devon District Council", "Walsall Council", "Sutton Council",
          "Babergh and Mid Suffolk District Councils", "The City of Edinburgh Council",
          "Westminster City Council", "Redcar and Cleveland Council", "Kirklees Council")
HALLMARKS = ("1", "2", "3a", "3b", "4", "5", "6")
LEVELS = ("Assuring wellbeing", "Optimising wellbeing", "Maximising wellbeing")


def smallest_text_px(svg: str) -> float:
    """The smallest text of the chart in CSS pixels as a desktop page shows it: matplotlib
    writes sizes in points (4/3 px), and an image wider than the column is scaled to fit."""
    width_pt = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes, "the chart has no text"
    shown = min(1.0, COLUMN_PX / (width_pt * 4 / 3))
    return min(sizes) * 4 / 3 * shown


def test_the_heatmap_text_is_at_least_the_body_size():
    cells = tuple(tuple(None if (row + column) % 5 == 0 else (row + column) % 5 - 1
                        for column in range(len(HALLMARKS))) for row in range(len(PLACES)))
    svg = charts.heatmap_svg("Where each place stands: Local authority wellbeing policy making "
                             "cohort 2021", PLACES, HALLMARKS, cells, LEVELS)
    assert smallest_text_px(svg) >= BODY_PX
    # The key names every level; the cells give their numbers.
    for name in ("Not assessed", "Not yet", *LEVELS):
        assert name in svg


def test_the_change_chart_text_is_at_least_the_body_size():
    svg = charts.change_svg("Average agreed level, first round and latest", HALLMARKS,
                            (1, .6, .5, .4, .4, 0, 0), (2, 1.6, 1.8, 1.1, 1.2, 1, .5), LEVELS)
    assert smallest_text_px(svg) >= BODY_PX


def _heatmap() -> str:
    return charts.heatmap_svg("Where each place stands", PLACES[:3], HALLMARKS,
                              ((0, 1, None, 2, 3, 0, 1),) * 3, LEVELS)


def test_the_maturity_charts_carry_no_css_and_name_themselves():
    change = charts.change_svg("Average agreed level", HALLMARKS, (1,) * 7, (2,) * 7, LEVELS)
    for svg in (_heatmap(), change):
        assert "style=" not in svg and "<style" not in svg
        assert 'font-size="' in svg and "<text" in svg  # sizes as attributes, text as text
    assert "<title>Where each place stands</title>" in _heatmap()
    assert "<title>Average agreed level</title>" in change


def test_a_chart_is_the_same_bytes_for_the_same_figures_and_drawn_once():
    first = _heatmap()
    charts.heatmap_svg.cache_clear()
    assert _heatmap() == first  # drawn again: the same bytes, no date
    hits = charts.heatmap_svg.cache_info().hits
    assert _heatmap() is _heatmap()
    assert charts.heatmap_svg.cache_info().hits == hits + 2
