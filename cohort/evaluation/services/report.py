"""The evaluator's figures: for each instrument given in the cohorts asked for, the response
rate of each survey, each item's distribution before and after, the paired change of items
asked both times, the share agreeing, and the free-text answers. An anonymous survey with
fewer than MIN_GROUP responses shows counts only: no breakdown that could point at a person.
"""

from dataclasses import dataclass, field

from cohort.cohorts.models import Cohort
from cohort.evaluation.models import Survey
from cohort.evaluation.services.surveys import (
    answers_of,
    eligible_count,
    instrument_of,
    surveys_of,
)
from surveys.analysis import (
    Agreement,
    Distribution,
    Paired,
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
    rates: dict[str, tuple[int, int]]  # phase -> (submitted, eligible)
    items: list[ItemFigures]
    anonymous: bool
    suppressed: bool  # anonymous with too few responses to break down


def report(cohorts: list[Cohort]) -> list[InstrumentReport]:
    """One section per instrument, pooled over the cohorts given."""
    by_key: dict[str, list[Survey]] = {}
    for cohort in cohorts:
        for survey in surveys_of(cohort):
            by_key.setdefault(survey.instrument_key, []).append(survey)
    people = sum(eligible_count(cohort) for cohort in cohorts)
    sections = []
    for surveys in by_key.values():
        instrument = instrument_of(surveys[-1])
        answers: dict[str, dict[str, dict]] = {"pre": {}, "post": {}}
        for survey in surveys:
            answers[survey.phase].update(answers_of(survey))
        rates = {phase: (len(found), people) for phase, found in answers.items()
                 if any(s.phase == phase for s in surveys)}
        anonymous = any(s.anonymous for s in surveys)
        smallest = min((n for n, _ in rates.values()), default=0)
        suppressed = anonymous and smallest < MIN_GROUP
        items = [] if suppressed else [_figures(item, answers) for item in instrument.items]
        sections.append(InstrumentReport(instrument, surveys, rates, items, anonymous,
                                         suppressed))
    return sections


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
    if item.type == "agreement":
        figures.agreeing = share_agreeing(list(values["post"].values()))
    return figures
