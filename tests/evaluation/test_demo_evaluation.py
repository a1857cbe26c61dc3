"""The demo's evaluation shows the report's published figures: ten responses of ten, every
participant rating their knowledge of wellbeing higher after the programme, and 70% agreeing
(30% neither) that they were able to connect with others."""


from cohort.core.timeutil import utcnow
from cohort.evaluation import services


def test_the_2021_report_shows_the_published_figures(demo_cohorts):
    reference, _running = demo_cohorts
    sections = {s.instrument.key: s for s in services.report([reference])}
    knowledge, evaluation = sections["knowledge"], sections["programme-evaluation"]
    assert knowledge.rates == {"pre": (10, 10), "post": (10, 10)}
    assert evaluation.rates == {"post": (10, 10)}
    figures = {f.item.key: f for f in knowledge.items}
    change = figures["knowledge-wellbeing"].change
    assert change.n_pairs == 10 and change.increased == 10 and change.decreased == 0
    assert change.p_value < 0.01
    connect = {f.item.key: f for f in evaluation.items}["able-to-connect"].agreeing
    assert (connect.agreeing, connect.neutral, connect.n) == (7, 3, 10)
    assert all(s.opens_at.year == 2021 for s in services.surveys_of(reference))


def test_the_running_cohort_has_its_pre_survey_answered_and_its_post_not_open(demo_cohorts):
    _reference, running = demo_cohorts
    pre, post = sorted(services.surveys_of(running), key=lambda s: s.phase != "pre")
    total, submitted, _missing = services.tracking(pre)
    assert services.is_open(pre) and submitted == total - 1  # participant01 has not answered
    assert post.opens_at > utcnow()
