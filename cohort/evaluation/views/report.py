"""The evaluator's report and its exports: for each instrument given, the response rate, each
item's chart with a table of its figures, the paired change with its test, the free-text
answers; the attendance and confidence ratings of the sessions and the change in maturity.
`?cohorts=2,3` pools other cohorts the user may read the evaluation of."""

import math

from flask import abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from cohort.cohorts.permissions import can_see_profiles
from cohort.cohorts.services import memberships_for
from cohort.core.downloads import send_download
from cohort.core.errors import render_error
from cohort.core.forms import ascii_number, attempt
from cohort.core.guard import guard
from cohort.core.pagecache import cached
from cohort.core.timeutil import utcnow
from cohort.evaluation import charts, services
from cohort.evaluation.permissions import READERS, can_view_evaluation
from cohort.evaluation.services import MIN_GROUP, TEXTS_SHOWN, InstrumentReport
from cohort.evaluation.services.export import (
    evaluation_codebook,
    export_answers,
    maturity_changes,
    programme_figures,
)
from cohort.evaluation.views import bp
from surveys.analysis import Distribution, reading, shown, shown_p, shown_share
from surveys.instrument import KNOWLEDGE, Item

MAX_POOLED = 20
MAX_NOTED = 3  # entries of ?cohorts= named one by one when they are not cohort numbers
PHASES = {"pre": "before the programme", "post": "after the programme"}
WHEN = {"pre": "Before", "post": "After"}
AXES = {"agreement": "Answer", "knowledge": "Knowledge", "rating_0_10": "Rating",
        "rating_1_10": "Rating", "single": "Choice"}


def _cohorts(cohort) -> tuple[list, list[str]]:
    """The cohort, then those `?cohorts=` adds (each one the user may read the evaluation of,
    else 404), and a note for each entry that is not a number."""
    cohorts = [cohort]
    notes: list[str] = []
    unknown = 0
    for entry in ",".join(request.args.getlist("cohorts")).split(","):
        entry = entry.strip()
        if not entry:
            continue
        number = ascii_number(entry, limit=2**31 - 1)
        if number is None:
            unknown += 1
            if unknown <= MAX_NOTED:
                shown_entry = "".join(c if c.isprintable() else "\ufffd" for c in entry[:20])
                notes.append(f"“{shown_entry}{'…' if len(entry) > 20 else ''}” is not a "
                             "cohort number, so it was left out.")
            continue
        if number in {c.id for c in cohorts}:
            continue
        if len(cohorts) >= MAX_POOLED:
            notes.append(f"At most {MAX_POOLED} cohorts can be pooled: the rest were left out.")
            break
        other = _readable().get(number)
        if other is None:  # no such cohort, or not one whose evaluation the user may read
            abort(404)
        cohorts.append(other)
    if unknown > MAX_NOTED:
        more = unknown - MAX_NOTED
        notes.append("1 more entry that is not a cohort number was left out." if more == 1
                     else f"{more:,} more entries that are not cohort numbers were left out.")
    return cohorts, notes


def _pooled_args(cohorts: list) -> dict:
    """The query that pools the same cohorts, for the links to the exports."""
    others = [str(c.id) for c in cohorts[1:]]
    return {"cohorts": ",".join(others)} if others else {}


def answered(n: int, phase: str | None = None) -> str:
    """Whose answers a figure counts: "all 10 who answered before" (or "all 10 who
    answered" where the phase is said already)."""
    when = {"pre": " before", "post": " after", "both": " both times", None: ""}[phase]
    if n == 0:
        return f"nobody answered{when}"
    return f"the 1 person who answered{when}" if n == 1 else f"all {n:,} who answered{when}"


def point_names(item: Item, spread: Distribution) -> list[str]:
    """Each point's words, with its number where a rating names only some points."""
    if item.type.startswith("rating"):
        return [str(p.value) if p.label == str(p.value) else f"{p.value} ({p.label})"
                for p in spread.points]
    return spread.labels


def median_words(item: Item, median: float | None) -> str:
    """The middle answer in the scale's words: "Good (4)", or "between Some and Good (3.5)"
    when it falls between two points."""
    if median is None:
        return "–"
    low, high = math.floor(median), math.ceil(median)
    if low == high:
        words = item.label(low)
        return words if words == str(low) else f"{words} ({low})"
    return f"between {item.label(low)} and {item.label(high)} ({shown(median, 1)})"


def _item_charts(section: InstrumentReport) -> dict:
    """{item key: [{"src", "alt"}, ...]} for each item with answers: a scale item's answers
    before and after as one diverging bar chart, a choice's as a bar chart per phase; and
    under "overview" the chart of every knowledge question asked both times. Each title
    names the instrument and the question, so no two charts share one."""
    found: dict = {}
    for number, figures in enumerate(section.items, start=1):
        asked = [phase for phase in ("pre", "post") if getattr(figures, phase) is not None]
        if not asked:
            continue
        item = figures.item
        title = f"{section.instrument.name}, question {number}: {item.text}"
        if item.scale is None:
            found[item.key] = [_choice_chart(f"{title} ({PHASES[phase]})", figures, phase)
                               for phase in asked]
            continue
        found[item.key] = [_scale_chart(title, item, {
            phase: getattr(figures, phase) for phase in asked})]
    overview = _overview(section)
    if overview:
        title = f"{section.instrument.name}: answers to each question before and after"
        rows, counts = [], []
        for row in overview:
            for phase in ("pre", "post"):
                spread = row[phase]
                rows.append(f"{row['label']}, {WHEN[phase].lower()} "
                            f"({spread.n if spread else 0})")
                counts.append(tuple(spread.counts) if spread else (0,) * len(KNOWLEDGE))
        found["overview"] = [{
            "src": charts.diverging(title, tuple(rows), KNOWLEDGE, tuple(counts)),
            "alt": f"Chart: {title}. For each of the {len(overview)} questions, how the "
                   "answers before and after were spread, from None on the left to Very "
                   "good on the right; the number answering is beside each bar. The table "
                   "below gives the middle answers."}]
    return found


def _scale_chart(title: str, item: Item, spreads: dict[str, Distribution]) -> dict:
    """A scale item's answers in each phase asked, as a diverging bar each, described with
    whose answers they are and their medians."""
    names = point_names(item, next(iter(spreads.values())))
    rows = tuple(f"{WHEN[phase]}: {answered(spread.n)}" for phase, spread in spreads.items())
    whose = " and of ".join(answered(spread.n, phase) for phase, spread in spreads.items())
    medians = " and ".join(f"{median_words(item, spread.median)} {WHEN[phase].lower()}"
                           for phase, spread in spreads.items() if spread.n)
    return {"src": charts.diverging(title, rows, tuple(names),
                                    tuple(tuple(spread.counts) for spread in spreads.values())),
            "alt": f"Chart: {_sentence(title)} How the answers were spread, as shares of "
                   f"{whose}, from {names[0]} on the left to {names[-1]} on the right."
                   + (f" The middle answer (median) was {medians}." if medians else "")
                   + " The table below gives the figures."}


def _choice_chart(title: str, figures, phase: str) -> dict:
    spread = getattr(figures, phase)
    return {"src": charts.distribution(title, tuple(spread.labels), tuple(spread.counts),
                                       AXES.get(figures.item.type, "Answer")),
            "alt": f"Chart: {_sentence(title)} How many of {answered(spread.n, phase)} chose each "
                   "answer. The table below gives the figures."}


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _overview(section: InstrumentReport) -> list[dict]:
    """The knowledge items asked before and after, with each phase's distribution and the
    paired change; an item asked at the end about now gives its look back at the start as
    "before", and the change within each response."""
    by_key = {f.item.key: f for f in section.items}
    rows = []  # (item, before, after, change)
    for f in section.items:
        if f.item.type != "knowledge":
            continue
        if f.item.phase == "both":
            rows.append((f.item, f.pre, f.post, f.change))
        elif f.item.pairs_with in by_key:
            now = by_key[f.item.pairs_with]
            if now.item.phase != "both":
                rows.append((now.item, f.post, now.post, f.change))
    rows = [row for row in rows if row[1] is not None or row[2] is not None]
    labels = charts.short_labels([item.key for item, *_rest in rows])
    return [{"label": label, "item": item, "pre": pre, "post": post, "change": change}
            for label, (item, pre, post, change) in zip(labels, rows, strict=True)]


def _context(cohort) -> dict:
    cohorts, notes = _cohorts(cohort)
    sections = services.report(cohorts, TEXTS_SHOWN)
    return {
        "cohort": cohorts[0], "cohorts": cohorts, "notes": notes, "sections": sections,
        "charts": [_item_charts(s) if not s.suppressed else {}
                   for s in sections],
        "overviews": [_overview(s) for s in sections],
        "programme": programme_figures(cohorts),
        "maturity": maturity_changes(cohorts),
        "pooled": _pooled_args(cohorts), "phases": PHASES, "min_group": MIN_GROUP,
        "texts_shown": TEXTS_SHOWN, "answered": answered, "median_words": median_words,
        "shown": shown, "shown_p": shown_p, "shown_share": shown_share, "reading": reading,
    }


def _readable() -> dict:
    """{cohort id: cohort} of the cohorts whose evaluation the user may read (as
    can_view_evaluation says: their current memberships as an evaluator or a facilitator),
    newest first: one query a request, however many cohorts they evaluate."""
    if "evaluation_readable" not in g:
        g.evaluation_readable = {m.cohort_id: m.cohort for m in memberships_for(current_user)
                                 if m.role in READERS}
    return g.evaluation_readable


def _poolable(cohorts: list) -> list:
    """The user's other cohorts whose evaluation they may read, to offer for pooling."""
    return [cohort for cohort_id, cohort in _readable().items() if cohort_id != cohorts[0].id]


@bp.route("/cohorts/<int:cohort_id>/evaluation")
@cached
@guard(can_view_evaluation)
def report(cohort):
    context = _context(cohort)
    return render_template("evaluation/report.html", poolable=_poolable(context["cohorts"]),
                           **context)


@bp.route("/cohorts/<int:cohort_id>/evaluation/print")
@guard(can_view_evaluation)
def report_print(cohort):
    return render_template("evaluation/report_print.html", now=utcnow(),
                           **_context(cohort))


@bp.route("/cohorts/<int:cohort_id>/evaluation.csv")
@guard(can_view_evaluation)
def report_csv(cohort):
    cohorts, notes = _cohorts(cohort)
    if notes:  # a file cannot say what it left out: refuse, saying why
        return render_error(400, " ".join(notes) + " Correct the link and download again.")
    names_in = {each.id for each in cohorts if can_see_profiles(current_user, each)}
    ok, lines = attempt(None, lambda: export_answers(current_user, cohorts, names_in))
    if not ok:  # the database stayed busy: the message is flashed on the report
        return redirect(url_for("evaluation.report", cohort_id=cohorts[0].id,
                                **_pooled_args(cohorts)))
    name = cohorts[0].slug + ("-pooled" if len(cohorts) > 1 else "")
    return send_download(lines, f"evaluation-{name}.csv", "text/csv")


@bp.route("/cohorts/<int:cohort_id>/evaluation-codebook.csv")
@guard(can_view_evaluation)
def report_codebook(cohort):
    cohorts, notes = _cohorts(cohort)
    if notes:
        return render_error(400, " ".join(notes) + " Correct the link and download again.")
    name = cohorts[0].slug + ("-pooled" if len(cohorts) > 1 else "")
    return send_download(evaluation_codebook(cohorts), f"evaluation-{name}-codebook.csv",
                         "text/csv")
