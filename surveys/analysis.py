"""Figures for an evaluation: how the answers to an item are spread, the share agreeing, and
the paired change between the pre and the post survey with the Wilcoxon signed-rank test.

Every result is a plain dataclass holding full-precision figures; round them only to show
them (`shown`, `shown_p`). NumPy is imported when a test is run, not with this module.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from surveys.instrument import Item

AGREEING = (4, 5)  # agree, strongly agree
NEUTRAL = 3


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


@dataclass
class Paired:
    n_pairs: int
    pairs: Counter  # {(answer before, answer after): how many people gave that pair}
    only_pre: int  # answered before but not after
    only_post: int  # answered after but not before
    increased: int
    unchanged: int
    decreased: int
    median_change: float | None
    statistic: float | None = None  # the smaller of the positive and negative rank sums
    p_value: float | None = None  # two-sided; None when no test was run
    method: str | None = None  # "exact" or "normal approximation"
    z: float | None = None  # normal approximation, positive for a rise
    effect_size: float | None = None  # r = z / sqrt(n_pairs)
    caution: str | None = None  # a plain-language warning for the reader, if one is needed
    mean_pre: float | None = None
    mean_post: float | None = None
    changes: Counter = field(default_factory=Counter)  # {after - before: how many people}


def distribution(item: Item, values: Iterable) -> Distribution:
    """How each person's answers to a scale or choice item are spread (None for no answer, a
    list of choices for a multiple choice item); raises ValueError for a free text item or a
    stored value the item does not offer."""
    values = list(values)
    answered = [v for v in values if v is not None and v != []]
    skipped = len(values) - len(answered)
    if item.type == "multiple":
        if any(isinstance(answer, str) for answer in answered):
            raise ValueError(f"Item {item.key} takes a list of choices for each answer")
        chosen = Counter(choice for answer in answered for choice in answer)
        return _spread(item, chosen, len(answered), skipped)
    if any(isinstance(value, bool) for value in answered):  # True would count as 1
        raise ValueError(f"Item {item.key} does not offer the answer True or False")
    return distribution_of_counts(item, Counter(answered), skipped)


def distribution_of_counts(item: Item, counts: Mapping, skipped: int = 0) -> Distribution:
    """The same from how many gave each answer ({value: count}, a database's GROUP BY) of a
    scale or single choice item; the mean and median are those of the answers one by one."""
    if item.type == "multiple":
        raise ValueError(f"Item {item.key} takes a list of choices for each answer")
    counts = {value: count for value, count in counts.items() if count}
    result = _spread(item, counts, sum(counts.values()), skipped)
    if item.scale is not None and result.n:
        result.mean = _mean(counts, result.n)
        result.median = float(_median(counts, result.n))
    return result


def _spread(item: Item, chosen: Mapping, n: int, skipped: int) -> Distribution:
    if item.type == "text":
        raise ValueError(f"Item {item.key} is free text: it has no distribution")
    offered = list(item.scale) if item.scale is not None else list(item.choices)
    counts = dict.fromkeys(offered, 0)
    for value, count in chosen.items():
        if value not in counts or isinstance(value, bool):
            raise ValueError(f"Item {item.key} does not offer the answer {value!r}")
        counts[value] += count
    return Distribution(item.key, [Point(v, item.label(v) if item.scale else str(v), c)
                                   for v, c in counts.items()], n, skipped)


def _mean(counts: Mapping, n: int) -> float:
    """The mean of `n` values given as {value: count}: the same float as statistics.fmean of
    them one by one (their exact sum, rounded once, then divided by n)."""
    return float(sum(Fraction(value) * count for value, count in counts.items())) / n


def _median(counts: Mapping, n: int):
    """The median of `n` values given as {value: count}, as statistics.median of them one by
    one: the middle value, or the mean of the two middle ones."""
    middle, seen, low = n // 2, 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > middle - 1:
            low = value
        if seen > middle:
            return value if n % 2 else (low + value) / 2
    raise ValueError("no values")


def share_agreeing(values: Iterable[int | None]) -> Agreement:
    """The answers to an agreement item (1-5) counted as agreeing (4 or 5), neutral (3) and
    disagreeing (1 or 2); unanswered (None) ones are left out."""
    return share_agreeing_of_counts(Counter(v for v in values if v is not None))


def share_agreeing_of_counts(counts: Mapping[int, int]) -> Agreement:
    """The same from how many gave each answer ({value: count})."""
    n = sum(counts.values())
    agreeing = sum(count for value, count in counts.items() if value in AGREEING)
    neutral = sum(count for value, count in counts.items() if value == NEUTRAL)
    return Agreement(n, agreeing, neutral, n - agreeing - neutral, agreeing / n if n else None)


def smallest_p(changes: int) -> float:
    """The smallest two-sided p that `changes` non-zero changes can give, whatever their
    sizes: every change in one direction is 2 of the 2**changes equally likely sign patterns
    (unchanged answers have no sign, so they cannot add to it)."""
    return math.ldexp(1.0, 1 - changes) if changes else 1.0


def _caution(n: int, moved: int, looking_back: bool = False) -> str | None:
    """A plain-language caution where the pairs cannot show a change, or no test of them can
    reach p < 0.05: counted on the `moved` answers that changed, since unchanged answers have
    no sign. `looking_back` words it for two questions of one survey rather than two surveys."""
    if looking_back:
        both, one, same = ("both about now and, looking back, about the start",
                           "both about now and about the start",
                           "everyone gave the same answer about now as about the start")
        kept_same = "gave the same answer about now as about the start"
    else:
        both, one, same = ("both the pre and the post survey", "both the pre and the post survey",
                           "everyone who answered both surveys gave the same answer both times")
        kept_same = "gave the same answer both times"
    if n == 0:
        return f"Nobody answered {both}, so there is no change to show or test."
    if n == 1:
        return (f"Only one person answered {one}: their change is shown, but one answer cannot "
                "show a change across the cohort, so there is no test.")
    if moved == 0:
        return f"No change: {same}, so there is nothing to test."
    if smallest_p(moved) >= 0.05:
        people = "Only 1 person's answer" if moved == 1 else f"Only {moved} people's answers"
        unchanged = n - moved
        kept = "" if not unchanged else (f" ({unchanged} of the {n} who answered both "
                                         f"{kept_same})")
        return (f"{people} changed{kept}. With {moved} change{'s' if moved > 1 else ''} the "
                f"smallest p any result can reach is {shown(smallest_p(moved), 3)} (every "
                "change in the same direction), so no result can be below the usual threshold "
                "of 0.05, however large the change: read the changes themselves rather than "
                "the p-value.")
    return None


def caution_looking_back(n: int, moved: int) -> str | None:
    """The caution for `n` pairs within one survey, `moved` of them changed: an answer about
    now and a look back at the start."""
    return _caution(n, moved, looking_back=True)


def _wilcoxon(changes: Mapping[float, int]) -> tuple[float, float, str, float]:
    """(statistic, two-sided p, method, signed z) for the changes ({change: how many}), which
    are not all zero."""
    # The test depends on the changes and not their order, so a report shown again with the
    # same answers reuses the result: the key is the multiset of changes, (change, count)
    # pairs, which on an answer scale has a few entries however many people answered. A key
    # of many distinct changes (decimals) is not kept, since it would fill the memory.
    rounded: Counter = Counter()
    for change, count in changes.items():
        rounded[round(change, 9) + 0.0] += count  # + 0.0: -0.0 is 0.0
    key = tuple(sorted(rounded.items()))
    return _wilcoxon_of(key) if len(key) <= KEPT_UP_TO else _wilcoxon_of.__wrapped__(key)


KEPT_UP_TO = 50  # distinct changes in a kept result's key
# Exact counting is used while it takes at most about this many steps (a fifth of a second);
# beyond, the normal approximation. Changes on a five-point scale are counted exactly up to
# about a thousand pairs (many thousands when the changes are only -2 to 2); changes that all
# differ, up to about 250.
EXACT_BUDGET = 5_000_000
EXACT = "exact"
NORMAL = "normal approximation"


@lru_cache(maxsize=1024)
def _wilcoxon_of(multiset: tuple[tuple[float, int], ...]) -> tuple[float, float, str, float]:
    groups, observed = _signed_ranks(multiset)
    total = sum(rank * count for rank, count in groups)
    # Doubled ranks (integers): R+ = observed / 2, and R+ + R- = total / 2.
    statistic = min(observed, total - observed) / 2
    z = (2 * observed - total) / math.sqrt(sum(rank * rank * count for rank, count in groups))
    low = min(observed, total - observed)
    if 2 * low == total:  # the middle of the distribution: every result is as far out
        return statistic, 1.0, EXACT, z
    groups.sort(key=lambda group: group[1])
    if _steps(groups, low) > EXACT_BUDGET:
        return statistic, math.erfc(abs(z) / math.sqrt(2)), NORMAL, z
    # The distribution is symmetric, so the two tails beyond |R+ - mean| are of equal weight.
    return statistic, min(1.0, 2 * _lower_tail(groups, low)), EXACT, z


def _signed_ranks(multiset) -> tuple[list[list[int]], int]:
    """([doubled rank, how many non-zero changes have it], the doubled sum of the positive
    changes' ranks). Ranks are of |change|, ties given their mean rank, with the zeros ranked
    first and then dropped (Pratt); doubled, every mean rank is a whole number."""
    sizes: Counter = Counter()
    rising: Counter = Counter()
    for change, count in multiset:
        sizes[abs(change)] += count
        if change > 0:
            rising[change] += count
    groups, observed, start = [], 0, 1
    for size in sorted(sizes):
        count = sizes[size]
        rank = 2 * start + count - 1  # twice the mean of start .. start + count - 1
        start += count
        if size:
            groups.append([rank, count])
            observed += rank * rising[size]
    return groups, observed


def _steps(groups: list[list[int]], limit: int) -> int:
    """About how many steps _lower_tail takes: each group but the last spreads every sum
    reached so far (no more than the limit allows) over its counts."""
    reached, steps = 1, 0
    for _rank, count in groups[:-1]:
        steps += reached * (count + 1)
        reached = min(reached * (count + 1), limit + 1)
    return steps + reached


def _binomial(count: int):
    """The chance that 0, 1, ... count of `count` signs are positive, each sign a coin toss."""
    import numpy as np

    if count <= 64:  # exactly rounded
        return np.array([math.comb(count, k) / 2 ** count for k in range(count + 1)])
    # Beyond, whole binomial coefficients grow slow to compute: their logarithms are quick
    # and good to about twelve significant figures.
    log_all, log_half = math.lgamma(count + 1), count * math.log(2)
    return np.array([math.exp(log_all - math.lgamma(k + 1) - math.lgamma(count - k + 1)
                              - log_half) for k in range(count + 1)])


def _lower_tail(groups: list[list[int]], limit: int) -> float:
    """P(R+ <= limit / 2) when every non-zero change is as likely to be positive as negative:
    counted over every sign pattern. Within a group of equal ranks only how many are
    positive matters (a binomial count), so the sums reached are spread group by group, and
    the last group is read from its cumulative distribution."""
    import numpy as np

    sums, chances = np.zeros(1, dtype=np.int64), np.ones(1)
    for rank, count in groups[:-1]:
        spread = (sums[:, None] + rank * np.arange(count + 1)).ravel()
        weight = (chances[:, None] * _binomial(count)).ravel()
        kept = spread <= limit
        spread, weight = spread[kept], weight[kept]
        if spread.max() < 4 * spread.size:  # the sums reached are dense: count them in place
            merged = np.bincount(spread, weights=weight)
            sums = np.flatnonzero(merged)
            chances = merged[sums]
        else:
            sums, where = np.unique(spread, return_inverse=True)
            chances = np.bincount(where, weights=weight)
    rank, count = groups[-1]
    cumulative = np.cumsum(_binomial(count))
    return float(chances @ cumulative[np.minimum((limit - sums) // rank, count)])


def paired(pre: Mapping[Hashable, float | None],
           post: Mapping[Hashable, float | None]) -> Paired:
    """Each respondent's change from pre to post ({respondent: answer}), and whether the
    cohort's change is more than chance: `paired_of_counts` of their pairs. Only respondents
    with an answer (not None) at both times are paired; the others are counted as unpaired."""
    both = [key for key in pre if pre[key] is not None and post.get(key) is not None]
    return paired_of_counts(
        Counter((pre[key], post[key]) for key in both),
        only_pre=sum(1 for key in pre if pre[key] is not None and post.get(key) is None),
        only_post=sum(1 for key in post if post[key] is not None and pre.get(key) is None))


def paired_of_counts(pairs: Mapping[tuple[float, float], int], only_pre: int = 0,
                     only_post: int = 0, looking_back: bool = False) -> Paired:
    """The change from pre to post of the people who answered both times, given as how many
    gave each (answer before, answer after) pair (a database's GROUP BY), and whether the
    cohort's change is more than chance, by the Wilcoxon signed-rank test. `only_pre` and
    `only_post` count the people who answered one time only; `looking_back`: the pairs are
    two answers of one survey, about the start and about now, and the caution says so.

    Zero changes are kept (Pratt): they take part in ranking and their ranks are then dropped,
    so a cohort where most people stayed put is not read as one where everyone moved.

    The p-value is exact: the chance, if the programme made no difference, of a rank sum at
    least as far from its middle as the one observed, counted over every one of the 2**m
    equally likely sign patterns of the m non-zero changes with their ranks as they are
    (ties at their mean rank, zeros ranked and then dropped), so it holds with the ties and
    zeros of a five-point scale at any size. Where counting would take too long (thousands of
    pairs with many different changes) the normal approximation is used instead. `method`
    says which was used.

    The effect size is r = z / sqrt(n_pairs), with z from the normal approximation (Pratt's
    zeros, the tie correction and no continuity correction, as SciPy's `zstatistic`),
    signed positive for a rise, and n_pairs counting zero changes.

    No test is run, and `caution` says why, when there are no pairs, one pair, or no change
    at all. With every change zero there is nothing to rank, so p is left as None. `caution`
    also warns when there are too few non-zero changes for any result to reach p < 0.05
    (fewer than six: `smallest_p`), however many pairs there are.
    """
    pairs = Counter({pair: count for pair, count in pairs.items() if count})
    n = sum(pairs.values())
    changes: Counter = Counter()
    for (before, after), count in pairs.items():
        changes[after - before] += count
    increased = sum(count for change, count in changes.items() if change > 0)
    decreased = sum(count for change, count in changes.items() if change < 0)
    result = Paired(
        n_pairs=n, pairs=pairs, only_pre=only_pre, only_post=only_post,
        increased=increased, unchanged=n - increased - decreased, decreased=decreased,
        median_change=float(_median(changes, n)) if n else None,
        caution=_caution(n, increased + decreased, looking_back), changes=changes,
        mean_pre=_mean(_sides(pairs, 0), n) if n else None,
        mean_post=_mean(_sides(pairs, 1), n) if n else None)
    if n < 2 or not increased + decreased:
        return result
    result.statistic, result.p_value, result.method, result.z = _wilcoxon(changes)
    result.effect_size = result.z / math.sqrt(n)
    return result


def _sides(pairs: Mapping[tuple, int], side: int) -> Counter:
    """{answer: count} of one side (0 before, 1 after) of the pairs."""
    counted: Counter = Counter()
    for pair, count in pairs.items():
        counted[pair[side]] += count
    return counted


def shown(value: float | None, places: int = 1) -> str:
    """A figure for a page or a table: rounded half away from zero, a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    step = 10 ** places
    rounded = math.floor(abs(value) * step + 0.5) / step
    return f"{math.copysign(rounded, value) if rounded else 0.0:.{places}f}"


def shown_p(p: float | None) -> str:
    """A p-value as a report gives it: three places, or below 0.001; more places where three
    would round a p just below 0.05 up to 0.050, so the figure never contradicts a sentence
    that says whether p is below 0.05."""
    if p is None or math.isnan(p):
        return "no test"
    if p < 0.001:
        return "p < 0.001"
    for places in range(3, 7):
        figure = shown(p, places)
        if (float(figure) < 0.05) == (p < 0.05):
            return f"p = {figure}"
    return "p < 0.05"  # a hair below: p >= 0.05 never rounds below 0.05


def reading(result: Paired) -> list[str]:
    """What the test of a change says, in words: what p is, with the counts of rises, falls
    and no change and the effect size beside it, and how p was found. Empty with no test."""
    if result.p_value is None:
        return []
    people = f"a group of {result.n_pairs} people"
    if result.p_value < 0.05:
        said = (f"If the programme had made no difference, a change at least this large, up or "
                f"down, would turn up by chance in {people} less than 1 time in 20: p is that "
                f"chance ({shown_p(result.p_value)}), below the usual threshold of 0.05, so "
                "the change is called statistically significant. p is not the chance that the "
                "change is down to chance.")
    else:
        said = (f"If the programme had made no difference, a change at least this large, up or "
                f"down, would turn up by chance in {people} 1 time in 20 or more often: p is "
                f"that chance ({shown_p(result.p_value)}), not below the usual threshold of "
                "0.05, so the change is not statistically significant. That does not show that "
                "the programme made no difference: in a small group only a large change can be "
                "told from chance.")
    size = (f"Read it with the size of the change: {result.increased} answered higher after, "
            f"{result.decreased} lower and {result.unchanged} the same, and the effect size r "
            f"is {shown(result.effect_size, 2)} (from −1 to 1: about 0.1 is small, 0.3 medium "
            "and 0.5 large).")
    moved = result.increased + result.decreased
    if result.method == EXACT:
        how = ("p was counted exactly, over every one of the equally likely patterns of rises "
               "and falls among the answers that changed, with tied and unchanged answers "
               "ranked as they are.")
    else:
        how = (f"p is a normal approximation: with {moved:,} answers that changed, counting "
               "every pattern of rises and falls exactly would take too long.")
    return [said, size, how]


def shown_share(share: float | None) -> str:
    """A share as a whole percentage."""
    return "–" if share is None else f"{shown(share * 100, 0)}%"
