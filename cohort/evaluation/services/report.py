"""The evaluator's figures: for each instrument given in the cohorts asked for, the response
rate of each survey, each item's distribution before and after, the paired change of items
asked both times or asked at the end about now and, looking back, about the start, the share
agreeing, and the free-text answers. An anonymous survey shows counts only while it is open
(two looks either side of one submission would single it out) and when it has fewer than
MIN_GROUP responses: no breakdown that could point at a person.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from cohort.cohorts.models import Cohort
from cohort.core.timeutil import utcnow
from cohort.evaluation.models import Survey
from cohort.evaluation.services.surveys import (
    MIN_GROUP,
    answers_of,
    asked,
    instrument_of,
    surveys_of,
)
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

__all__ = ["MIN_GROUP", "ItemFigures", "InstrumentReport", "report", "screen"]


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
    # Anonymous surveys still open, with their cohorts: counted, their answers not shown.
    withheld: list[tuple[Cohort, Survey]] = field(default_factory=list)
    too_few: bool = False  # some cohort's anonymous answers are fewer than MIN_GROUP


def screen(group: list[Survey], counts: dict[int, int]) -> tuple[list[Survey], list[Survey]]:
    """(the surveys whose answers may be shown, the anonymous ones withheld while open) of one
    cohort's surveys of one instrument; `counts`: {survey id: submitted responses}. An
    anonymous survey's answers wait until it has closed, since while answers still come in,
    two downloads either side of one submission would single it out; then, where any of the
    surveys shown is anonymous, nothing is shown if any of them has fewer than MIN_GROUP
    answers, since its few could be worked out (before and after pair up)."""
    now = utcnow()
    withheld = [survey for survey in group if survey.anonymous and now < survey.closes_at]
    shown = [survey for survey in group if survey not in withheld]
    if any(s.anonymous for s in shown) and min(counts[s.id] for s in shown) < MIN_GROUP:
        shown = []
    return shown, withheld


def report(cohorts: list[Cohort]) -> list[InstrumentReport]:
    """One section per instrument, pooled over the cohorts given. A cohort whose anonymous
    answers to an instrument are fewer than MIN_GROUP (in either phase) is left out of its
    figures, alone or pooled, since pooling it with answers shown elsewhere would let its few
    be worked out; an open anonymous survey is left out until it closes, and the answers of
    its cohort's other survey of the instrument are then left out of the paired change, which
    would otherwise take in the open survey's answers. The counts still show in the response
    rate."""
    by_id = {cohort.id: cohort for cohort in cohorts}
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
        kept, left_out, withheld, small = [], [], [], set()
        unpaired: set[int] = set()  # surveys shown whose counterpart is withheld
        counts = {survey_id: len(given) for survey_id, given in found.items()}
        for cohort_id, group in by_cohort.items():
            shown, waiting = screen(group, counts)
            withheld += [(by_id[cohort_id], survey) for survey in waiting]
            if len(shown) + len(waiting) < len(group):
                left_out.append(by_id[cohort_id].title)
                small |= {s.phase for s in group
                          if s not in waiting and counts[s.id] < MIN_GROUP}
            kept += shown
            if waiting:
                unpaired.update(survey.id for survey in shown)
        items, answers, alone = _pooled(kept, found, unpaired)
        pairing = any(survey.id not in unpaired for survey in kept)
        sections.append(InstrumentReport(
            instrument_of(surveys[-1]), surveys, dict(sorted(rates.items(), reverse=True)),
            [_figures(item, answers, alone if pairing else None) for item in items],
            any(s.anonymous for s in surveys), not kept,
            left_out if len(by_cohort) > 1 else [], sorted(small, reverse=True),
            _not_open(surveys), withheld, bool(left_out)))
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


def _pooled(surveys: list[Survey], found: dict[int, dict],
            unpaired: set[int]) -> tuple[list[Item], dict, set[str]]:
    """The items of the surveys, one for each question asked in the same words, the answers
    ({phase: {respondent: {item key: value}}}) under those items' keys, and the respondents
    of the `unpaired` surveys. Cohorts' programme evaluations ask about their own objectives:
    "objective-1" of one cohort and of another are two questions, not one."""
    alone: set[str] = set()
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
        if survey.id in unpaired:
            alone.update(given)
        if any(old != new for old, new in rename.items()):
            given = {who: {rename.get(k, k): v for k, v in values.items()}
                     for who, values in given.items()}
        answers[survey.phase].update(given)
    return [items[identity] for identity in sorted(items, key=place.__getitem__)], answers, alone


def _figures(item: Item, answers: dict[str, dict[str, dict]],
             alone: set[str] | None) -> ItemFigures:
    """An item's figures; the change leaves out the respondents `alone` (whose other answer
    is withheld), and there is none when `alone` is None (every cohort's is withheld)."""
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
    if item.phase == "both" and alone is not None:
        figures.change = paired(*({who: value for who, value in values[phase].items()
                                   if who not in alone} for phase in ("pre", "post")))
    elif item.pairs_with is not None:
        # Looking back and now, in the same response: each person's answer now against their
        # own look back at the start.
        now = {who: given[item.pairs_with] for who, given in answers["post"].items()
               if item.pairs_with in given}
        figures.change = paired(values["post"], now)
        figures.change.caution = caution_looking_back(
            figures.change.n_pairs, figures.change.increased + figures.change.decreased)
    if item.type == "agreement":
        figures.agreeing = share_agreeing(list(values["post"].values()))
    return figures
