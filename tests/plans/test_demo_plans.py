"""The demo's plans: the 2021 cohort's start and end assessments and each council's action
plan, following the report; the running cohort's open start round and plans in progress."""

import pytest
from sqlalchemy import select

from cohort.cohorts.models import Membership, Place
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import SelfAssessment
from tests.helpers import DEMO_PASSWORD, sign_in


def _titles(place) -> list[str]:
    plan = services.plan_of(place)
    return [item.title for item in services.items_of(plan)]


def test_each_2021_council_has_a_start_and_an_end_assessment_and_a_plan(demo_cohorts):
    reference, _running = demo_cohorts
    framework = services.cohort_framework(reference)
    rounds = services.rounds_of(reference)
    assert [r.name for r in rounds] == ["Start of the programme", "End of the programme"]
    assert all(not r.is_open for r in rounds)
    assert [r.opened_at.year for r in rounds] == [2021, 2021]
    heatmap = services.heatmap(reference, framework)
    assert len(heatmap.places) == 10
    for place in heatmap.places:
        cells = [heatmap.cell(place, h) for h in framework.hallmarks]
        assert all(c.rounds == 2 for c in cells), services.place_label(place)
        assert all(c.change >= 0 for c in cells)  # nobody went backwards
        assert any(c.change > 0 for c in cells)
        assert 2 <= heatmap.items_by_place[place.id] <= 4
    # Finished: nothing is called overdue after the programme ended.
    assert heatmap.overdue == []


@pytest.mark.parametrize("council, words", [
    ("Babergh and Mid Suffolk District Councils", "Wellbeing Strategy 2021-2027"),
    ("Blackburn with Darwen Borough Council", "Mental Wellbeing and Inequalities Framework"),
    ("Kirklees Council", "CLiK household survey"),
    ("Redcar and Cleveland Council", "community wellbeing dashboard"),
    ("Sutton Council", "measures for the Children's Plan"),
    ("Westminster City Council", "drivers of workplace wellbeing"),
    ("Walsall Council", "policy writer's toolkit"),
])
def test_the_items_follow_what_the_report_says_each_council_did(demo_cohorts, council, words):
    reference, _running = demo_cohorts
    heatmap = services.heatmap(reference, services.cohort_framework(reference))
    place = next(p for p in heatmap.places if services.place_label(p) == council)
    titles = _titles(place)
    assert any(words in title for title in titles), titles
    items = services.items_of(services.plan_of(place))
    assert all(item.created_at.year == 2021 for item in items)
    assert any(item.status == "done" for item in items)


def test_a_2021_team_shows_the_spread_of_its_ratings(demo_cohorts):
    reference, _running = demo_cohorts
    end = services.rounds_of(reference)[-1]
    colleague = db.session.execute(select(Membership).where(
        Membership.cohort_id == reference.id, Membership.role == "colleague")).scalar_one()
    place = db.session.get(Place, colleague.place_id)
    rows, people, submitted = services.team_view(end, place, colleague)
    assert len(people) == 2 and submitted
    spread = [row for row in rows if len({pos for _m, _r, pos in row.ratings}) > 1]
    assert len(spread) == 2  # the colleague saw two hallmarks differently
    assert all(row.agreed is not None for row in rows)


def test_the_running_cohort_has_an_open_start_round_and_plans_in_progress(demo_cohorts, client, app):
    _reference, running = demo_cohorts
    framework = services.cohort_framework(running)
    current = services.current_round(running)
    assert current is not None and current.name == "Start of the programme"
    assessments = db.session.execute(select(SelfAssessment).where(
        SelfAssessment.round_id == current.id)).scalars().all()
    by_email = {a.membership.user.email: a for a in assessments}
    assert by_email["participant01@example.org"].submitted_at is None  # a draft to finish
    assert sum(a.submitted_at is not None for a in assessments) == 8
    heatmap = services.heatmap(running, framework)
    assert len(heatmap.overdue) == 1 and len(heatmap.blocked) == 1
    assert heatmap.overdue[0].due_on < heatmap.today
    assert heatmap.rounds == [current]

    sign_in(client, "facilitator@example.org", DEMO_PASSWORD)
    page = client.get(f"/cohorts/{running.id}/maturity").get_data(as_text=True)
    assert heatmap.overdue[0].title in page and heatmap.blocked[0].title in page
    participant = app.test_client()
    sign_in(participant, "participant01@example.org", DEMO_PASSWORD)
    page = participant.get(f"/cohorts/{running.id}/assessment").get_data(as_text=True)
    assert "draft" in page.lower()
