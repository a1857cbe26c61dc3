"""The evaluator's report and its exports: for each instrument given, the response rate, each
item's chart with a table of its figures, the paired change with its test, the free-text
answers; the attendance and confidence ratings of the sessions and the change in maturity.
`?cohorts=2,3` pools other cohorts the user may read the evaluation of."""

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from cohort.cohorts.permissions import load_cohort
from cohort.cohorts.services import get_cohort, memberships_for
from cohort.core.audit import record
from cohort.core.database import commit
from cohort.core.errors import render_error
from cohort.core.forms import ascii_number
from cohort.core.timeutil import utcnow
from cohort.evaluation import charts, services
from cohort.evaluation.permissions import can_view_evaluation
from cohort.evaluation.services import MIN_GROUP, InstrumentReport
from cohort.evaluation.services.export import (
    evaluation_csv,
    maturity_change,
    programme_figures,
)
from cohort.evaluation.views import bp
from surveys.analysis import reading, shown, shown_p, shown_share
from surveys.instrument import KNOWLEDGE

MAX_POOLED = 20
MAX_NOTED = 3  # entries of ?cohorts= named one by one when they are not cohort numbers
TEXTS_SHOWN = 200  # free-text answers an item shows; the CSV has every one
PHASES = {"pre": "before the programme", "post": "after the programme"}
AXES = {"agreement": "Answer", "knowledge": "Knowledge", "rating_0_10": "Rating",
        "rating_1_10": "Rating", "single": "Choice"}


def _cohorts(cohort_id: int) -> tuple[list, list[str]]:
    """The cohort, then those `?cohorts=` adds (each one the user may read the evaluation of,
    else 404), and a note for each entry that is not a number."""
    cohorts = [load_cohort(cohort_id, can_view_evaluation)]
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
        other = get_cohort(number)
        if other is None or not can_view_evaluation(current_user, other):
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


def _item_charts(section: InstrumentReport) -> dict:
    """{item key: {phase: image source}} for each item with a distribution, and under
    "means" the before-and-after chart of the knowledge items asked both times."""
    found: dict = {}
    for number, figures in enumerate(section.items, start=1):
        for phase in ("pre", "post"):
            spread = getattr(figures, phase)
            if spread is None:
                continue
            found.setdefault(figures.item.key, {})[phase] = charts.distribution(
                f"Question {number}, {PHASES[phase]}", tuple(spread.labels),
                tuple(spread.counts), AXES.get(figures.item.type, "Answer"))
    means = _means(section)
    if means:
        found["means"] = charts.before_after(
            f"{section.instrument.name}: average answer before and after",
            tuple(row["label"] for row in means), tuple(row["pre"] for row in means),
            tuple(row["post"] for row in means), KNOWLEDGE)
    return found


def _means(section: InstrumentReport) -> list[dict]:
    """The knowledge items asked before and after, with each phase's mean and count; an item
    asked at the end about now gives its look back at the start as "before"."""
    by_key = {f.item.key: f for f in section.items}
    rows = []  # (item, before, after)
    for f in section.items:
        if f.item.type != "knowledge":
            continue
        if f.item.phase == "both":
            rows.append((f.item, f.pre, f.post))
        elif f.item.pairs_with in by_key:
            now = by_key[f.item.pairs_with]
            if now.item.phase != "both":
                rows.append((now.item, f.post, now.post))
    rows = [row for row in rows if row[1] is not None or row[2] is not None]
    labels = charts.short_labels([item.key for item, _pre, _post in rows])
    return [{"label": label, "item": item,
             "pre": pre.mean if pre else None, "n_pre": pre.n if pre else 0,
             "post": post.mean if post else None, "n_post": post.n if post else 0}
            for label, (item, pre, post) in zip(labels, rows, strict=True)]


def _context(cohort_id: int, with_charts: bool) -> dict:
    cohorts, notes = _cohorts(cohort_id)
    sections = services.report(cohorts)
    return {
        "cohort": cohorts[0], "cohorts": cohorts, "notes": notes, "sections": sections,
        "charts": [_item_charts(s) if with_charts and not s.suppressed else {}
                   for s in sections],
        "means": [_means(s) for s in sections],
        "programme": [(c, programme_figures(c)) for c in cohorts],
        "maturity": [(c, maturity_change(c)) for c in cohorts],
        "pooled": _pooled_args(cohorts), "phases": PHASES, "min_group": MIN_GROUP,
        "texts_shown": TEXTS_SHOWN,
        "shown": shown, "shown_p": shown_p, "shown_share": shown_share, "reading": reading,
    }


def _poolable(cohorts: list) -> list:
    """The user's other cohorts whose evaluation they may read, to offer for pooling."""
    return [m.cohort for m in memberships_for(current_user)
            if m.cohort_id != cohorts[0].id and can_view_evaluation(current_user, m.cohort)]


@bp.route("/cohorts/<int:cohort_id>/evaluation")
@login_required
def report(cohort_id: int):
    context = _context(cohort_id, with_charts=True)
    return render_template("evaluation/report.html", poolable=_poolable(context["cohorts"]),
                           **context)


@bp.route("/cohorts/<int:cohort_id>/evaluation/print")
@login_required
def report_print(cohort_id: int):
    return render_template("evaluation/report_print.html", now=utcnow(),
                           **_context(cohort_id, with_charts=False))


@bp.route("/cohorts/<int:cohort_id>/evaluation.csv")
@login_required
def report_csv(cohort_id: int):
    cohorts, notes = _cohorts(cohort_id)
    if notes:  # a file cannot say what it left out: refuse, saying why
        return render_error(400, " ".join(notes) + " Correct the link and download again.")
    body = evaluation_csv(cohorts)
    record(current_user, "evaluation_exported", subject=cohorts[0].slug,
           detail=", ".join(c.slug for c in cohorts[1:]) or None)
    commit()
    name = cohorts[0].slug + ("-pooled" if len(cohorts) > 1 else "")
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="evaluation-{name}.csv"'})
