"""The evaluator's figures: for each instrument given in the cohorts asked for, the response
rate of each survey, each item's distribution before and after, the paired change of items
asked both times or asked at the end about now and, looking back, about the start, the share
agreeing, and the free-text answers. An anonymous survey with fewer than MIN_GROUP responses
shows counts only: no breakdown that could point at a person.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from cohort.cohorts.models import Cohort
from cohort.core.timeutil import utcnow
from cohort.evaluation.models import Survey
from cohort.evaluation.services.surveys import answers_of, asked, instrument_of, surveys_of
from surveys.analysis import (
    Agreement,
    Distribution,
    Paired,
    caution_looking_back,
    distribution,
    paired,
    share_agreeing,
)
from surveys.instrument import Instrument, Item

__all__ = ["MIN_GROUP", "ItemFigures", "InstrumentReport", "report"]

MIN_GROUP = 5


@dataclass
class ItemFigures:
    item: Item
    pre: Distribution | None = None
    post: Distribution | None = None
    change: Paired | None = None
    agreeing: Agreement | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class InstrumentReport:
    instrument: Instrument
    surveys: list[Survey]
    rates: dict[str, tuple[int, int]]  # phase -> (submitted, asked)
    items: list[ItemFigures]
    anonymous: bool
    suppressed: bool  # nothing to break down: every group is anonymous and too small
    left_out: list[str] = field(default_factory=list)  # pooled cohorts too small to break down
    small: list[str] = field(default_factory=list)  # the phases too small to break down
    opens: dict[str, datetime] = field(default_factory=dict)  # phase -> when, if not open yet


def report(cohorts: list[Cohort]) -> list[InstrumentReport]:
    """One section per instrument, pooled over the cohorts given. A cohort whose anonymous
    answers to an instrument are fewer than MIN_GROUP (in either phase) is left out of its
    figures, alone or pooled, since pooling it with answers shown elsewhere would let its few
    be worked out; its counts still show in the response rate."""
    titles = {cohort.id: cohort.title for cohort in cohorts}
    by_key: dict[str, list[Survey]] = {}
    for cohort in cohorts:
        for survey in surveys_of(cohort):
            by_key.setdefault(survey.instrument_key, []).append(survey)
    sections = []
    for surveys in by_key.values():
        found = {survey.id: answers_of(survey) for survey in surveys}
        rates: dict[str, tuple[int, int]] = {}
        for survey in surveys:
            submitted, total = rates.get(survey.phase, (0, 0))
            rates[survey.phase] = (submitted + len(found[survey.id]),
                                   total + asked(survey, found[survey.id]))
        by_cohort: dict[int, list[Survey]] = {}
        for survey in surveys:
            by_cohort.setdefault(survey.cohort_id, []).append(survey)
        kept, left_out, small = [], [], set()
        for cohort_id, group in by_cohort.items():
            if any(s.anonymous for s in group) and \
                    min(len(found[s.id]) for s in group) < MIN_GROUP:
                left_out.append(titles[cohort_id])
                small |= {s.phase for s in group if len(found[s.id]) < MIN_GROUP}
            else:
                kept += group
        items, answers = _pooled(kept, found)
        sections.append(InstrumentReport(
            instrument_of(surveys[-1]), surveys, dict(sorted(rates.items(), reverse=True)),
            [_figures(item, answers) for item in items],
            any(s.anonymous for s in surveys), not kept,
            left_out if len(by_cohort) > 1 else [], sorted(small, reverse=True),
            _not_open(surveys)))
    return sections


def _not_open(surveys: list[Survey]) -> dict[str, datetime]:
    """{phase: when its first survey opens} for each phase none of whose surveys is open yet."""
    now = utcnow()
    opening: dict[str, list[datetime]] = {}
    for survey in surveys:
        opening.setdefault(survey.phase, []).append(survey.opens_at)
    return {phase: min(times) for phase, times in opening.items() if min(times) > now}


def _identity(item: Item) -> tuple:
    return (item.key, item.text, item.type, item.choices, tuple(sorted(item.scale_labels.items())),
            item.pairs_with)


def _pooled(surveys: list[Survey], found: dict[int, dict]) -> tuple[list[Item], dict]:
    """The items of the surveys, one for each question asked in the same words, and the
    answers ({phase: {respondent: {item key: value}}}) under those items' keys. Cohorts'
    programme evaluations ask about their own objectives: "objective-1" of one cohort and of
    another are two questions, not one."""
    items: dict[tuple, Item] = {}
    place: dict[tuple, tuple[int, int]] = {}  # position in its instrument, then first seen
    answers: dict[str, dict[str, dict]] = {"pre": {}, "post": {}}
    for survey in surveys:
        rename = {}
        for index, item in enumerate(instrument_of(survey).items):
            identity = _identity(item)
            if identity not in items:
                same_key = sum(1 for other in items.values() if other.key.split("~")[0] == item.key)
                items[identity] = dataclasses.replace(item, key=f"{item.key}~{same_key + 1}") \
                    if same_key else item
                place[identity] = (index, len(place))
            rename[item.key] = items[identity].key
        for item in instrument_of(survey).items:  # a look back pairs with its own survey's item
            kept = items[_identity(item)]
            if item.pairs_with in rename and kept.pairs_with != rename[item.pairs_with]:
                items[_identity(item)] = dataclasses.replace(kept,
                                                             pairs_with=rename[item.pairs_with])
        given = found[survey.id]
        if any(old != new for old, new in rename.items()):
            given = {who: {rename.get(k, k): v for k, v in values.items()}
                     for who, values in given.items()}
        answers[survey.phase].update(given)
    return [items[identity] for identity in sorted(items, key=place.__getitem__)], answers


def _figures(item: Item, answers: dict[str, dict[str, dict]]) -> ItemFigures:
    figures = ItemFigures(item)
    values = {phase: {who: given[item.key] for who, given in found.items() if item.key in given}
              for phase, found in answers.items()}
    if item.type == "text":
        # Sorted, not in the order given, so the order cannot be matched to anything else.
        figures.texts = sorted(str(v) for v in values["post"].values() if v) + sorted(
            str(v) for v in values["pre"].values() if v and item.phase == "pre")
        return figures
    if item.type == "multiple":
        return figures
    for phase in ("pre", "post"):
        if item.asked_at(phase) and values[phase]:
            setattr(figures, phase, distribution(item, list(values[phase].values())))
    if item.phase == "both":
        figures.change = paired(values["pre"], values["post"])
    elif item.pairs_with is not None:
        # Looking back and now, in the same response: each person's answer now against their
        # own look back at the start.
        now = {who: given[item.pairs_with] for who, given in answers["post"].items()
               if item.pairs_with in given}
        figures.change = paired(values["post"], now)
        figures.change.caution = caution_looking_back(figures.change.n_pairs,
                                                      figures.change.changes)
    if item.type == "agreement":
        figures.agreeing = share_agreeing(list(values["post"].values()))
    return figures
