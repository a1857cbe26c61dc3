"""An anonymous survey's answers are shown only once it has closed: while it is open, two
downloads either side of one person's submission would single out that person's answers (and,
through the shared respondent number, their answers before). Staff see the count only."""

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.core.timeutil import format_local, utcnow
from cohort.evaluation import services
from tests.helpers import statements_run

WAITING = "is anonymous and closes on"


@pytest.fixture
def surveyed(make_cohort, make_member, make_user):
    """A cohort of seven participants whose anonymous survey before the programme has
    closed (six answered) and whose survey after it is open (five have answered)."""
    cohort = make_cohort("Anonymous cohort")
    facilitator = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay"))
    make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve"))
    people = [make_member(cohort, "participant") for _ in range(7)]
    pre, post = _attach(cohort, facilitator, "pre"), _attach(cohort, facilitator, "post")
    for n, person in enumerate(people[:6]):
        _answer(person, pre, str(1 + n % 3))
    _close(facilitator, pre)
    for person in people[:5]:
        _answer(person, post, "4")
    commit()
    return cohort, facilitator, people, pre, post


def _attach(cohort, facilitator, phase):
    now = utcnow()
    survey = services.attach_survey(facilitator.user, cohort, "knowledge", phase,
                                    now - timedelta(days=1), now + timedelta(days=7), True)
    commit()
    return survey


def _answer(person, survey, value):
    items = services.instrument_of(survey).items_at(survey.phase)
    services.save_answers(person.user, person, survey,
                          {item.key: value for item in items if item.type == "knowledge"},
                          submit=True)


def _close(facilitator, survey):
    services.change_dates(facilitator.user, survey, survey.opens_at, utcnow())
    commit()


def _rows(client, cohort, query=""):
    body = client.get(f"/cohorts/{cohort.id}/evaluation.csv{query}").get_data(as_text=True)
    return list(csv.reader(io.StringIO(body)))[1:]


def _answers(rows, phase):
    """The answers of a phase as a multiset: what comparing two downloads would show."""
    return Counter((row[0], row[4], row[6]) for row in rows if row[2] == phase)


def test_two_downloads_around_one_submission_show_nothing_of_it(client, login, surveyed):
    cohort, facilitator, people, _pre, post = surveyed
    login("eve@example.org")
    first = _rows(client, cohort)
    page = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    _answer(people[5], post, "5")  # one named person submits between the two downloads
    commit()
    second = _rows(client, cohort)
    assert _answers(first, "post") == _answers(second, "post") == Counter()
    assert _answers(first, "pre") == _answers(second, "pre") and len(_answers(first, "pre"))
    # The page gives the count, says when the answers will show, and shows none of them.
    again = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    assert "5 of 7" in page and "6 of 7" in again
    for shown in (page, again, client.get(f"/cohorts/{cohort.id}/evaluation/print")
                  .get_data(as_text=True)):
        assert f"(after the programme) {WAITING} {format_local(post.closes_at, cohort.timezone)}." \
            in shown
        assert "will be shown once it has closed, if at least 5 people answered" in shown
        assert "who answered after" not in shown  # no chart or table of the answers after
        assert "People who answered both times" not in shown  # no paired change
        assert "The change for the people who answered before and after will be shown" in shown
        assert "who answered before" in page  # the closed survey's answers show


def test_once_closed_with_five_or_more_the_answers_show(client, login, surveyed):
    cohort, facilitator, _people, _pre, post = surveyed
    _close(facilitator, post)
    login("eve@example.org")
    page = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    assert WAITING not in page
    assert "who answered after" in page and "People who answered both times" in page
    rows = _rows(client, cohort)
    assert len({row[3] for row in rows if row[2] == "post"}) == 5
    assert {row[6] for row in rows if row[2] == "post"} == {"4"}


def test_an_open_survey_takes_no_part_in_a_pooled_report_or_its_paired_change(
        client, login, surveyed, make_cohort, make_member):
    cohort, facilitator, _people, _pre, post = surveyed
    other = make_cohort("Closed cohort")
    make_member(other, "facilitator", user=facilitator.user)
    others = [make_member(other, "participant") for _ in range(5)]
    before, after = _attach(other, facilitator, "pre"), _attach(other, facilitator, "post")
    for person in others:
        _answer(person, before, "1")
        _answer(person, after, "2")
    _close(facilitator, before)
    _close(facilitator, after)
    sections = services.report([cohort, other])
    (section,) = sections
    assert [survey.id for _cohort, survey in section.withheld] == [post.id]
    figures = section.items[0]
    # The change pairs the closed cohort's five only: the open cohort's answers before are
    # left out of it, else they would pair with the answers still coming in.
    assert figures.change.n_pairs == 5 and figures.change.only_pre == 0
    assert figures.change.increased == 5
    assert figures.post.n == 5 and figures.pre.n == 11
    login(facilitator.user)
    rows = _rows(client, cohort, f"?cohorts={other.id}")
    assert {row[0] for row in rows if row[2] == "post"} == {"Closed cohort"}
    assert {row[0] for row in rows if row[2] == "pre"} == {"Closed cohort", "Anonymous cohort"}
    page = client.get(f"/cohorts/{cohort.id}/evaluation?cohorts={other.id}").get_data(
        as_text=True)
    assert f"(after the programme) in Anonymous cohort {WAITING}" in page


def test_a_closed_survey_whose_answers_show_cannot_open_again(surveyed, make_cohort,
                                                              make_member):
    from cohort.evaluation.services import EvaluationError

    _cohort, facilitator, _people, pre, _post = surveyed
    later = utcnow() + timedelta(days=3)
    # Six answers were shown once it closed: one more answer, or a changed one, after that
    # would stand out between two downloads.
    with pytest.raises(EvaluationError, match="cannot open again"):
        services.change_dates(facilitator.user, pre, pre.opens_at, later)
    # With too few answers to show, nothing was shown: it may open again.
    small = make_cohort("Small cohort")
    make_member(small, "facilitator", user=facilitator.user)
    few = [make_member(small, "participant") for _ in range(4)]
    survey = _attach(small, facilitator, "pre")
    for person in few:
        _answer(person, survey, "2")
    _close(facilitator, survey)
    services.change_dates(facilitator.user, survey, survey.opens_at, later)
    commit()
    assert survey.closes_at == later


def test_the_report_reads_the_counts_of_the_surveys_it_shows_and_no_others(surveyed):
    """The report reads every kind of count of the surveys it shows in one statement, and
    reads nothing of the open anonymous survey's answers (only how many have submitted)."""
    cohort, _facilitator, _people, pre, post = surveyed
    with statements_run(parameters=True) as run:
        (section,) = services.report([cohort])
    seen = [(statement, given) for statement, given in run if "FROM survey_tally" in statement]
    assert section.withheld and section.withheld[0][1].id == post.id
    counts = [(statement, parameters) for statement, parameters in seen
              if "survey_tally.kind IN" not in statement]
    assert len(counts) == 1
    asked = counts[0][1]
    asked = list(asked.values()) if isinstance(asked, dict) else list(asked)
    assert pre.id in asked and post.id not in asked
    by_kind = [(statement, parameters) for statement, parameters in seen
               if "survey_tally.kind IN" in statement]
    assert len(by_kind) == 1  # how many have submitted each survey, the open one too
