"""The evaluation's exports, and the figures its report takes from the other modules.

`evaluation_csv` writes one row per submitted answer. An anonymous survey's respondents are
"Respondent 1", "Respondent 2", ... (and so are a named survey's to a downloader who may not
see the cohort's people: the evaluator sees figures, not names), numbered by a keyed hash of
their pseudonym under a key made for that file alone and then forgotten: the same person keeps one number in the pre and
the post survey of the file, while the number cannot be matched to the pseudonym, to the order
the answers came in, or to the numbers in another download. What the report does not break
down is left out of the file as well (services.report.screen): an anonymous survey until it
has closed, so two downloads either side of one submission cannot single it out, and an
anonymous instrument with fewer than MIN_GROUP answers. Both files are written by core's
csv_lines, which keeps a cell a spreadsheet would run as a formula as text. `export_answers`
notes the download in the audit log.

`evaluation_codebook` is that file's key: each question's text and what each value in the
Value column means, so the numbers of a scale can be read.

`programme_figures` and `maturity_changes` gather, for the report, the attendance and the
confidence ratings of the cohort's sessions and the change in its places' maturity.
"""

import hashlib
import hmac
import json
import secrets
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort, Membership
from cohort.core.audit import record
from cohort.core.csvfile import csv_lines
from cohort.core.timeutil import utcnow
from cohort.evaluation.models import Answer, Response, Survey
from cohort.evaluation.services.report import screen
from cohort.evaluation.services.surveys import instrument_of, surveys_in
from cohort.extensions import db
from cohort.plans.models import Framework
from cohort.plans.services import agreed_levels_of
from cohort.programme.models import LearningObjective, ProgrammeSession
from cohort.programme.services import (
    present_counts,
    rating_spreads,
    register_sizes,
    sessions_of,
)

__all__ = ["CSV_HEADERS", "CODEBOOK_HEADERS", "export_answers", "evaluation_csv",
           "evaluation_codebook", "SessionFigures", "programme_figures", "HallmarkChange",
           "MaturityChange", "maturity_changes"]

CSV_HEADERS = ("Cohort", "Survey", "Phase", "Respondent", "Item key", "Item", "Value")
CODEBOOK_HEADERS = ("Item key", "Item", "Asked", "Answer type", "Value", "Meaning")
ANSWER_TYPES = {"agreement": "Agreement, 1 to 5", "knowledge": "Knowledge, 1 to 5",
                "rating_0_10": "Rating, 0 to 10", "rating_1_10": "Rating, 1 to 10",
                "single": "One choice", "multiple": "Any number of choices, joined by \"; \"",
                "text": "Free text"}
ASKED = {"pre": "Before the programme", "post": "After the programme",
         "both": "Before and after the programme"}


def export_answers(user, cohorts: list[Cohort], names_in: set[int]) -> Iterator[str]:
    """The answers' CSV (evaluation_csv), noted in the audit log as downloaded by `user`
    (flushed with the caller's work). `names_in`: the ids of the cohorts whose named surveys
    may name their respondents to `user`."""
    record(user, "evaluation_exported", subject=cohorts[0].slug,
           detail=", ".join(c.slug for c in cohorts[1:]) or None,
           cohort=cohorts[0] if len(cohorts) == 1 else None)
    return evaluation_csv(cohorts, names_in)


def evaluation_csv(cohorts: list[Cohort], names_in: set[int] = frozenset()) -> Iterator[str]:
    """The lines of a CSV file of the submitted answers to the cohorts' surveys: one row per
    response and item. A named survey names its respondents only in the cohorts of
    `names_in` (those whose people the downloader may see); elsewhere, as in an anonymous
    survey, each is "Respondent N". The rows are read now; their lines are written as they
    are taken."""
    return csv_lines(list(_answer_rows(cohorts, names_in)), header=CSV_HEADERS)


def _answer_rows(cohorts: list[Cohort], names_in: set[int]) -> Iterator[tuple]:
    given = surveys_in(cohorts)
    surveys = [(cohort, survey) for cohort in cohorts for survey in given[cohort.id]]
    found = _answers([survey.id for _cohort, survey in surveys])
    left_out = _suppressed([survey for _cohort, survey in surveys], found)
    unnamed = {survey.id for cohort, survey in surveys
               if survey.anonymous or cohort.id not in names_in}
    labels = _anonymous_labels(
        {who for _cohort, survey in surveys if survey.id in unnamed
         and survey.id not in left_out for who in found.get(survey.id, {})})
    for cohort, survey in surveys:
        if survey.id in left_out:
            continue
        instrument = instrument_of(survey)
        order = {item.key: n for n, item in enumerate(instrument.items)}
        texts = {item.key: item.text for item in instrument.items}
        people = found.get(survey.id, {})
        if survey.id in unnamed:
            named = [((labels[who], ""), f"Respondent {labels[who]}", given)
                     for who, (_name, given) in people.items()]
        else:
            named = [(((name or "").casefold(), who), name or "A former member", given)
                     for who, (name, given) in people.items()]
        for _sort, label, given in sorted(named, key=lambda row: row[0]):
            for key, value in sorted(given.items(), key=lambda kv: order.get(kv[0], len(order))):
                yield (cohort.title, survey.title, survey.phase, label, key,
                       texts.get(key, ""), _value(value))


def evaluation_codebook(cohorts: list[Cohort]) -> Iterator[str]:
    """The lines of a CSV file of the questions of the cohorts' surveys, each once, with a row
    for each value its answers can take in the answers' CSV and what that value means. The
    rows are read now; their lines are written as they are taken."""
    return csv_lines(list(_codebook_rows(cohorts)), header=CODEBOOK_HEADERS)


def _codebook_rows(cohorts: list[Cohort]) -> Iterator[tuple]:
    seen: set[tuple] = set()
    given = surveys_in(cohorts)
    for cohort in cohorts:
        for survey in given[cohort.id]:
            for item in instrument_of(survey).items:
                identity = (item.key, item.text, item.type, item.choices,
                            tuple(sorted(item.scale_labels.items())))
                if identity in seen:
                    continue
                seen.add(identity)
                for value, meaning in _meanings(item):
                    yield (item.key, item.text, ASKED.get(item.phase, item.phase),
                           ANSWER_TYPES.get(item.type, item.type), value, meaning)


def _meanings(item) -> list[tuple[str, str]]:
    """(value as the CSV gives it, what it means) for each answer the item offers."""
    if item.scale is not None:
        return [(str(value), item.label(value) if item.label(value) != str(value)
                 else "A point between the named ends of the scale") for value in item.scale]
    if item.choices:
        return [(choice, "This choice") for choice in item.choices]
    return [("", "The words the person wrote")]


def _answers(survey_ids: list[int]) -> dict[int, dict[str, tuple[str | None, dict]]]:
    """{survey id: {respondent: (the member's name in a named survey, {item key: value})}}
    of the submitted responses, in one query."""
    if not survey_ids:
        return {}
    rows = db.session.execute(
        select(Response.survey_id, Response.respondent, Survey.anonymous, User.name,
               Answer.item_key, Answer.number, Answer.text)
        .join(Survey, Survey.id == Response.survey_id)
        .join(Answer, Answer.response_id == Response.id)
        .outerjoin(Membership, Membership.id == Response.membership_id)
        .outerjoin(User, User.id == Membership.user_id)
        .where(Response.survey_id.in_(survey_ids), Response.submitted_at.is_not(None))).all()
    found: dict[int, dict[str, tuple[str | None, dict]]] = {}
    for survey_id, respondent, anonymous, name, key, number, text in rows:
        _name, given = found.setdefault(survey_id, {}).setdefault(
            respondent, (None if anonymous else name, {}))
        given[key] = number if number is not None else text
    return found


def _suppressed(surveys: list[Survey], found: dict) -> set[int]:
    """The surveys the report does not break down, as services.report decides for each
    cohort's surveys of an instrument, pooled or not."""
    by_key: dict[tuple[int, str], list[Survey]] = {}
    for survey in surveys:
        by_key.setdefault((survey.cohort_id, survey.instrument_key), []).append(survey)
    counts = {survey.id: len(found.get(survey.id, {})) for survey in surveys}
    left_out: set[int] = set()
    for group in by_key.values():
        shown, _withheld = screen(group, counts)
        left_out.update(survey.id for survey in group if survey not in shown)
    return left_out


def _anonymous_labels(pseudonyms: set[str]) -> dict[str, int]:
    """A number from 1 for each pseudonym, in the order of their HMAC under a key made for
    this file alone: a pre and a post answer of one person share a number, nothing else does."""
    key = secrets.token_bytes(32)
    ordered = sorted(pseudonyms, key=lambda who: hmac.new(key, who.encode(),
                                                          hashlib.sha256).digest())
    return {who: n for n, who in enumerate(ordered, start=1)}


def _value(value) -> str:
    """A stored answer as a cell: a number, the words, or several choices joined by "; "."""
    if isinstance(value, str) and value.startswith("["):
        try:
            chosen = json.loads(value)
        except ValueError:
            return value
        if isinstance(chosen, list):
            return "; ".join(str(choice) for choice in chosen)
    return "" if value is None else str(value)


# What the report takes from the programme and the plans -----------------------------------------


@dataclass
class SessionFigures:
    session: ProgrammeSession
    attended: int  # marked present
    members: int  # on the session's register
    objectives: list[tuple[LearningObjective, float | None, float | None, int]] = field(
        default_factory=list)
    # (objective, median confidence 1-5, mean confidence, how many rated it); None unrated


def programme_figures(cohorts: list[Cohort]) -> list[tuple[Cohort, list[SessionFigures]]]:
    """For each cohort, each session that has started and was not cancelled, in time order:
    how many of its members attended, and the middle (and the mean) confidence rating on each
    of its learning objectives.
    The same few queries however many cohorts and sessions there are and however many
    answered."""
    now = utcnow()
    held = [s for s in sessions_of([cohort.id for cohort in cohorts])
            if not s.is_cancelled and s.starts_at <= now]
    present, registers, spread = present_counts(held), register_sizes(held), rating_spreads(held)
    return [(cohort, [SessionFigures(session, present[session.id], registers.get(session.id, 0),
                                     [(objective, _median(spread[objective.id]["counts"]),
                                       spread[objective.id]["mean"], spread[objective.id]["n"])
                                      for objective in session.objectives])
                      for session in held if session.cohort_id == cohort.id])
            for cohort in cohorts]


def _median(counts: list[int]) -> float | None:
    """The median of the ratings 1, 2, ... given `counts[i]` times each; None when none."""
    ratings = [rating for rating, count in enumerate(counts, start=1) for _ in range(count)]
    return float(statistics.median(ratings)) if ratings else None


@dataclass
class HallmarkChange:
    label: str
    first: float | None  # the mean agreed level across places, first round
    latest: float | None  # and in the latest round that rated each place
    rated_in_both: int


@dataclass
class MaturityChange:
    framework: Framework
    rounds: int
    hallmarks: list[HallmarkChange]


def maturity_changes(cohorts: list[Cohort]) -> list[tuple[Cohort, MaturityChange | None]]:
    """For each cohort, the mean agreed level on each hallmark in the first round and the
    latest, with the places rated in both; None when the cohort has no self-assessment round.
    Reads the agreed ratings only, however many action items the places keep, in the same
    few queries however many cohorts."""
    found = agreed_levels_of(cohorts)
    changes = []
    for cohort in cohorts:
        overview = found[cohort.id]
        if overview is None or not overview.rounds:
            changes.append((cohort, None))
            continue
        framework = overview.framework
        changes.append((cohort, MaturityChange(framework, len(overview.rounds), [
            HallmarkChange(hallmark.label, overview.mean(hallmark, "first"),
                           overview.mean(hallmark, "position"),
                           overview.rated_in_both(hallmark))
            for hallmark in framework.hallmarks])))
    return changes
