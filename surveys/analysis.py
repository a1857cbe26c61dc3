"""Figures for an evaluation: how the answers to an item are spread, the share agreeing, and
the paired change between the pre and the post survey with the Wilcoxon signed-rank test.

Every result is a plain dataclass holding full-precision figures; round them only to show
them (`shown`, `shown_p`). SciPy is imported when a test is run, not with this module: it takes
about a second to load, which a page that never tests a change should not pay.
"""

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from surveys.instrument import Item

AGREEING = (4, 5)  # agree, strongly agree
NEUTRAL = 3
# With fewer pairs than this, no two-sided signed-rank test can give p < 0.05: the most
# extreme result (every change in one direction) is 2 of the 2**n equally likely sign
# patterns, and 2 / 2**5 = 0.0625 (tests/surveys/test_paired.py checks it with SciPy).
SMALLEST_TESTABLE = 6


@dataclass
class Point:
    value: int | str  # the stored value (a scale point or a choice's text)
    label: str
    count: int


@dataclass
class Distribution:
    item_key: str
    points: list[Point]
    n: int  # respondents who answered
    skipped: int  # respondents with no answer (None)
    mean: float | None = None  # scale items only, None when nobody answered
    median: float | None = None

    @property
    def counts(self) -> list[int]:
        return [point.count for point in self.points]

    @property
    def labels(self) -> list[str]:
        return [point.label for point in self.points]


@dataclass
class Agreement:
    n: int  # answered
    agreeing: int  # agree or strongly agree
    neutral: int  # neither agree nor disagree
    disagreeing: int  # disagree or strongly disagree
    share: float | None  # agreeing / n; None when nobody answered


class Pair(NamedTuple):
    # A tuple, not a dataclass: a pooled report builds one per person per item.
    respondent: Hashable
    pre: float
    post: float
    change: float  # post - pre


@dataclass
class Paired:
    n_pairs: int
    pairs: list[Pair]
    only_pre: list[Hashable]  # answered before but not after
    only_post: list[Hashable]  # answered after but not before
    increased: int
    unchanged: int
    decreased: int
    median_change: float | None
    statistic: float | None = None  # the smaller of the positive and negative rank sums
    p_value: float | None = None  # two-sided; None when no test was run
    method: str | None = None  # "exact", "exact permutation" or "normal approximation"
    z: float | None = None  # normal approximation, positive for a rise
    effect_size: float | None = None  # r = z / sqrt(n_pairs)
    caution: str | None = None  # a plain-language warning for the reader, if one is needed
    mean_pre: float | None = None
    mean_post: float | None = None
    changes: list[float] = field(default_factory=list)


def distribution(item: Item, values: Iterable) -> Distribution:
    """How the answers to a scale or choice item are spread; raises ValueError for a free
    text item or a stored value the item does not offer."""
    values = list(values)
    answered = [v for v in values if v is not None and v != []]
    skipped = len(values) - len(answered)
    if item.type == "text":
        raise ValueError(f"Item {item.key} is free text: it has no distribution")
    if item.type == "multiple":
        offered = list(item.choices)
        if any(isinstance(answer, str) for answer in answered):
            raise ValueError(f"Item {item.key} takes a list of choices for each answer")
        chosen = [choice for answer in answered for choice in answer]
    else:
        offered = list(item.scale) if item.scale is not None else list(item.choices)
        chosen = answered
    counts = dict.fromkeys(offered, 0)
    for value in chosen:
        if value not in counts or isinstance(value, bool):
            raise ValueError(f"Item {item.key} does not offer the answer {value!r}")
        counts[value] += 1
    result = Distribution(item.key, [Point(v, item.label(v) if item.scale else str(v), c)
                                     for v, c in counts.items()], len(answered), skipped)
    if item.scale is not None and answered:
        result.mean = statistics.fmean(answered)
        result.median = float(statistics.median(answered))
    return result


def share_agreeing(values: Iterable[int | None]) -> Agreement:
    """The answers to an agreement item (1-5) counted as agreeing (4 or 5), neutral (3) and
    disagreeing (1 or 2); unanswered (None) ones are left out."""
    answered = [v for v in values if v is not None]
    agreeing = sum(v in AGREEING for v in answered)
    neutral = sum(v == NEUTRAL for v in answered)
    return Agreement(len(answered), agreeing, neutral, len(answered) - agreeing - neutral,
                     agreeing / len(answered) if answered else None)


def _caution(n: int, changes: list[float]) -> str | None:
    if n == 0:
        return ("Nobody answered both the pre and the post survey, so there is no change to "
                "show or test.")
    if n == 1:
        return ("Only one person answered both the pre and the post survey: their change is "
                "shown, but one answer cannot show a change across the cohort, so there is no "
                "test.")
    if all(change == 0 for change in changes):
        return ("No change: everyone who answered both surveys gave the same answer both "
                "times, so there is nothing to test.")
    if n < SMALLEST_TESTABLE:
        return (f"Only {n} people answered both surveys. With fewer than {SMALLEST_TESTABLE} "
                "pairs no test of this kind can reach the usual threshold (p < 0.05), however "
                "large the change: read the changes themselves rather than the p-value.")
    return None


def caution_looking_back(n: int, changes: list[float]) -> str | None:
    """The caution for pairs within one survey: an answer about now and a look back at the
    start. Worded for questions rather than surveys; otherwise as for a pre and post survey."""
    if n == 0:
        return ("Nobody answered both about now and, looking back, about the start, so there is "
                "no change to show or test.")
    if n == 1:
        return ("Only one person answered both about now and about the start: their change is "
                "shown, but one answer cannot show a change across the cohort, so there is no "
                "test.")
    if all(change == 0 for change in changes):
        return ("No change: everyone gave the same answer about now as about the start, so "
                "there is nothing to test.")
    if n < SMALLEST_TESTABLE:
        return (f"Only {n} people answered both questions. With fewer than {SMALLEST_TESTABLE} "
                "pairs no test of this kind can reach the usual threshold (p < 0.05), however "
                "large the change: read the changes themselves rather than the p-value.")
    return None


def _wilcoxon(changes: list[float]) -> tuple[float, float, str, float]:
    """(statistic, two-sided p, method, signed z) for the changes, which are not all zero."""
    # The test depends on the changes and not their order. Its exact forms (up to 50 pairs)
    # take up to a tenth of a second an item: a report shown again with the same answers
    # reuses the result. Larger samples use the normal approximation, which is quick, and are
    # not kept: a pooled report's thousands of changes would fill the memory.
    changes = tuple(sorted(round(change, 9) for change in changes))
    return _wilcoxon_of(changes) if len(changes) <= KEPT_UP_TO else \
        _wilcoxon_of.__wrapped__(changes)


KEPT_UP_TO = 50  # pairs: where SciPy's exact forms end


@lru_cache(maxsize=1024)
def _wilcoxon_of(changes: tuple[float, ...]) -> tuple[float, float, str, float]:
    from scipy import stats

    # Rounded (by the caller): 0.3 - 0.1 ties with 0.2.
    test = stats.wilcoxon(changes, zero_method="pratt", alternative="two-sided",
                          method="auto")
    nonzero = [abs(c) for c in changes if c != 0]
    tied = len(set(nonzero)) < len(nonzero) or len(nonzero) < len(changes)
    if len(changes) > 50 or (tied and len(changes) > 13):
        method = "normal approximation"
    else:
        method = "exact permutation" if tied else "exact"
    # Signed z: with a one-sided alternative SciPy reports (R+ - mean) / se without folding it.
    normal = stats.wilcoxon(changes, zero_method="pratt", alternative="greater",
                            method="asymptotic", correction=False)
    return float(test.statistic), float(test.pvalue), method, float(normal.zstatistic)


def paired(pre: Mapping[Hashable, float | None],
           post: Mapping[Hashable, float | None]) -> Paired:
    """Each respondent's change from pre to post, and whether the cohort's change is more
    than chance, by the Wilcoxon signed-rank test.

    Only respondents with an answer (not None) at both times are paired; the others are
    listed as unpaired. Zero changes are kept (Pratt): they take part in ranking and their
    ranks are then dropped, so a cohort where most people stayed put is not read as one
    where everyone moved.

    The p-value is SciPy's `wilcoxon(method="auto")`: with no ties and no zeros it is the
    exact null distribution (up to 50 pairs); with ties or zeros, which is the usual case on
    a five-point scale, `exact` no longer holds, and SciPy runs every one of the 2**n sign
    patterns (a permutation test, exact given the ties and zeros) up to 13 pairs; beyond that
    it uses the normal approximation, adjusted for zeros (Cureton) and ties. `method` says
    which was used.

    The effect size is r = z / sqrt(n_pairs), with z from the normal approximation (SciPy's
    `zstatistic` with `method="asymptotic"`, Pratt's zeros, the tie correction and no
    continuity correction), signed positive for a rise, and n_pairs counting zero changes.

    No test is run, and `caution` says why, when there are no pairs, one pair, or no change
    at all. With every change zero there is nothing to rank, so p is left as None rather than
    SciPy's own answer (1 by permutation, NaN by the normal approximation). `caution` also
    warns when there are fewer than six pairs, since no result can then reach p < 0.05.
    """
    both = [key for key in pre if pre[key] is not None and post.get(key) is not None]
    pairs = [Pair(key, pre[key], post[key], post[key] - pre[key]) for key in both]
    changes = [pair.change for pair in pairs]
    result = Paired(
        n_pairs=len(pairs), pairs=pairs,
        only_pre=[key for key in pre if pre[key] is not None and post.get(key) is None],
        only_post=[key for key in post if post[key] is not None and pre.get(key) is None],
        increased=sum(c > 0 for c in changes), unchanged=sum(c == 0 for c in changes),
        decreased=sum(c < 0 for c in changes),
        median_change=float(statistics.median(changes)) if changes else None,
        caution=_caution(len(pairs), changes), changes=changes,
        mean_pre=statistics.fmean(p.pre for p in pairs) if pairs else None,
        mean_post=statistics.fmean(p.post for p in pairs) if pairs else None)
    if len(pairs) < 2 or not any(changes):
        return result
    result.statistic, result.p_value, result.method, result.z = _wilcoxon(changes)
    result.effect_size = result.z / math.sqrt(len(pairs))
    return result


def shown(value: float | None, places: int = 1) -> str:
    """A figure for a page or a table: rounded half away from zero, a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    step = 10 ** places
    rounded = math.floor(abs(value) * step + 0.5) / step
    return f"{math.copysign(rounded, value) if rounded else 0.0:.{places}f}"


def shown_p(p: float | None) -> str:
    """A p-value as a report gives it: three places, or below 0.001."""
    if p is None or math.isnan(p):
        return "no test"
    return "p < 0.001" if p < 0.001 else f"p = {shown(p, 3)}"


def shown_share(share: float | None) -> str:
    """A share as a whole percentage."""
    return "–" if share is None else f"{shown(share * 100, 0)}%"
