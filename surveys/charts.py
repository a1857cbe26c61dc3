"""Survey charts: a bar per answer, or a diverging stacked bar per row of ordered answers,
drawn through the charts' one pipeline (surveys/drawing.py: the figure, the text sizes, SVG
with no CSS and the same bytes each time, the title and description, the cache). A page shows
a table of the same figures below each chart."""

import math
from collections.abc import Sequence

from surveys import drawing
from surveys.drawing import PAGE_WIDTH, TEXT, TITLE, cached
from surveys.drawing import wrap as _wrap

__all__ = ["TEXT", "TITLE", "distribution_svg", "diverging_svg"]

_BAR = "#1d70b8"  # GOV.UK blue
# Labels are wrapped and the figure sized to what its text needs, within the page's width.
_CHAR = 0.6 * TEXT / 72  # inches: a generous average width of a character at TEXT
_LINE = 1.25 * TEXT / 72  # inches: a line of text at TEXT


def _tidy(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=TEXT)


def _title(title: str, width: float) -> str:
    """The title broken into lines that fit `width` inches (the width of the axes above which
    it starts)."""
    return _wrap(title, int(width * 72 / (0.6 * TITLE)))


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _widest(texts: Sequence[str]) -> int:
    """The longest line of the texts, in characters."""
    return max([len(line) for text in texts for line in text.split("\n")] + [1])


def _left(row_labels: Sequence[str], axis: float) -> float:
    """Inches left of the axes for the row labels and an axis title `axis` inches wide."""
    return _widest(row_labels) * _CHAR + axis + 0.2


def _room_for(figure, left: float) -> None:
    """Keep the row labels inside the figure, so that the chart is no wider than the figure
    once cropped."""
    figure.subplots_adjust(left=left / figure.get_figwidth(), right=0.97)


def _title_over_rows(axes, title: str, left: float) -> None:
    """The title from the figure's left edge, over the row labels as well as the bars, so
    that it has the page's width."""
    across = axes.get_position().width * axes.figure.get_figwidth()
    axes.set_title(title, fontsize=TITLE, loc="left", x=-(left - 0.05) / across)


@cached
def distribution_svg(title: str, labels: Sequence[str], counts: Sequence[int],
                     axis_label: str = "Answer") -> str:
    """A bar per scale point or choice with its count written on it, its labels under the bars
    (or beside them, as rows, when they would not fit under them across the page); raises
    ValueError when labels and counts differ in length."""
    if len(labels) != len(counts):
        raise ValueError("A label is needed for each count")
    heading = title
    positions = list(range(len(labels)))
    top = max([*counts, 1]) * 1.15
    # Under the bars each label has the page's width shared out, less the count axis.
    room = (PAGE_WIDTH - 1.6) / max(len(labels), 1)
    wrapped = [_wrap(label, min(16, max(6, int(room / _CHAR) - 1))) for label in labels]
    left = 0.0  # labels under the bars: the title starts over the axes
    if _widest(wrapped) * _CHAR <= room:
        title = _title(title, PAGE_WIDTH - 1.6)
        tall = max([_lines(label) for label in wrapped] + [1])
        figure = drawing.figure(min(PAGE_WIDTH, max(4.5, 1.6 + 1.1 * len(labels),
                                             1.6 + room * len(labels) * 0.8)),
                         3.2 + _LINE * (tall + _lines(title)))
        axes = figure.add_subplot()
        bars = axes.bar(positions, list(counts), 0.6, color=_BAR)
        axes.set_xticks(positions, wrapped)
        axes.set_ylim(0, top)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel(axis_label, fontsize=TEXT)
        axes.set_ylabel("Number of people", fontsize=TEXT)
    else:
        # Too many long labels to stand side by side: one row each, read down the page.
        wrapped = [_wrap(label, 28) for label in labels]
        left = _left(wrapped, 0.8)
        title = _title(title, PAGE_WIDTH * 0.97)
        rows = sum(max(1.0, _LINE * _lines(label) + 0.15) for label in wrapped)
        figure = drawing.figure(PAGE_WIDTH, 1.6 + rows * 0.55 + _LINE * _lines(title))
        _room_for(figure, left)
        axes = figure.add_subplot()
        bars = axes.barh(positions, list(counts), 0.6, color=_BAR)
        axes.set_yticks(positions, wrapped)
        axes.set_ylim(len(labels) - 0.5, -0.5)
        axes.set_xlim(0, top)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_ylabel(axis_label, fontsize=TEXT)
        axes.set_xlabel("Number of people", fontsize=TEXT)
    axes.bar_label(bars, labels=[str(count) for count in counts], fontsize=TEXT, padding=2)
    _tidy(axes)
    if left:
        _title_over_rows(axes, title, left)
    else:
        axes.set_title(title, fontsize=TITLE, loc="left")
    return drawing.svg(figure, heading)


@cached
def diverging_svg(title: str, row_labels: Sequence[str], labels: Sequence[str],
                  rows: Sequence[Sequence[int]]) -> str:
    """Ordered answers as a diverging stacked bar per row: each row's answers as shares of
    those who answered it, lowest point on the left, centred on the middle of the scale (a
    middle point straddles the centre), each share of a tenth or more with its count written
    on it, and a legend naming the points. A row nobody answered is left empty. Raises
    ValueError when a row's counts do not match the labels."""
    if any(len(row) != len(labels) for row in rows) or len(row_labels) != len(rows):
        raise ValueError("A count is needed for each answer of each row, and a label per row")
    heading = title
    names = [_wrap(label, 28) for label in row_labels]
    margin = _left(names, 0.3)
    title = _title(title, PAGE_WIDTH * 0.97)
    points = [_wrap(label, 12) for label in labels]
    # As many legend entries across as fit the page (a swatch and a gap each, besides its
    # words), read left to right: matplotlib fills a legend's columns top down, so the later
    # rows' entries are put between the first's.
    entry = _widest(points) * _CHAR + 0.75
    across = max(1, min(len(labels), int(PAGE_WIDTH // entry)))
    down = math.ceil(len(labels) / across)
    order = [n for column in range(across) for n in range(column, len(labels), across)]
    key = down * _LINE * max(_lines(point) for point in points) + 0.3 * down
    bars = sum(max(0.8, _LINE * _lines(name) + 0.3) for name in names)
    figure = drawing.figure(PAGE_WIDTH, 1.2 + _LINE * _lines(title) + bars + key)
    _room_for(figure, margin)
    axes = figure.add_subplot()
    colours = _diverging_colours(len(labels))
    half = len(labels) // 2
    for position, counts in enumerate(rows):
        total = sum(counts)
        if not total:
            continue
        shares = [100 * count / total for count in counts]
        left = -sum(shares[:half]) - (shares[half] / 2 if len(labels) % 2 else 0)
        for index, (share, count) in enumerate(zip(shares, counts, strict=True)):
            if share:
                axes.barh(position, share, 0.6, left=left, color=colours[index])
                if share >= 10:
                    axes.text(left + share / 2, position, str(count), ha="center",
                              va="center", fontsize=TEXT, color=_ink(colours[index]))
            left += share
    # Every point is in the legend, in the scale's order, whether anyone chose it or not.
    # The key goes under the axis title, centred on the figure (not the bars, which the row
    # labels push to the right), so that it stays inside the page's width.
    height = figure.get_figheight()
    figure.subplots_adjust(bottom=(key + 0.8) / height, top=1 - (0.3 + _LINE * _lines(title))
                           / height)
    axes.legend([drawing.patch(color=colours[n]) for n in order], [points[n] for n in order],
                fontsize=TEXT, frameon=False, loc="lower center", ncol=across,
                handlelength=1.2, columnspacing=1.0, bbox_to_anchor=(0.5, 0.05 / height),
                bbox_transform=figure.transFigure)
    axes.axvline(0, color="#0b0c0c", linewidth=0.8, zorder=0.5)  # behind the bars
    axes.set_xlim(-100, 100)
    axes.set_xticks(range(-100, 101, 50), [f"{abs(tick)}%" for tick in range(-100, 101, 50)])
    axes.set_yticks(range(len(rows)), names)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlabel("Share of the people who answered", fontsize=TEXT)
    _tidy(axes)
    _title_over_rows(axes, title, margin)
    return drawing.svg(figure, heading)


def _diverging_colours(points: int) -> list[str]:
    """Oranges darkening towards the low end, blues darkening towards the high end, grey for
    a middle point."""
    side = points // 2
    steps = [0.5 * n / max(1, side - 1) for n in range(side)]
    low = [drawing.colormap_hex("Oranges", 0.85 - step) for step in steps]
    high = [drawing.colormap_hex("Blues", 0.35 + step) for step in steps]
    return low + (["#b1b4b6"] if points % 2 else []) + high


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on the colour."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#0b0c0c" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#ffffff"
