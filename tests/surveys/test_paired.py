"""The paired pre/post change and its Wilcoxon signed-rank test: against SciPy, against
hand-worked figures and a textbook example, and the cautions a small cohort needs."""

import itertools
import math
import random
import statistics
from collections import Counter

import pytest
from scipy import stats

from surveys.analysis import paired, paired_of_counts, smallest_p

# Darwin's cross- and self-fertilised maize, as differences, in Wilcoxon (1945) and in SciPy's
# documentation of wilcoxon: W = 24, exact two-sided p = 0.041259765625.
DARWIN = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]


def from_changes(changes: list[float]):
    return paired(dict.fromkeys(range(len(changes)), 10),
                  {n: 10 + change for n, change in enumerate(changes)})


def pratt_ranks(changes: list[float]) -> list[float]:
    """Average ranks of |change|, zeros included (Pratt)."""
    ordered = sorted(abs(c) for c in changes)
    first = {value: ordered.index(value) + 1 for value in ordered}
    return [first[abs(c)] + (ordered.count(abs(c)) - 1) / 2 for c in changes]


def exact_two_sided_p(changes: list[float]) -> float:
    """Every one of the 2**n sign patterns counted by hand: twice the smaller tail of the
    positive rank sum (zeros keep their rank out of either sum, whatever their sign)."""
    ranks = pratt_ranks(changes)
    observed = sum(r for r, c in zip(ranks, changes, strict=True) if c > 0)
    sums = [sum(r for r, c, up in zip(ranks, changes, signs, strict=True) if c and up)
            for signs in itertools.product((True, False), repeat=len(changes))]
    tail = min(sum(x >= observed for x in sums), sum(x <= observed for x in sums))
    return min(1.0, 2 * tail / len(sums))


def test_a_textbook_example_gives_its_published_p_value():
    result = from_changes(DARWIN)
    assert result.statistic == 24
    assert result.p_value == pytest.approx(0.041259765625, abs=1e-12)
    assert result.p_value == pytest.approx(exact_two_sided_p(DARWIN), abs=1e-12)
    assert result.method == "exact"
    # z from the normal approximation by hand: R+ = 96, mean 60, sd sqrt(15*16*31/24)
    assert result.z == pytest.approx((96 - 60) / math.sqrt(310))
    assert result.effect_size == pytest.approx(result.z / math.sqrt(15))
    assert result.caution is None


def test_ties_and_a_zero_worked_by_hand():
    # Changes 2, 2, 0, 2, 1, 2, 3. Pratt ranks |d| with the zero: 0 -> 1, 1 -> 2, the four
    # 2s -> 4.5, 3 -> 7; the zero's rank is dropped, so R+ = 2 + 4 * 4.5 + 7 = 27, R- = 0.
    # Only "all up" reaches 27, with the zero either sign: 2 of 128 patterns, doubled.
    result = paired({"a": 1, "b": 2, "c": 3, "d": 2, "e": 1, "f": 1, "g": 2},
                    {"a": 3, "b": 4, "c": 3, "d": 4, "e": 2, "f": 3, "g": 5})
    assert result.changes == Counter({2: 4, 0: 1, 1: 1, 3: 1})
    assert (result.increased, result.unchanged, result.decreased) == (6, 1, 0)
    assert result.median_change == 2
    assert result.statistic == 0
    assert result.p_value == pytest.approx(2 * 2 / 128)
    assert result.method == "exact"
    # Cureton's adjustment: mean 7*8/4 - 1*2/4 = 13.5; variance (7*8*15 - 1*2*3 - (4**3 - 4)/2)
    # / 24 = 33.5 (ties of 2 corrected, the zero left out of the tie correction).
    assert result.z == pytest.approx((27 - 13.5) / math.sqrt(33.5))
    assert result.effect_size == pytest.approx(result.z / math.sqrt(7))
    assert result.p_value == pytest.approx(exact_two_sided_p([2, 2, 0, 2, 1, 2, 3]))
    assert (result.mean_pre, result.mean_post) == (pytest.approx(12 / 7), pytest.approx(24 / 7))


@pytest.mark.parametrize(("changes", "scipy_method"), [
    ([1, -2, 3, 4, 5, 6, 7, -8, 9, 10], "exact"),
    ([-1, 3, 3, -1, 1, 3, 2, 3], stats.PermutationMethod()),
    (list(range(1, 41)), "exact"),
])
def test_p_values_match_scipy_and_the_method_is_named(changes, scipy_method):
    expected = stats.wilcoxon(changes, zero_method="pratt", method=scipy_method)
    result = from_changes(changes)
    assert result.method == "exact"
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue, abs=1e-12)


def test_zeros_are_ranked_then_dropped_not_discarded():
    # Pratt: the two zeros take ranks 1 and 2, so the others rank from 3 (p = 0.1875); had
    # they been discarded first (Wilcoxon's way) the answer would be 0.125.
    changes = [-1, -1, 0, 0, 2, 2, 3, 3]
    assert pratt_ranks(changes) == [3.5, 3.5, 1.5, 1.5, 5.5, 5.5, 7.5, 7.5]
    result = from_changes(changes)
    assert result.p_value == pytest.approx(exact_two_sided_p(changes)) == pytest.approx(0.1875)
    assert stats.wilcoxon(changes, zero_method="wilcox").pvalue == pytest.approx(0.125)
    assert result.statistic == 7 and result.unchanged == 2


def test_exact_is_not_used_where_ties_make_it_wrong():
    # With ties SciPy's plain exact table gives another, wrong, figure: the permutation's is used.
    changes = [-1, 3, 3, -1, 1, 3, 2, 3]
    table = stats.wilcoxon(changes, zero_method="pratt", method="exact").pvalue
    assert from_changes(changes).p_value != pytest.approx(table)


def test_the_effect_size_is_signed_by_direction():
    up, down = from_changes([1, 2, 3, 4, 5, 6]), from_changes([-1, -2, -3, -4, -5, -6])
    assert up.effect_size == pytest.approx(-down.effect_size)
    assert up.effect_size == pytest.approx((21 - 10.5) / math.sqrt(6 * 7 * 13 / 24) / math.sqrt(6))
    assert up.p_value == down.p_value == pytest.approx(2 / 64)


def test_all_changes_zero_means_no_test_and_says_no_change():
    result = paired({"a": 3, "b": 4, "c": 2}, {"a": 3, "b": 4, "c": 2})
    assert result.n_pairs == 3 and result.median_change == 0
    assert (result.statistic, result.p_value, result.z, result.effect_size) == (None,) * 4
    assert result.caution.startswith("No change")


def test_one_pair_is_shown_but_not_tested():
    result = paired({"a": 2}, {"a": 5})
    assert result.n_pairs == 1 and result.changes == {3: 1} and result.median_change == 3
    assert result.p_value is None and result.statistic is None
    assert "Only one person" in result.caution


def test_no_pairs():
    result = paired({"a": 2, "b": None}, {"c": 4})
    assert result.n_pairs == 0 and result.pairs == {} and result.median_change is None
    assert result.only_pre == 1 and result.only_post == 1
    assert result.p_value is None and result.mean_pre is None
    assert result.caution.startswith("Nobody answered both")
    assert paired({}, {}).caution.startswith("Nobody answered both")


def test_a_missing_post_answer_leaves_that_person_unpaired():
    pre = {"a": 1, "b": 2, "c": 2, "d": 3, "e": 1, "f": 2, "g": 1}
    post = {"a": 3, "b": 4, "c": None, "d": 5, "e": 2, "f": 5, "g": 4, "h": 5}
    result = paired(pre, post)
    assert result.n_pairs == 6
    # a, b, d, e, f and g pair; c answered only before and h only after
    assert result.pairs == Counter({(1, 3): 1, (2, 4): 1, (3, 5): 1, (1, 2): 1, (2, 5): 1,
                                    (1, 4): 1})
    assert result.only_pre == 1 and result.only_post == 1
    expected = stats.wilcoxon([2, 2, 2, 1, 3, 3], zero_method="pratt")
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.caution is None


def test_fewer_than_six_changes_can_never_reach_p_below_005():
    # Every set of up to five changes from -2 to 2 (ties, zeros and mixed signs included): the
    # smallest p depends on how many changed, not on how many pairs there are.
    smallest = {}
    for n in range(1, 8):
        for changes in itertools.combinations_with_replacement(range(-2, 3), n):
            moved = sum(c != 0 for c in changes)
            if moved and moved < 6:
                p = stats.wilcoxon(changes, zero_method="pratt").pvalue
                smallest[moved] = min(smallest.get(moved, 1.0), p)
    assert smallest == {1: 1.0, 2: 0.5, 3: 0.25, 4: 0.125, 5: 0.0625}
    assert smallest == {moved: smallest_p(moved) for moved in range(1, 6)}
    # Six changes can: 2 / 2**6.
    assert stats.wilcoxon([1, 2, 3, 4, 5, 6], zero_method="pratt").pvalue == smallest_p(6)


@pytest.mark.parametrize(("n", "smallest"), [(2, "0.500"), (3, "0.250"), (4, "0.125"),
                                             (5, "0.063")])
def test_a_small_cohort_is_tested_with_a_caution(n, smallest):
    result = from_changes(list(range(1, n + 1)))
    assert result.p_value == pytest.approx(2 / 2 ** n)
    assert f"Only {n} people's answers changed. With {n} changes the smallest p any result " \
        f"can reach is {smallest}" in result.caution
    assert "below the usual threshold of 0.05" in result.caution
    assert from_changes(list(range(1, 7))).caution is None


def test_decimal_changes_that_should_tie_do():
    # 0.3 - 0.1 is not 0.2 in floating point; the changes are rounded before ranking.
    floats = paired({"a": 0.1, "b": 0.0, "c": 0.0, "d": 0.0},
                    {"a": 0.3, "b": 0.2, "c": 0.5, "d": 0.7})
    assert floats.method == "exact"
    assert floats.p_value == pytest.approx(
        stats.wilcoxon([0.2, 0.2, 0.5, 0.7], zero_method="pratt").pvalue)


def test_a_sample_is_tested_once_and_one_of_many_distinct_changes_is_not_kept():
    from surveys.analysis import _wilcoxon_of

    _wilcoxon_of.cache_clear()
    small = {n: n % 3 for n in range(12)}
    first = paired(small, {n: n % 3 + 1 + n % 2 for n in range(12)})
    again = paired(dict(reversed(small.items())), {n: n % 3 + 1 + n % 2 for n in range(12)})
    assert (first.p_value, first.statistic) == (again.p_value, again.statistic)
    assert _wilcoxon_of.cache_info().hits == 1
    # A large pooled sample on a scale has a few distinct changes: its key is small, so kept.
    large = paired({n: n % 5 for n in range(400)}, {n: n % 5 + n % 3 for n in range(400)})
    assert large.method == "exact" and large.p_value < 0.001
    assert _wilcoxon_of.cache_info().currsize == 2
    spread = paired(dict.fromkeys(range(200), 0), {n: n / 7 - 10 for n in range(200)})
    assert spread.p_value is not None and _wilcoxon_of.cache_info().currsize == 2


def test_counted_pairs_give_the_figures_of_the_people_one_by_one():
    # How many gave each (before, after) pair, as a database counts them, against each
    # person's change by hand: decimals included, so the means are those of the answers one
    # by one, not of rounded products.
    chance = random.Random(22)
    for size in [1, 2, 3, *(chance.randint(4, 400) for _ in range(40))]:
        scale = [0.1, 0.2, 0.7, 1.3, 2.5] if size % 2 else [1, 2, 3, 4, 5]
        before = [chance.choice(scale) for _ in range(size)]
        after = [chance.choice(scale) for _ in range(size)]
        changes = [b - a for a, b in zip(before, after, strict=True)]
        result = paired_of_counts(Counter(zip(before, after, strict=True)), 3, 4)
        assert (result.n_pairs, result.only_pre, result.only_post) == (size, 3, 4)
        assert result.changes == Counter(changes)
        assert result.median_change == float(statistics.median(changes))
        assert result.mean_pre == statistics.fmean(before)
        assert result.mean_post == statistics.fmean(after)
        assert (result.increased, result.unchanged, result.decreased) == (
            sum(c > 0 for c in changes), sum(c == 0 for c in changes),
            sum(c < 0 for c in changes))
        one_by_one = paired(dict(enumerate(before)), dict(enumerate(after)))
        assert (result.statistic, result.p_value, result.z, result.caution) == (
            one_by_one.statistic, one_by_one.p_value, one_by_one.z, one_by_one.caution)
        if size > 1 and any(changes):
            expected = stats.wilcoxon([round(c, 9) for c in changes], zero_method="pratt",
                                      method="approx")  # decimals tied as paired ties them
            assert result.statistic == pytest.approx(expected.statistic)
            assert abs(result.z) == pytest.approx(abs(expected.zstatistic))
