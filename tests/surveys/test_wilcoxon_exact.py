"""The signed-rank test's p is exact with ties and zeros at any size Cohort sees: checked
against a count of every sign pattern, against SciPy where it is exact, and against an
independent count in whole numbers beyond. The caution counts changes, not pairs; p is shown
so that it never contradicts the sentence beside it, and worded as what it is."""

import itertools
import random
from fractions import Fraction

import pytest
from scipy import stats

from surveys import analysis
from surveys.analysis import paired, reading, shown_p


def from_changes(changes):
    return paired(dict.fromkeys(range(len(changes)), 10),
                  {n: 10 + change for n, change in enumerate(changes)})


def mean_ranks(changes) -> list[Fraction]:
    """Each change's rank of |change| among all of them, zeros included, ties at their mean."""
    ordered = sorted(abs(c) for c in changes)
    return [Fraction(2 * ordered.index(abs(c)) + 1 + ordered.count(abs(c)), 2) for c in changes]


def every_pattern_p(changes) -> Fraction:
    """Every one of the 2**m sign patterns of the m non-zero changes, counted one by one."""
    ranked = [(rank, c) for rank, c in zip(mean_ranks(changes), changes, strict=True) if c]
    total = sum(rank for rank, _c in ranked)
    observed = sum(rank for rank, c in ranked if c > 0)
    far = [abs(2 * sum(rank for (rank, _c), up in zip(ranked, signs, strict=True) if up) - total)
           for signs in itertools.product((False, True), repeat=len(ranked))]
    return Fraction(sum(d >= abs(2 * observed - total) for d in far), len(far))


def counted_p(changes) -> Fraction:
    """The same in whole numbers for many pairs: how many sign patterns give each rank sum,
    built one change at a time (no sampling, no approximation)."""
    ranked = [(2 * rank, c) for rank, c in zip(mean_ranks(changes), changes, strict=True) if c]
    ways = {0: 1}
    for rank, _c in ranked:
        grown = dict(ways)
        for total, count in ways.items():
            grown[total + rank] = grown.get(total + rank, 0) + count
        ways = grown
    total = sum(rank for rank, _c in ranked)
    observed = sum(rank for rank, c in ranked if c > 0)
    far = sum(count for s, count in ways.items()
              if abs(2 * s - total) >= abs(2 * observed - total))
    return Fraction(far, 2 ** len(ranked))


def test_four_rises_and_sixteen_unchanged_is_p_0125_not_0046():
    changes = [1] * 4 + [0] * 16
    result = from_changes(changes)
    assert result.p_value == 0.125 == every_pattern_p(changes)
    assert result.method == "exact"
    # What the normal approximation said, which the report showed before.
    approximate = stats.wilcoxon(changes, zero_method="pratt", method="asymptotic").pvalue
    assert approximate == pytest.approx(0.0455, abs=1e-4)
    assert "Only 4 people's answers changed (16 of the 20 who answered both gave the same " \
        "answer both times)" in result.caution
    assert "the smallest p any result can reach is 0.125" in result.caution
    assert "not statistically significant" in reading(result)[0]


def test_five_rises_and_one_unchanged_gets_the_caution():
    result = from_changes([1, 2, 1, 3, 2, 0])
    assert result.n_pairs == 6
    assert result.caution.startswith("Only 5 people's answers changed (1 of the 6 who "
                                     "answered both gave the same answer both times)")
    assert "smallest p any result can reach is 0.063" in result.caution
    assert from_changes([1, 2, 1, 3, 2, 1]).caution is None  # six changes can reach 0.031


def test_every_small_sample_matches_a_count_of_every_sign_pattern():
    # Every multiset of up to six changes from -2 to 3 (ties, zeros, both signs), and a
    # seeded draw of larger ones.
    samples = [list(c) for n in range(2, 7)
               for c in itertools.combinations_with_replacement(range(-2, 4), n)]
    draw = random.Random(19)
    samples += [[draw.randint(-2, 3) for _ in range(draw.randint(7, 12))] for _ in range(25)]
    for changes in samples:
        if any(changes):
            result = from_changes(changes)
            assert result.method == "exact"
            assert result.p_value == pytest.approx(float(every_pattern_p(changes)), abs=1e-12), \
                changes


@pytest.mark.parametrize("n", [5, 9, 14, 20, 33, 50])
def test_untied_samples_match_scipys_exact_distribution(n):
    draw = random.Random(n)
    changes = [size * draw.choice((-1, 1)) for size in draw.sample(range(1, 200), n)]
    expected = stats.wilcoxon(changes, method="exact")
    result = from_changes(changes)
    assert result.method == "exact" and result.statistic == expected.statistic
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("n", [14, 20, 40, 70])
def test_tied_samples_beyond_scipys_exact_reach_match_a_whole_number_count(n):
    draw = random.Random(n)
    changes = [draw.choice((-2, -1, 0, 0, 1, 1, 1, 2, 3, 4)) for _ in range(n)]
    result = from_changes(changes)
    assert result.method == "exact"
    assert result.p_value == pytest.approx(float(counted_p(changes)), rel=1e-9, abs=1e-15)


def test_a_pooled_sample_of_a_thousand_is_still_exact():
    draw = random.Random(7)
    changes = [draw.choice((-3, -2, -1, 0, 1, 1, 2, 2, 3, 4)) for _ in range(1000)]
    assert from_changes(changes).method == "exact"


def test_the_normal_approximation_only_where_counting_would_take_too_long(monkeypatch):
    changes = [2, 0, 1, -1, 1, 1, 2, 0, 3, 1, 1, -1, 2, 1, 0, 1, 2, 1, -2, 1]
    exact = from_changes(changes)
    assert exact.method == "exact"
    assert exact.p_value == pytest.approx(float(counted_p(changes)), abs=1e-12)
    analysis._wilcoxon_of.cache_clear()
    monkeypatch.setattr(analysis, "EXACT_BUDGET", 10)
    approximate = from_changes(changes)
    analysis._wilcoxon_of.cache_clear()
    assert approximate.method == "normal approximation"
    expected = stats.wilcoxon(changes, zero_method="pratt", method="asymptotic")
    assert approximate.p_value == pytest.approx(expected.pvalue, abs=1e-12)
    assert approximate.z == exact.z
    assert "normal approximation: with 17 answers that changed" in reading(approximate)[2]
    assert "counted exactly" in reading(exact)[2]


@pytest.mark.parametrize(("p", "figure"), [
    (0.0499, "p = 0.0499"), (0.04996, "p = 0.04996"), (0.0499999999, "p < 0.05"),
    (0.05, "p = 0.050"), (0.0504, "p = 0.050"), (0.0496, "p = 0.0496"),
    (0.041259765625, "p = 0.041"), (0.00049, "p < 0.001"),
])
def test_p_is_shown_on_the_same_side_of_005_as_it_is(p, figure):
    assert shown_p(p) == figure


def test_no_p_near_005_is_shown_on_the_wrong_side():
    for step in range(-20000, 20000):
        p = 0.05 + step * 1e-9
        figure = shown_p(p)
        assert (figure == "p < 0.05" or float(figure[4:]) < 0.05) == (p < 0.05), (p, figure)


def test_p_is_worded_as_what_it_is_beside_the_size_of_the_change():
    result = from_changes([1, 2, 3, 1, 2, 3, 2, 0])  # 7 rises, 1 the same
    said, size, how = reading(result)
    assert said.startswith("If the programme had made no difference, a change at least this "
                           "large, up or down, would turn up by chance in a group of 8 people "
                           "less than 1 time in 20: p is that chance (p = 0.016)")
    assert "p is not the chance that the change is down to chance" in said
    assert "unlikely to be chance" not in " ".join((said, size, how))
    assert size.startswith("Read it with the size of the change: 7 answered higher after, 0 "
                           "lower and 1 the same, and the effect size r is 0.87")
    assert how.startswith("p was counted exactly")
    assert reading(from_changes([0, 0, 0])) == []
