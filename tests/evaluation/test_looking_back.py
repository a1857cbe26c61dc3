"""One survey at the end that asks about now and, looking back, about the start: the report
pairs each person's two answers within their response, and the page shows that change."""

import re
from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from surveys.analysis import caution_looking_back


@pytest.fixture
def surveyed(make_cohort, make_member, make_user):
    cohort = make_cohort("Looked back cohort")
    facilitator = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay"))
    make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve"))
    people = [make_member(cohort, "participant", user=make_user(f"p{n}@example.org", f"P {n}"))
              for n in range(6)]
    now = utcnow()
    survey = services.attach_survey(facilitator.user, cohort, "knowledge-looking-back", "post",
                                    now - timedelta(days=1), now + timedelta(days=7), True)
    commit()
    return cohort, survey, people


def _answer(person, survey, start: int, now: int) -> None:
    items = services.instrument_of(survey).items_at("post")
    services.save_answers(person.user, person, survey, {
        item.key: str(start if item.retrospective else now) for item in items}, submit=True)


def test_a_look_back_is_paired_with_the_same_persons_answer_about_now(surveyed):
    cohort, survey, people = surveyed
    for n, person in enumerate(people):  # five rise by one or two, one stays where they were
        _answer(person, survey, 2, 2 + min(n, 2))
    survey.closes_at = utcnow() - timedelta(seconds=1)  # anonymous: shown once closed
    commit()
    (section,) = services.report([cohort])
    assert section.rates == {"post": (6, 6)}
    figures = {f.item.key: f for f in section.items}
    change = figures["knowledge-drivers-at-start"].change
    assert (change.n_pairs, change.increased, change.unchanged, change.decreased) == (6, 5, 1, 0)
    assert (change.mean_pre, change.mean_post) == (2, 2 + 9 / 6)
    assert sorted(change.changes.elements()) == [0, 1, 2, 2, 2, 2]
    assert figures["knowledge-drivers"].change is None  # the item about now is not paired twice


def test_the_report_page_shows_the_change_from_the_start_to_now(client, login, surveyed):
    cohort, survey, people = surveyed
    for person in people:
        _answer(person, survey, 1, 3)
    survey.closes_at = utcnow() - timedelta(seconds=1)  # anonymous: shown once closed
    commit()
    login("eve@example.org")
    page = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    assert page.count("Change from the start to now") == 6
    assert len(re.findall(r"Answered higher now</th>\s*<td[^>]*>6<", page)) == 6
    # The overview gives the look back as "before": the middle answer at the start, then now,
    # and the six who answered both, all higher now.
    overview = page[page.index("Answers before and after"):page.index("Question 1:")]
    assert re.search(r"Wellbeing<span.*?</th>\s*<td[^>]*>[^<]*\(1\)</td>\s*<td[^>]*>6</td>\s*"
                     r"<td[^>]*>[^<]*\(3\)</td>\s*<td[^>]*>6</td>\s*<td[^>]*>6</td>\s*"
                     r"<td[^>]*>6</td>", overview, re.S)


def test_a_few_looks_back_are_cautioned_about_as_questions_not_surveys(surveyed):
    cohort, survey, people = surveyed
    survey.anonymous = False  # a named survey is broken down however few answer
    for person in people[:3]:
        _answer(person, survey, 2, 3)
    commit()
    (section,) = services.report([cohort])
    change = {f.item.key: f for f in section.items}["knowledge-drivers-at-start"].change
    assert change.caution.startswith("Only 3 people's answers changed. With 3 changes the smallest p")


@pytest.mark.parametrize(("n", "moved", "start"), [
    (0, 0, "Nobody answered both about now and, looking back, about the start"),
    (1, 1, "Only one person answered both about now and about the start"),
    (7, 0, "No change: everyone gave the same answer about now as about the start"),
])
def test_the_caution_for_looks_back_speaks_of_questions(n, moved, start):
    assert caution_looking_back(n, moved).startswith(start)
    assert caution_looking_back(6, 6) is None
