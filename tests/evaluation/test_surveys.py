"""Surveys in a cohort: attached with dates, answered once per phase (a draft, then a submission
that can change until the close), paired pre and post through a pseudonym in an anonymous
survey, refused when closed, out of range or for someone outside the cohort; the report's
figures, with small anonymous groups left unbroken."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.evaluation.models import Response, Survey
from cohort.evaluation.services import EvaluationError
from cohort.extensions import db

KNOWLEDGE_ITEMS = ("knowledge-wellbeing", "knowledge-drivers", "knowledge-measurement",
                   "knowledge-inequality", "knowledge-what-works", "knowledge-policy-making")


@pytest.fixture
def cohort_with_people(make_cohort, make_member, make_user):
    cohort = make_cohort("Evaluated cohort")
    facilitator = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay"))
    people = [make_member(cohort, "participant", user=make_user(f"p{n}@example.org", f"P {n}"))
              for n in range(6)]
    commit()
    return cohort, facilitator, people


def _attach(cohort, facilitator, phase, anonymous=True, key="knowledge"):
    now = utcnow()
    survey = services.attach_survey(facilitator.user, cohort, key, phase,
                                    now - timedelta(days=1), now + timedelta(days=7), anonymous)
    commit()
    return survey


def _all(survey, value: str) -> dict:
    items = services.instrument_of(survey).items_at(survey.phase)
    return {item.key: value for item in items if item.type == "knowledge"}


def test_pre_and_post_pair_through_a_pseudonym_no_one_can_read(cohort_with_people):
    cohort, facilitator, people = cohort_with_people
    pre, post = _attach(cohort, facilitator, "pre"), _attach(cohort, facilitator, "post")
    for person in people:
        services.save_answers(person.user, person, pre, _all(pre, "2"), submit=True)
        services.save_answers(person.user, person, post, _all(post, "4"), submit=True)
    for survey in (pre, post):  # an anonymous survey's answers are shown once it has closed
        services.change_dates(facilitator.user, survey, survey.opens_at, utcnow())
    commit()
    responses = db.session.execute(select(Response)).scalars().all()
    assert all(r.membership_id is None for r in responses)
    assert all(len(r.respondent) == 64 and int(r.respondent, 16) for r in responses)
    assert not {r.respondent for r in responses} & {f"m{p.id}" for p in people}
    assert {r.respondent for r in responses if r.survey_id == pre.id} == \
        {r.respondent for r in responses if r.survey_id == post.id}
    (section,) = services.report([cohort])
    assert section.rates == {"pre": (6, 6), "post": (6, 6)}
    figures = {f.item.key: f for f in section.items}
    change = figures["knowledge-wellbeing"].change
    assert change.n_pairs == 6 and change.increased == 6 and change.median_change == 2
    assert change.p_value == pytest.approx(0.03125)


def test_a_draft_may_leave_items_a_submission_may_not(cohort_with_people):
    cohort, facilitator, people = cohort_with_people
    pre = _attach(cohort, facilitator, "pre", anonymous=False)
    person = people[0]
    response = services.save_answers(person.user, person, pre, {"knowledge-wellbeing": "3"},
                                     submit=False)
    commit()
    assert response.submitted_at is None and response.membership_id == person.id
    with pytest.raises(EvaluationError, match="Select an answer"):
        services.save_answers(person.user, person, pre, {"knowledge-wellbeing": "3"},
                              submit=True)
    services.save_answers(person.user, person, pre, _all(pre, "3"), submit=True)
    services.save_answers(person.user, person, pre, _all(pre, "5"), submit=True)  # changed
    commit()
    responses = db.session.execute(select(Response)).scalars().all()
    assert len(responses) == 1
    assert {a.number for a in responses[0].answers} == {5}
    total, done, missing = services.tracking(pre)
    assert (total, done) == (6, 1) and person not in missing and len(missing) == 5


@pytest.mark.parametrize("raw, message", [
    ("6", "answers offered, between .None. and .Very good."), ("٣", "answers offered"),
    ("1" * 25, "answers offered"), ("", "Select an answer")])
def test_bad_answers_are_refused_and_nothing_is_kept(cohort_with_people, raw, message):
    cohort, facilitator, people = cohort_with_people
    pre = _attach(cohort, facilitator, "pre")
    answers = _all(pre, "3") | {"knowledge-policy-making": raw}
    with pytest.raises(EvaluationError, match=message):
        services.save_answers(people[0].user, people[0], pre, answers, submit=True)
    db.session.rollback()
    assert db.session.execute(select(Response)).first() is None


def test_closed_surveys_and_outsiders_are_refused(cohort_with_people, make_cohort,
                                                  make_member):
    cohort, facilitator, people = cohort_with_people
    pre = _attach(cohort, facilitator, "pre")
    stranger = make_member(make_cohort("Another"), "participant")
    with pytest.raises(EvaluationError, match="Only the cohort's participants answer"):
        services.save_answers(stranger.user, stranger, pre, _all(pre, "3"), submit=True)
    with pytest.raises(EvaluationError, match="Only the cohort's participants answer"):
        services.save_answers(facilitator.user, facilitator, pre, _all(pre, "3"), submit=True)
    pre.closes_at = utcnow() - timedelta(minutes=1)
    commit()
    with pytest.raises(EvaluationError, match="closed"):
        services.save_answers(people[0].user, people[0], pre, _all(pre, "3"), submit=True)
    assert db.session.execute(select(Response)).first() is None


def test_a_survey_not_open_yet_says_when_it_opens(cohort_with_people):
    cohort, facilitator, people = cohort_with_people
    cohort.timezone = "Europe/London"
    opens = datetime(2031, 7, 1, 8, 0, tzinfo=UTC)
    later = services.attach_survey(facilitator.user, cohort, "knowledge", "pre", opens,
                                   opens + timedelta(days=14), True)
    commit()
    with pytest.raises(EvaluationError) as refused:
        services.save_answers(people[0].user, people[0], later, _all(later, "3"), submit=False)
    assert str(refused.value) == ("This survey is not open yet: it opens on 1 July 2031, "
                                     "9:00am (BST)")
    assert db.session.execute(select(Response)).first() is None


def test_attaching_checks_dates_phase_and_repeats(cohort_with_people):
    cohort, facilitator, _people = cohort_with_people
    now = utcnow()
    with pytest.raises(EvaluationError, match="close after it opens"):
        services.attach_survey(facilitator.user, cohort, "knowledge", "pre", now, now, True)
    with pytest.raises(EvaluationError, match="instruments listed"):
        services.attach_survey(facilitator.user, cohort, "nope", "pre", now,
                               now + timedelta(days=1), True)
    with pytest.raises(EvaluationError, match="asks nothing before"):
        services.attach_survey(facilitator.user, cohort, "programme-evaluation", "pre", now,
                               now + timedelta(days=1), True)
    _attach(cohort, facilitator, "pre")
    with pytest.raises(EvaluationError, match="already given"):
        _attach(cohort, facilitator, "pre")
    # Named before and anonymous after would never pair: the second is refused.
    with pytest.raises(EvaluationError) as refused:
        services.attach_survey(facilitator.user, cohort, "knowledge", "post", now,
                               now + timedelta(days=1), False)
    assert (str(refused.value), refused.value.field) == (
        "Knowledge self-assessment before the programme is anonymous: give this one anonymous "
        "too, so "
        "each person's answers before and after pair up", "privacy")


def test_the_programme_evaluation_asks_about_each_objective(cohort_with_people):
    from cohort.programme.services import set_programme_objectives

    cohort, facilitator, _people = cohort_with_people
    set_programme_objectives(facilitator.user, cohort, "Describe wellbeing\nMeasure it")
    commit()
    survey = _attach(cohort, facilitator, "post", key="programme-evaluation")
    texts = [i.text.lower() for i in services.instrument_of(survey).items]
    assert any("describe wellbeing" in t for t in texts) and any("measure it" in t for t in texts)
    assert json.loads(survey.definition)["key"] == "programme-evaluation"


def test_an_objective_with_no_words_is_named_rather_than_breaking_the_survey(
        cohort_with_people):
    from cohort.programme.services import set_programme_objectives

    cohort, facilitator, _people = cohort_with_people
    set_programme_objectives(facilitator.user, cohort, "Understand wellbeing\n...")
    commit()
    with pytest.raises(EvaluationError) as refused:
        _attach(cohort, facilitator, "post", key="programme-evaluation")
    assert str(refused.value) == (
        "The programme evaluation asks about each of the programme's objectives, and objective "
        "2 is empty: change it on the programme's objectives page, then give the survey")
    db.session.rollback()
    assert db.session.execute(select(Survey)).first() is None


def test_a_survey_closing_on_the_night_the_clocks_go_back_stays_open_until_the_last_2359(app):
    from datetime import date

    from cohort.evaluation.forms import DatesForm

    def window(opens: date, closes: date):
        with app.test_request_context():
            form = DatesForm(formdata=None)
            form.opens_on.data, form.closes_on.data = opens, closes
            return form.window("America/Santiago")

    # Santiago turns its clocks back at midnight on 3-4 April 2027: 23:59 comes twice.
    assert window(date(2027, 4, 3), date(2027, 4, 3)) == (
        datetime(2027, 4, 3, 3, 0, tzinfo=UTC), datetime(2027, 4, 4, 3, 59, tzinfo=UTC))
    # Santiago skips midnight on 5 September 2027: a survey cannot open at its start. (It
    # used to open at 01:00 instead; core's one policy refuses a time that does not exist.)
    with pytest.raises(EvaluationError) as refused:
        window(date(2027, 9, 5), date(2027, 9, 6))
    assert str(refused.value) == (
        "A survey would open at 00:00, and 00:00 on 5 September 2027 does not exist in "
        "America/Santiago: the clocks go forward from 00:00 to 01:00. Choose another date")
    assert refused.value.field == "opens_at"


def test_an_anonymous_group_under_five_is_not_broken_down(cohort_with_people):
    cohort, facilitator, people = cohort_with_people
    pre = _attach(cohort, facilitator, "pre")
    for person in people[:4]:
        services.save_answers(person.user, person, pre, _all(pre, "2"), submit=True)
    commit()
    (section,) = services.report([cohort])
    assert section.suppressed and section.items == [] and section.rates["pre"] == (4, 6)


def test_closing_surveys_are_moments_for_those_who_may_not_have_answered(cohort_with_people):
    from cohort.evaluation.services.moments import closing_ref, closing_surveys

    cohort, facilitator, people = cohort_with_people
    named = _attach(cohort, facilitator, "pre", anonymous=False)
    services.save_answers(people[0].user, people[0], named, _all(named, "3"), submit=True)
    anonymous = _attach(cohort, facilitator, "post", key="knowledge-looking-back")
    services.save_answers(people[0].user, people[0], anonymous, _all(anonymous, "3"),
                          submit=True)
    commit()
    moments = {m.ref: m for m in closing_surveys(cohort, utcnow(), utcnow() + timedelta(days=8))}
    assert people[0] not in moments[closing_ref(named)].recipients
    assert len(moments[closing_ref(named)].recipients) == 5
    # Anonymous: everyone may be reminded, so the reminder tells nobody who has answered.
    assert len(moments[closing_ref(anonymous)].recipients) == 6
