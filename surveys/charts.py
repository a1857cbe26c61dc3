"""Survey charts drawn as SVG text with matplotlib (imported only when a chart is drawn), with a
title, axis labels and real text, the same bytes for the same figures, and no CSS: matplotlib's
`style` attributes are rewritten as SVG presentation attributes and its `<style>` block is
dropped, so the chart shows the same inline under a Content-Security-Policy that allows no
inline style. A page shows a table of the same figures below each chart."""

import io
import math
import re
from collections.abc import Sequence

_BAR = "#1d70b8"  # GOV.UK blue
_BEFORE = "#b1b4b6"  # GOV.UK mid grey
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.DOTALL)
_FONT = re.compile(r"^(?:(?P<style>italic|oblique|normal) )?(?:(?P<weight>bold|normal|\d+) )?"
                   r"(?P<size>[\d.]+px) (?P<family>.+)$")


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Agg, attached to the figure itself: pyplot's global backend is left alone.
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _declarations(style: str) -> list[tuple[str, str]]:
    found = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name:
            continue
        font = _FONT.match(value) if name == "font" else None
        if font:
            found += [("font-size", font["size"]), ("font-family", font["family"])]
            found += [(f"font-{part}", font[part]) for part in ("style", "weight") if font[part]]
        else:
            found.append((name, value))
    return found


def _presentation(match: re.Match) -> str:
    attributes = "".join(f' {name}="{value.replace(chr(34), chr(39))}"'
                         for name, value in _declarations(match[1]))
    return attributes


def _without_css(svg: str) -> str:
    """The SVG with presentation attributes where matplotlib wrote CSS; its <style> block
    (round joins, butt caps for everything) becomes the same two attributes on the root,
    which every shape inherits."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLE_ATTRIBUTE.sub(_presentation, svg)


def _svg(figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cohort-surveys",
                                "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _without_css(buffer.getvalue())


def _tidy(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=8)


def distribution_svg(title: str, labels: Sequence[str], counts: Sequence[int],
                     axis_label: str = "Answer") -> str:
    """A bar per scale point or choice with its count written on it; raises ValueError when
    labels and counts differ in length."""
    if len(labels) != len(counts):
        raise ValueError("A label is needed for each count")
    figure = _figure(max(4.0, 1.2 + 0.75 * len(labels)), 3.2)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.bar(positions, list(counts), 0.6, color=_BAR)
    axes.bar_label(bars, labels=[str(count) for count in counts], fontsize=8, padding=2)
    axes.set_xticks(positions, [_wrap(label) for label in labels])
    axes.set_ylim(0, max([*counts, 1]) * 1.15)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel(axis_label, fontsize=8)
    axes.set_ylabel("Number of people", fontsize=8)
    _tidy(axes)
    axes.set_title(title, fontsize=11, loc="left")
    return _svg(figure)


def diverging_svg(title: str, row_labels: Sequence[str], labels: Sequence[str],
                  rows: Sequence[Sequence[int]]) -> str:
    """Ordered answers as a diverging stacked bar per row: each row's answers as shares of
    those who answered it, lowest point on the left, centred on the middle of the scale (a
    middle point straddles the centre), each share of a tenth or more with its count written
    on it, and a legend naming the points. A row nobody answered is left empty. Raises
    ValueError when a row's counts do not match the labels."""
    if any(len(row) != len(labels) for row in rows) or len(row_labels) != len(rows):
        raise ValueError("A count is needed for each answer of each row, and a label per row")
    from matplotlib.patches import Patch

    colours = _diverging_colours(len(labels))
    figure = _figure(7.0, 1.4 + 0.5 * len(rows))
    axes = figure.add_subplot()
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
                              va="center", fontsize=8, color=_ink(colours[index]))
            left += share
    # Every point is in the legend, in the scale's order, whether anyone chose it or not.
    # One row, or two for a long scale (0 to 10), read left to right: matplotlib fills a
    # legend's columns top down, so the second row's entries are put between the first's.
    across = len(labels) if len(labels) <= 7 else math.ceil(len(labels) / 2)
    order = [n for column in range(across) for n in (column, column + across)
             if n < len(labels)]
    axes.legend([Patch(color=colours[n]) for n in order], [_wrap(labels[n], 14) for n in order],
                fontsize=8, frameon=False, loc="upper center", ncol=across,
                bbox_to_anchor=(0.5, -0.6 / (0.77 * figure.get_figheight())))  # 0.6 in below
    axes.axvline(0, color="#0b0c0c", linewidth=0.8, zorder=0.5)  # behind the bars
    axes.set_xlim(-100, 100)
    axes.set_xticks(range(-100, 101, 25), [f"{abs(tick)}%" for tick in range(-100, 101, 25)])
    axes.set_yticks(range(len(rows)), list(row_labels))
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlabel("Share of the people who answered", fontsize=8)
    _tidy(axes)
    axes.set_title(_wrap(title, 72), fontsize=11, loc="left")
    return _svg(figure)


def _diverging_colours(points: int) -> list[str]:
    """Oranges darkening towards the low end, blues darkening towards the high end, grey for
    a middle point."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    side = points // 2
    steps = [0.5 * n / max(1, side - 1) for n in range(side)]
    low = [to_hex(colormaps["Oranges"](0.85 - step)) for step in steps]
    high = [to_hex(colormaps["Blues"](0.35 + step)) for step in steps]
    return low + (["#b1b4b6"] if points % 2 else []) + high


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on the colour."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#0b0c0c" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#ffffff"


def _wrap(label: str, width: int = 16) -> str:
    """A tick label broken into lines of about `width` characters, so long labels stay apart."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
