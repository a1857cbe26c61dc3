"""Survey charts drawn as SVG text with matplotlib (imported only when a chart is drawn), with a
title, axis labels and real text, the same bytes for the same figures, and no CSS: matplotlib's
`style` attributes are rewritten as SVG presentation attributes and its `<style>` block is
dropped, so the chart shows the same inline under a Content-Security-Policy that allows no
inline style. A page shows a table of the same figures below each chart."""

import io
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


def before_after_svg(title: str, item_labels: Sequence[str],
                     pre_means: Sequence[float | None], post_means: Sequence[float | None],
                     scale: Sequence[str] = ("None", "A little", "Some", "Good", "Very good"),
                     ) -> str:
    """Paired bars per item: the mean answer before and after (a missing mean draws no bar),
    on a scale whose points are named by `scale` from 1 up; raises ValueError when the
    lengths differ."""
    if not len(item_labels) == len(pre_means) == len(post_means):
        raise ValueError("A before and an after figure are needed for each item")
    figure = _figure(max(4.5, 2.0 + 1.0 * len(item_labels)), 3.6)
    axes = figure.add_subplot()
    positions = list(range(len(item_labels)))
    width = 0.38
    axes.bar([p - width / 2 for p in positions], [v or 0 for v in pre_means], width,
             label="Before", color=_BEFORE)
    axes.bar([p + width / 2 for p in positions], [v or 0 for v in post_means], width,
             label="After", color=_BAR)
    axes.set_xticks(positions, [_wrap(label) for label in item_labels])
    axes.set_yticks(range(1, len(scale) + 1), list(scale))
    axes.set_ylim(0, len(scale))
    axes.set_xlabel("Question", fontsize=8)
    axes.set_ylabel("Average answer", fontsize=8)
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    _tidy(axes)
    axes.set_title(title, fontsize=11, loc="left")
    return _svg(figure)


def _wrap(label: str, width: int = 16) -> str:
    """A tick label broken into lines of about `width` characters, so long labels stay apart."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
