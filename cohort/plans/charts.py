"""Charts drawn on the server as SVG with matplotlib (imported only when a chart is drawn),
with a title and real text; each page shows a table of the same figures below its chart.
Results are cached by their figures, so a page that shows the same data draws nothing."""

import base64
import io
from functools import lru_cache

# Light to dark: not assessed, not yet, then each level (GOV.UK colours, text readable on each).
_FILLS = ("#f3f2f1", "#ffffff", "#d2e2f1", "#5694ca", "#1d70b8", "#003078")
_INKS = ("#505a5f", "#0b0c0c", "#0b0c0c", "#0b0c0c", "#ffffff", "#ffffff")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _svg(figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cohort",
                                "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def data_url(svg: str) -> str:
    """The chart as an image source: its own document, so its styles need no page rule."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@lru_cache(maxsize=64)
def heatmap_svg(title: str, places: tuple[str, ...], hallmarks: tuple[str, ...],
                cells: tuple[tuple[int | None, ...], ...], levels: tuple[str, ...]) -> str:
    """Hallmark by place; each cell is coloured by its level and says it in words."""
    figure = _figure(1.2 + 1.1 * len(hallmarks), 0.9 + 0.42 * max(len(places), 1))
    axes = figure.add_subplot()
    names = ("Not assessed", "Not yet", *levels)
    for row, values in enumerate(cells):
        for column, value in enumerate(values):
            shade = 0 if value is None else min(value + 1, len(_FILLS) - 1)
            axes.add_patch(_rectangle(column, row, _FILLS[shade]))
            label = names[0 if value is None else value + 1]
            axes.text(column + 0.5, row + 0.5, label, ha="center", va="center", fontsize=7,
                      color=_INKS[shade])
    axes.set_xlim(0, len(hallmarks))
    axes.set_ylim(len(places), 0)
    axes.set_xticks([n + 0.5 for n in range(len(hallmarks))],
                    [f"Hallmark {key}" for key in hallmarks], fontsize=8)
    axes.set_yticks([n + 0.5 for n in range(len(places))], list(places), fontsize=8)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(title, fontsize=11, loc="left", pad=24)
    return _svg(figure)


def _rectangle(column: int, row: int, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((column, row), 1, 1, facecolor=colour, edgecolor="#ffffff", linewidth=2)


@lru_cache(maxsize=64)
def change_svg(title: str, hallmarks: tuple[str, ...], first: tuple[float | None, ...],
               latest: tuple[float | None, ...], levels: tuple[str, ...]) -> str:
    """The cohort's average level per hallmark, in the first round and the latest."""
    figure = _figure(1.5 + 0.9 * len(hallmarks), 3.4)
    axes = figure.add_subplot()
    positions = range(len(hallmarks))
    width = 0.38
    axes.bar([p - width / 2 for p in positions], [v or 0 for v in first], width,
             label="First round", color="#b1b4b6")
    axes.bar([p + width / 2 for p in positions], [v or 0 for v in latest], width,
             label="Latest round", color="#1d70b8")
    axes.set_xticks(list(positions), [f"Hallmark {key}" for key in hallmarks], fontsize=8)
    axes.set_yticks(range(len(levels) + 1), ["Not yet", *levels], fontsize=8)
    axes.set_ylim(0, len(levels))
    axes.set_ylabel("Average agreed level", fontsize=8)
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=11, loc="left")
    return _svg(figure)
