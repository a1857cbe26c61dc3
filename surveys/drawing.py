"""The one way Cohort draws a chart: every chart (the maturity heatmap, the survey report's
bars) is made here with matplotlib, which only this module imports, and only when a chart is
drawn, so a process that draws none never loads it.

This module owns what charts share:

- the figure (Agg attached to the figure itself, so pyplot's global backend is left alone);
- the text sizes: TEXT and TITLE in points. An SVG point is 4/3 of a CSS pixel, so 14.5 pt is
  19 px, GOV.UK's body size, as long as the chart is shown at its own width: each chart is
  drawn no wider than a desktop page's column (960 px, 10 inches), so it is not scaled down;
- the SVG it becomes: text as text, the same bytes for the same figures (no date, a fixed
  hash salt), and no CSS: matplotlib's `style` attributes are rewritten as SVG presentation
  attributes and its `<style>` block dropped, so the chart shows under a
  Content-Security-Policy that allows no inline style;
- the accessible wrapper: the chart's title and description as the SVG's <title> and <desc>;
- the cache: a chart drawn once for some figures is not drawn again for the same figures;
- the image source (a data: URL) a page shows it by.

A page shows a table of the same figures below each chart."""

import base64
import io
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from html import escape
from typing import Any

__all__ = ["PAGE_WIDTH", "TEXT", "TITLE", "cached", "colormap_hex", "data_url", "figure",
           "patch", "rectangle", "svg", "wrap"]

TEXT = 14.5
TITLE = 16
PAGE_WIDTH = 9.6  # inches: the column's 10, less a margin for the tight crop
CACHED_CHARTS = 256  # the most recently drawn charts kept, per kind of chart

_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.DOTALL)
_SVG_OPENING = re.compile(r"<svg\b[^>]*>")
_FONT = re.compile(r"^(?:(?P<style>italic|oblique|normal) )?(?:(?P<weight>bold|normal|\d+) )?"
                   r"(?P<size>[\d.]+px) (?P<family>.+)$")
_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "cohort", "font.family": "sans-serif"}


def figure(width: float, height: float):
    """A matplotlib Figure of `width` by `height` inches, drawn by Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    drawn = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(drawn)
    return drawn


def patch(**options):
    """A legend's swatch (matplotlib's Patch with these options)."""
    from matplotlib.patches import Patch

    return Patch(**options)


def rectangle(xy: tuple[float, float], width: float, height: float, **options):
    """A rectangle to add to a chart's axes (matplotlib's Rectangle)."""
    from matplotlib.patches import Rectangle

    return Rectangle(xy, width, height, **options)


def colormap_hex(name: str, value: float) -> str:
    """The colour at `value` (0 to 1) of one of matplotlib's colour maps, as #rrggbb."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    return to_hex(colormaps[name](value))


def svg(drawn, title: str, description: str | None = None) -> str:
    """The figure as SVG text with no CSS, the same bytes for the same figure, and the chart's
    title (and description, when given) as its <title> and <desc>."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_SETTINGS):
        drawn.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _labelled(_without_css(buffer.getvalue()), title, description)


def data_url(chart: str) -> str:
    """The chart as an image source: its own document, shown by an <img> with its alt text."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.encode()).decode()


def cached(draw: Callable[..., str]) -> Callable[..., str]:
    """`draw` remembering what it drew for the same figures: lists among the arguments count
    as the tuples of their items, so a caller may pass either."""
    remembered = lru_cache(maxsize=CACHED_CHARTS)(draw)

    @wraps(draw)
    def drawing(*args: Any, **kwargs: Any) -> str:
        return remembered(*map(_frozen, args), **{k: _frozen(v) for k, v in kwargs.items()})

    drawing.cache_clear = remembered.cache_clear  # type: ignore[attr-defined]
    drawing.cache_info = remembered.cache_info  # type: ignore[attr-defined]
    return drawing


def wrap(label: str, width: int = 16) -> str:
    """Text broken into lines of about `width` characters at its spaces (a long word is kept
    whole), so that long labels stay apart."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


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
    return "".join(f' {name}="{value.replace(chr(34), chr(39))}"'
                   for name, value in _declarations(match[1]))


def _without_css(text: str) -> str:
    """The SVG with presentation attributes where matplotlib wrote CSS; its <style> block
    (round joins, butt caps for everything) becomes the same two attributes on the root,
    which every shape inherits."""
    text = _STYLE_ELEMENT.sub("", text)
    text = text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLE_ATTRIBUTE.sub(_presentation, text)


def _labelled(text: str, title: str, description: str | None) -> str:
    """The SVG with its title and description as the first things in it."""
    label = f"<title>{escape(' '.join(title.split()), quote=False)}</title>"
    if description:
        label += f"<desc>{escape(' '.join(description.split()), quote=False)}</desc>"
    opening = _SVG_OPENING.search(text)
    if opening is None:
        return text
    return f"{text[:opening.end()]}\n {label}{text[opening.end():]}"
