"""The maturity charts, drawn through the charts' one pipeline (surveys/drawing.py: the
figure, the text sizes, SVG with no CSS and the same bytes each time, the title, the cache);
each page shows a table of the same figures below its chart."""

from surveys import drawing
from surveys.drawing import PAGE_WIDTH, TEXT, TITLE, cached, data_url

__all__ = ["change_svg", "data_url", "heatmap_svg"]

# Light to dark: not assessed, not yet, then each level (GOV.UK colours, text readable on each).
_FILLS = ("#f3f2f1", "#ffffff", "#d2e2f1", "#5694ca", "#1d70b8", "#003078")
_INKS = ("#505a5f", "#0b0c0c", "#0b0c0c", "#0b0c0c", "#ffffff", "#ffffff")


def _wrap(text: str, width: int) -> str:
    return drawing.wrap(text, width) or text


@cached
def heatmap_svg(title: str, places: tuple[str, ...], hallmarks: tuple[str, ...],
                cells: tuple[tuple[int | None, ...], ...], levels: tuple[str, ...]) -> str:
    """Hallmark by place; each cell is coloured by its level and gives its number (0 for not
    yet, a dash for not assessed), which the key under the grid names: a level's name in
    every cell would not fit seven hallmarks across a page at the body text size."""
    names = ("Not assessed", "Not yet", *levels)
    marks = ("–", *(str(n) for n in range(len(levels) + 1)))
    rows = [_wrap(place, 18) for place in places]
    lines = max([row.count("\n") + 1 for row in rows] + [1])
    height = (0.22 * lines + 0.12) * max(len(places), 1)
    key = 0.35 * ((len(names) + 1) // 2)
    figure = drawing.figure(2.6 + 0.75 * len(hallmarks), 1.4 + height + key + 0.4)
    figure.subplots_adjust(left=2.4 / figure.get_figwidth(), right=0.99,
                           top=1 - 1.2 / figure.get_figheight(),
                           bottom=(key + 0.5) / figure.get_figheight())
    axes = figure.add_subplot()
    for row, values in enumerate(cells):
        for column, value in enumerate(values):
            shade = 0 if value is None else min(value + 1, len(_FILLS) - 1)
            axes.add_patch(_rectangle(column, row, _FILLS[shade]))
            axes.text(column + 0.5, row + 0.5, marks[0 if value is None else value + 1],
                      ha="center", va="center", fontsize=TEXT, color=_INKS[shade])
    axes.set_xlim(0, len(hallmarks))
    axes.set_ylim(len(places), 0)
    axes.set_xticks([n + 0.5 for n in range(len(hallmarks))], list(hallmarks), fontsize=TEXT)
    axes.set_xlabel("Hallmark", fontsize=TEXT)
    axes.xaxis.set_label_position("top")
    axes.set_yticks([n + 0.5 for n in range(len(places))], rows, fontsize=TEXT, linespacing=1.1)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.legend(handles=[drawing.patch(facecolor=_FILLS[min(n, len(_FILLS) - 1)],
                                       edgecolor="#b1b4b6", label=f"{mark}  {name}")
                         for n, (mark, name) in enumerate(zip(marks, names, strict=True))],
                fontsize=TEXT, frameon=False, ncols=2, loc="upper left",
                bbox_to_anchor=(-2.4 / (0.75 * len(hallmarks) + 0.2), -0.02))
    axes.set_title(_wrap(title, 60), fontsize=TITLE, loc="left", pad=12)
    return drawing.svg(figure, title)


def _rectangle(column: int, row: int, colour: str):
    return drawing.rectangle((column, row), 1, 1, facecolor=colour, edgecolor="#ffffff", linewidth=2)


@cached
def change_svg(title: str, hallmarks: tuple[str, ...], first: tuple[float | None, ...],
               latest: tuple[float | None, ...], levels: tuple[str, ...]) -> str:
    """The cohort's average level per hallmark, in the first round and the latest."""
    figure = drawing.figure(min(PAGE_WIDTH, 3.5 + 0.8 * len(hallmarks)), 4.6)
    axes = figure.add_subplot()
    positions = range(len(hallmarks))
    width = 0.38
    axes.bar([p - width / 2 for p in positions], [v or 0 for v in first], width,
             label="First round", color="#b1b4b6")
    axes.bar([p + width / 2 for p in positions], [v or 0 for v in latest], width,
             label="Latest round", color="#1d70b8")
    axes.set_xticks(list(positions), list(hallmarks), fontsize=TEXT)
    axes.set_xlabel("Hallmark", fontsize=TEXT)
    axes.set_yticks(range(len(levels) + 1), [_wrap(level, 10) for level in ("Not yet", *levels)],
                    fontsize=TEXT, linespacing=1.1)
    axes.set_ylim(0, len(levels))
    axes.set_ylabel("Average agreed level", fontsize=TEXT)
    axes.legend(fontsize=TEXT, frameon=False, loc="lower left", bbox_to_anchor=(0, 1),
                ncols=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(_wrap(title, 60), fontsize=TITLE, loc="left", pad=40)
    return drawing.svg(figure, title)
