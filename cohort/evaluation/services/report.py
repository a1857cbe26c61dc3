"""The evaluator's figures: for each instrument given in the cohorts asked for, the response
rate of each survey, each item's distribution before and after, the paired change of items
asked both times or asked at the end about now and, looking back, about the start, the share
agreeing, and the free-text answers. An anonymous survey shows counts only while it is open
(two looks either side of one submission would single it out) and when it has fewer than
MIN_GROUP responses: no breakdown that could point at a person.
"""

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from cohort.cohorts.models import Cohort
from cohort.core.timeutil import utcnow
from cohort.evaluation.models import Survey
from cohort.evaluation.services.counts import (
    answer_counts,
    first_texts,
    look_back_counts,
    pair_counts,
)
from cohort.evaluation.services.surveys import (
    MIN_GROUP,
    instrument_of,
    submitted_and_asked,
    surveys_in,
)
from cohort.evaluation.services.tallies import read_ahead
from surveys.analysis import (
    Agreement,
    Distribution,
    Paired,
    distribution_of_counts,
    paired_of_counts,
    share_agreeing_of_counts,
)
from surveys.instrument import Instrument, Item

__all__ = ["MIN_GROUP", "TEXTS_SHOWN", "ItemFigures", "InstrumentReport", "report", "screen"]

TEXTS_SHOWN = 200  # free-text answers an item shows; the CSV download has every one


@dataclass
class ItemFigures:
    item: Item
    pre: Distribution | None = None
    post: Distribution | None = None
    change: Paired | None = None
    agreeing: Agreement | None = None
    texts: list[str] = field(default_factory=list)  # the first, in alphabetical order
    texts_count: int = 0  # how many answered in words


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


def report(cohorts: list[Cohort], texts_shown: int = TEXTS_SHOWN) -> list[InstrumentReport]:
    """One section per instrument, pooled over the cohorts given. A cohort whose anonymous
    answers to an instrument are fewer than MIN_GROUP (in either phase) is left out of its
    figures, alone or pooled, since pooling it with answers shown elsewhere would let its few
    be worked out; an open anonymous survey is left out until it closes, and the answers of
    its cohort's other survey of the instrument are then left out of the paired change, which
    would otherwise take in the open survey's answers. The counts still show in the response
    rate. The answers are counted already, in each survey's tally, kept as they are given
    (services/tallies.py, read by services/counts.py): a few queries a section, whose rows
    grow with the answers a scale offers, however many responses. Of each free-text item the first `texts_shown` answers are
    read."""
    by_id = {cohort.id: cohort for cohort in cohorts}
    by_key: dict[str, list[Survey]] = {}
    given = surveys_in(cohorts)
    for cohort in cohorts:
        for survey in given[cohort.id]:
            by_key.setdefault(survey.instrument_key, []).append(survey)
    counted = submitted_and_asked([survey for group in by_key.values() for survey in group])
    screened = [(surveys, *_screen(surveys, by_id, counted)) for surveys in by_key.values()]
    # Every kind of count of the surveys whose figures are shown, in one query, for the
    # sections' reads below (services/counts.py); nothing of a survey withheld is read.
    read_ahead({survey.id for *_, kept, _unpaired in screened for survey in kept})
    sections = []
    for surveys, rates, by_cohort, left_out, withheld, small, kept, unpaired in screened:
        items, renamed = _pooled(kept)
        pairing = any(survey.id not in unpaired for survey in kept)
        sections.append(InstrumentReport(
            instrument_of(surveys[-1]), surveys, dict(sorted(rates.items(), reverse=True)),
            _figures(items, kept, renamed, unpaired if pairing else None, texts_shown),
            any(s.anonymous for s in surveys), not kept,
            left_out if len(by_cohort) > 1 else [], sorted(small, reverse=True),
            _not_open(surveys), withheld, bool(left_out)))
    return sections


def _screen(surveys: list[Survey], by_id: dict, counted: dict):
    """An instrument's response rates by phase, its surveys by cohort, and which of them its
    figures take in (see report)."""
    rates: dict[str, tuple[int, int]] = {}
    for survey in surveys:
        submitted, total = rates.get(survey.phase, (0, 0))
        rates[survey.phase] = (submitted + counted[survey.id][0],
                               total + counted[survey.id][1])
    by_cohort: dict[int, list[Survey]] = {}
    for survey in surveys:
        by_cohort.setdefault(survey.cohort_id, []).append(survey)
    kept, left_out, withheld, small = [], [], [], set()
    unpaired: set[int] = set()  # surveys shown whose counterpart is withheld
    counts = {survey.id: counted[survey.id][0] for survey in surveys}
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
    return rates, by_cohort, left_out, withheld, small, kept, unpaired


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


def _pooled(surveys: list[Survey]) -> tuple[list[Item], dict[int, dict[str, str]]]:
    """The items of the surveys, one for each question asked in the same words, and for each
    survey the key each of its items is reported under ({survey id: {its key: the report's}}).
    Cohorts' programme evaluations ask about their own objectives: "objective-1" of one cohort
    and of another are two questions, not one."""
    items: dict[tuple, Item] = {}
    place: dict[tuple, tuple[int, int]] = {}  # position in its instrument, then first seen
    renamed: dict[int, dict[str, str]] = {}
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
        renamed[survey.id] = rename
    return [items[identity] for identity in sorted(items, key=place.__getitem__)], renamed


class _Keys:
    """The report's keys of the answers of some surveys, from the keys the surveys asked
    them under (an answer under no item of its survey keeps its key)."""

    def __init__(self, surveys: list[Survey], renamed: dict[int, dict[str, str]]):
        self.renamed = renamed
        self.phase = {survey.id: survey.phase for survey in surveys}

    def of(self, survey_id: int, key: str) -> str:
        return self.renamed[survey_id].get(key, key)

    def asked(self, wanted: set[str]) -> set[str]:
        """The keys to ask the database for, to find the answers filed under `wanted`."""
        return wanted | {key for rename in self.renamed.values()
                         for key, new in rename.items() if new in wanted}


def _figures(items: list[Item], surveys: list[Survey], renamed: dict[int, dict[str, str]],
             unpaired: set[int] | None, texts_shown: int) -> list[ItemFigures]:
    """Each item's figures from the surveys' answers, counted by the database. The change
    before and after leaves out the `unpaired` surveys (whose counterpart is withheld), and
    there is none when `unpaired` is None (every cohort's counterpart is withheld)."""
    keys = _Keys(surveys, renamed)
    by_key = {item.key: item for item in items}
    figures = {item.key: ItemFigures(item) for item in items}
    ids = [survey.id for survey in surveys]
    pairing = {survey_id for survey_id in ids if unpaired is not None
               and survey_id not in unpaired}
    counted = {item.key for item in items if item.type not in ("text", "multiple")}
    both = {item.key for item in items if item.phase == "both" and item.scale is not None
            } if unpaired is not None else set()
    couples = _couples(surveys, pairing)
    paired = keys.asked(both)
    spread: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (key, phase): answers
    given: Counter = Counter()  # (key, phase): answers in the surveys that pair
    pairs: dict[str, Counter] = defaultdict(Counter)  # key: (before, after) pairs
    for pre_id, key, before, after, count in pair_counts(couples, paired):
        if keys.of(pre_id, key) not in both:  # another survey's item under the same key
            continue
        # A question asked in other words after is another item: its answers do not pair.
        same = keys.of(pre_id, key) == keys.of(couples[pre_id], key)
        key = keys.of(pre_id, key)
        spread[key, "pre"][before] += count
        given[key, "pre"] += count
        if before is not None and after is not None and same:
            pairs[key][before, after] += count
    choices = {item.key for item in items if item.type == "single"}
    for survey_id, key, value, count in answer_counts(
            ids, keys.asked(counted), keys.asked(choices),
            leaving_out=[(pre_id, {key for key in paired if keys.of(pre_id, key) in both})
                         for pre_id in couples]):
        key, phase = keys.of(survey_id, key), keys.phase[survey_id]
        if key in counted:
            spread[key, phase][value] += count
            given[key, phase] += count if survey_id in pairing else 0
    for item in items:
        for phase in ("pre", "post"):
            if item.key in counted and item.asked_at(phase) and spread[item.key, phase]:
                setattr(figures[item.key], phase,
                        distribution_of_counts(item, spread[item.key, phase]))
        if item.type == "agreement":
            figures[item.key].agreeing = share_agreeing_of_counts(spread[item.key, "post"])
        if item.key in both:
            n = sum(pairs[item.key].values())
            figures[item.key].change = paired_of_counts(
                pairs[item.key], given[item.key, "pre"] - n, given[item.key, "post"] - n)
    _looks_back(figures, by_key, keys, ids, both, spread)
    _texts(figures, keys, ids, texts_shown)
    return list(figures.values())


def _couples(surveys: list[Survey], pairing: set[int]) -> dict[int, int]:
    """{pre survey id: post survey id} of each cohort whose surveys before and after pair."""
    by_cohort: dict[int, dict[str, int]] = defaultdict(dict)
    for survey in surveys:
        if survey.id in pairing:
            by_cohort[survey.cohort_id][survey.phase] = survey.id
    return {phases["pre"]: phases["post"] for phases in by_cohort.values()
            if "pre" in phases and "post" in phases}


def _looks_back(figures: dict[str, ItemFigures], by_key: dict[str, Item], keys: _Keys,
                ids: list[int], paired_already: set[str], spread: dict) -> None:
    """The change of each look-back item: each response's answer looking back at the start
    against its answer about now, over every survey after the programme shown."""
    looks = {key: item.pairs_with for key, item in by_key.items()
             if item.pairs_with is not None and item.scale is not None
             and key not in paired_already}
    if not looks:
        return
    post = [survey_id for survey_id in ids if keys.phase[survey_id] == "post"]
    pairs: dict[str, Counter] = defaultdict(Counter)
    for survey_id, look, now, before, after, count in look_back_counts(
            post, keys.asked(set(looks)), keys.asked(set(looks.values()))):
        look = keys.of(survey_id, look)
        if look in looks and keys.of(survey_id, now) == looks[look]:
            pairs[look][before, after] += count
    for look, now in looks.items():
        n = sum(pairs[look].values())
        figures[look].change = paired_of_counts(
            pairs[look], sum(spread[look, "post"].values()) - n,
            sum(spread[now, "post"].values()) - n, looking_back=True)


def _texts(figures: dict[str, ItemFigures], keys: _Keys, ids: list[int], shown: int) -> None:
    """The first `shown` free-text answers of each text item, and how many there are: those
    after the programme, then those before for an item asked before only; each part sorted,
    not in the order given, so the order cannot be matched to anything else."""
    wanted = {key for key, found in figures.items() if found.item.type == "text"}
    asked = keys.asked(wanted)
    parts: dict[tuple[str, str], list[str]] = defaultdict(list)  # (key, phase): the first
    counted: Counter = Counter()  # (key, phase): how many
    # The database keeps the first `shown` of each item's answers in a phase, all surveys
    # together, when no key is filed under two of the report's keys in one phase (as in a pool
    # of cohorts given one version of a survey); else the first `shown` of each survey's.
    filed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for survey_id in ids:
        for key in asked:
            filed[keys.phase[survey_id], key].add(keys.of(survey_id, key))
    answered, rows = first_texts(ids, asked, shown,
                                 by_phase=all(len(mine) == 1 for mine in filed.values()))
    for (survey_id, key), count in answered.items():
        if keys.of(survey_id, key) in wanted:
            counted[keys.of(survey_id, key), keys.phase[survey_id]] += count
    for survey_id, key, text in rows:
        part = (keys.of(survey_id, key), keys.phase[survey_id])
        if part[0] in wanted:
            parts[part].append(text)
    for key in wanted:
        found = figures[key]
        for phase in ("post", "pre") if found.item.phase == "pre" else ("post",):
            found.texts += sorted(parts[key, phase])[:shown - len(found.texts)]
            found.texts_count += counted[key, phase]
