"""The report's charts: surveys/charts.py draws them through the charts' one pipeline (SVG with
no CSS, cached by their figures, so a report drawn again with the same answers draws nothing),
and these give them as image sources."""

from surveys.charts import distribution_svg, diverging_svg
from surveys.drawing import data_url

__all__ = ["distribution", "diverging", "short_labels"]


def distribution(title: str, labels: tuple[str, ...], counts: tuple[int, ...],
                 axis_label: str = "Answer") -> str:
    """A bar per choice, as an image source."""
    return data_url(distribution_svg(title, labels, counts, axis_label))


def diverging(title: str, rows: tuple[str, ...], labels: tuple[str, ...],
              counts: tuple[tuple[int, ...], ...]) -> str:
    """Ordered answers as a diverging stacked bar for each row, as an image source."""
    return data_url(diverging_svg(title, rows, labels, counts))


def short_labels(keys: list[str]) -> list[str]:
    """Names for a chart's axis from the items' keys, without the part they all share:
    knowledge-drivers and knowledge-what-works give "Drivers" and "What works"."""
    split = [key.split("-") for key in keys]
    shared = 0
    while len(split) > 1 and all(len(parts) > shared + 1 for parts in split) and \
            len({parts[shared] for parts in split}) == 1:
        shared += 1
    return [" ".join(parts[shared:]).capitalize() for parts in split]
