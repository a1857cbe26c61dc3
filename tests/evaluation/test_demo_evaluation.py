"""The demo's evaluation shows the report's published figures: one online survey at the end of
the programme (November and December 2021), answered by all ten of the places' holders then,
every participant rating their knowledge of wellbeing higher at the end than, looking back, at
the start, and 70% agreeing (30% neither) that they were able to connect with others."""

import re
from collections import Counter

from cohort.core.timeutil import format_date, utcnow
from cohort.evaluation import services
from cohort.evaluation.models import Response
from cohort.extensions import db
from tests.helpers import DEMO_PASSWORD

AREAS = ("wellbeing", "drivers", "measurement", "inequality", "what-works", "policy-making")


def test_the_2021_report_shows_the_published_figures(demo_cohorts):
    reference, _running = demo_cohorts
    sections = {s.instrument.key: s for s in services.report([reference])}
    assert set(sections) == {"knowledge-looking-back", "programme-evaluation"}
    knowledge, evaluation = sections["knowledge-looking-back"], sections["programme-evaluation"]
    assert knowledge.rates == {"post": (10, 10)}
    assert evaluation.rates == {"post": (10, 10)}
    figures = {f.item.key: f for f in knowledge.items}
    change = figures["knowledge-wellbeing-at-start"].change
    assert change.n_pairs == 10 and change.increased == 10 and change.decreased == 0
    assert change.p_value < 0.01
    connect = {f.item.key: f for f in evaluation.items}["able-to-connect"].agreeing
    assert (connect.agreeing, connect.neutral, connect.n) == (7, 3, 10)


def test_the_2021_evaluation_is_one_survey_at_the_end_answered_by_the_holders_then(
        demo_cohorts):
    """Issue 19 item 16: no survey before the programme, whose answers would have come from people
    who took their places over months later; the end's survey pairs within each response."""
    reference, _running = demo_cohorts
    surveys = services.surveys_of(reference)
    assert {(s.instrument_key, s.phase) for s in surveys} == {
        ("knowledge-looking-back", "post"), ("programme-evaluation", "post")}
    for survey in surveys:
        assert (survey.opens_at.year, survey.opens_at.month) == (2021, 11)
        assert (survey.closes_at.year, survey.closes_at.month) == (2021, 12)
        total, submitted, _missing = services.tracking(survey)
        assert (submitted, total) == (10, 10)
        answered = db.session.execute(db.select(Response.submitted_at).where(
            Response.survey_id == survey.id)).scalars().all()
        assert all(survey.opens_at <= when < survey.closes_at for when in answered)


def test_the_2021_knowledge_areas_are_not_all_rated_alike(demo_cohorts):
    reference, _running = demo_cohorts
    (knowledge,) = [s for s in services.report([reference])
                    if s.instrument.key == "knowledge-looking-back"]
    figures = {f.item.key: f for f in knowledge.items}
    now = [tuple(figures[f"knowledge-{area}"].post.counts) for area in AREAS]
    start = [tuple(figures[f"knowledge-{area}-at-start"].post.counts) for area in AREAS]
    assert len(set(now)) == len(AREAS) and len(set(start)) == len(AREAS)
    changes = [figures[f"knowledge-{area}-at-start"].change for area in AREAS]
    assert all(c.n_pairs == 10 and c.decreased == 0 for c in changes)
    assert Counter(c.increased for c in changes)[10] < len(AREAS)  # some stayed where they were


def test_the_running_cohort_has_its_pre_survey_answered_and_its_post_not_open(demo_cohorts):
    _reference, running = demo_cohorts
    pre, post = sorted(services.surveys_of(running), key=lambda s: s.phase != "pre")
    total, submitted, _missing = services.tracking(pre)
    assert services.is_open(pre) and submitted == total - 1  # participant01 has not answered
    assert post.opens_at > utcnow()


def test_the_running_cohorts_report_says_when_each_anonymous_survey_shows_its_answers(
        demo_cohorts, client, login):
    """The survey after the programme is not open yet, so it has no response rate of 0%; the
    one before is open: both anonymous, so each says when its answers will be shown."""
    _reference, running = demo_cohorts
    pre, post = sorted(services.surveys_of(running), key=lambda s: s.phase != "pre")
    total, submitted, _missing = services.tracking(pre)
    opens = format_date(post.opens_at, running.timezone)
    login("evaluator@example.org", DEMO_PASSWORD)
    page = client.get(f"/cohorts/{running.id}/evaluation").get_data(as_text=True)
    rates = page[page.index("Response rate"):page.index("</table>")]
    assert re.search(r"After the programme</th>\s*<td[^>]*>0</td>\s*<td[^>]*>\d+</td>\s*"
                     rf"<td[^>]*>Not open yet: opens on {opens}</td>", rates)
    assert "(0%)" not in rates and f"{submitted} of {total} (" in rates and submitted >= 5
    # Both anonymous surveys are still to close: counts only, and each says when that ends.
    for survey in (pre, post):
        closes = format_date(survey.closes_at, running.timezone)
        assert f"{survey.title} is anonymous and closes on {closes}" in page
    assert "Fewer than 5 people have answered" not in page
