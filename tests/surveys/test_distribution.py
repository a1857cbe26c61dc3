"""How the answers to an item are spread, the share agreeing, and figures rounded for display."""

import random
import statistics
from collections import Counter

import pytest

from surveys.analysis import (
    distribution,
    distribution_of_counts,
    share_agreeing,
    share_agreeing_of_counts,
    shown,
    shown_p,
    shown_share,
)
from surveys.instrument import AGREEMENT, Item, shipped


def item(key: str):
    instruments = shipped()
    return next(i for instrument in instruments.values() for i in instrument.items
                if i.key == key)


def test_an_agreement_item_counts_each_point_with_its_words():
    # The report's connect question: 70% agreed or strongly agreed, 30% neither.
    answers = [3, 3, 3, 4, 4, 4, 4, 5, 5, 5, None]
    result = distribution(item("able-to-connect"), answers)
    assert result.labels == list(AGREEMENT)
    assert result.counts == [0, 0, 3, 4, 3]
    assert [point.value for point in result.points] == [1, 2, 3, 4, 5]
    assert (result.n, result.skipped) == (10, 1)
    assert result.mean == pytest.approx(4.0) and result.median == 4.0


def test_a_rating_spreads_over_every_point_and_names_its_ends():
    result = distribution(item("overall-experience"), [8, 9, 9, 10, 7])
    assert [point.value for point in result.points] == list(range(1, 11))
    assert result.labels[0] == "Very poor" and result.labels[-1] == "Excellent"
    assert result.labels[4] == "5"
    assert result.counts[6:] == [1, 1, 2, 1]
    assert result.mean == pytest.approx(8.6) and result.median == 9.0


def test_choices_are_counted_by_text_and_multiple_answers_each_count():
    single = Item("role", "Role", "single", choices=("Analyst", "Manager"))
    result = distribution(single, ["Manager", "Manager", None, "Analyst"])
    assert [(p.label, p.count) for p in result.points] == [("Analyst", 1), ("Manager", 2)]
    assert result.mean is None and result.n == 3
    several = Item("topics", "Topics", "multiple", choices=("Data", "Evidence", "Strategy"))
    result = distribution(several, [["Data", "Evidence"], ["Data"], []])
    assert result.counts == [2, 1, 0] and (result.n, result.skipped) == (2, 1)


def test_nobody_answering_gives_zero_counts_and_no_mean():
    result = distribution(item("knowledge-wellbeing"), [None, None])
    assert result.counts == [0] * 5 and result.n == 0 and result.mean is None


def test_values_an_item_does_not_offer_are_an_error():
    with pytest.raises(ValueError, match="does not offer the answer 6"):
        distribution(item("able-to-connect"), [4, 6])
    with pytest.raises(ValueError, match="free text"):
        distribution(item("what-could-be-better"), ["More time"])


def test_share_agreeing_counts_agree_and_strongly_agree():
    result = share_agreeing([3, 3, 3, 4, 4, 4, 4, 5, 5, 5, None])
    assert (result.n, result.agreeing, result.neutral, result.disagreeing) == (10, 7, 3, 0)
    assert result.share == 0.7
    mixed = share_agreeing([1, 2, 5])
    assert (mixed.agreeing, mixed.disagreeing, mixed.share) == (1, 2, pytest.approx(1 / 3))
    assert share_agreeing([None]).share is None


def test_figures_are_kept_whole_and_rounded_only_for_display():
    assert share_agreeing([4, 4, 1]).share == pytest.approx(0.6666666667)
    assert shown_share(2 / 3) == "67%" and shown_share(None) == "–"
    assert shown(2.25) == "2.3" and shown(-2.25) == "-2.3" and shown(0.04) == "0.0"
    assert shown(None) == "–" and shown(1.0, 2) == "1.00"
    assert shown_p(0.041259765625) == "p = 0.041" and shown_p(0.0004) == "p < 0.001"
    assert shown_p(None) == "no test"


def test_counts_give_the_figures_of_the_answers_one_by_one():
    # A database's GROUP BY gives how many gave each answer: the mean and median are exactly
    # those of the answers one by one, odd and even counts, one answer and many.
    chance = random.Random(22)
    rating = item("overall-experience")
    for size in [1, 2, 3, 4, *(chance.randint(5, 3000) for _ in range(60))]:
        answers = [chance.choice(rating.scale) for _ in range(size)]
        counted = distribution_of_counts(rating, Counter(answers))
        assert counted == distribution(rating, answers)
        assert (counted.mean, counted.median) == (statistics.fmean(answers),
                                                  float(statistics.median(answers)))
        agreement = [chance.randint(1, 5) for _ in range(size)]
        assert share_agreeing_of_counts(Counter(agreement)) == share_agreeing(agreement)


def test_counts_of_an_answer_not_offered_or_of_a_multiple_choice_are_refused():
    with pytest.raises(ValueError, match="does not offer the answer 11"):
        distribution_of_counts(item("overall-experience"), {10: 2, 11: 1})
    several = Item("areas", "Areas", "multiple", choices=("Data", "Evidence"))
    with pytest.raises(ValueError, match="a list of choices for each answer"):
        distribution_of_counts(several, {"Data": 1})
    with pytest.raises(ValueError, match="does not offer the answer True"):
        distribution(item("able-to-connect"), [1, True])
