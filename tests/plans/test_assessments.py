"""Self-assessment rounds: each person rates alone and sees the others only after submitting;
the place agrees a level per hallmark with the spread beside it; rounds are dated snapshots."""

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.errors import ChangedMeanwhile
from cohort.core.models import AuditEvent
from cohort.extensions import db
from cohort.plans import services
from cohort.plans.models import AgreedRating, SelfAssessment
from cohort.plans.services import PlanError

from .conftest import all_at, open_round


def _agreed(place) -> dict[str, str | None]:
    db.session.rollback()
    levels = {}
    for row in db.session.execute(select(AgreedRating).where(
            AgreedRating.place_id == place.id)).scalars():
        levels[row.hallmark_id] = row.level_id
    return levels


def test_opening_a_round_closes_the_one_before(group):
    first = open_round(group)
    second = open_round(group, "Mid-programme")
    assert [r.name for r in services.rounds_of(group.cohort)] == [
        "Start of the programme", "Mid-programme"]
    assert not db.session.get(type(first), first.id).is_open
    assert services.current_round(group.cohort).id == second.id


def test_someone_alone_on_a_place_agrees_what_they_submit(group):
    assessment_round = open_round(group)
    answers = all_at(group.framework, "assuring", "Our strategy says so")
    answers["3a"] = ("not_yet", "")
    services.save_assessment(group.cy.user, assessment_round, group.cy, answers, submit=True)
    commit()
    agreed = _agreed(group.other_place)
    assuring = group.framework.levels[0].id
    three_a = next(h.id for h in group.framework.hallmarks if h.key == "3a")
    assert agreed[three_a] is None  # not yet at assuring
    assert sum(1 for level in agreed.values() if level == assuring) == 6


def test_ratings_stay_hidden_until_you_submit_yours(group):
    assessment_round = open_round(group)
    services.save_assessment(group.ada.user, assessment_round, group.ada,
                             all_at(group.framework, "optimising", "Ada's view"), submit=True)
    commit()
    rows, _people, submitted = services.team_view(assessment_round, group.place, group.ben)
    assert submitted == {group.ada.id}
    assert all(row.ratings == [] for row in rows)  # Ben has not submitted: he sees none
    services.save_assessment(group.ben.user, assessment_round, group.ben,
                             all_at(group.framework, "assuring"), submit=True)
    commit()
    rows, _people, _submitted = services.team_view(assessment_round, group.place, group.ben)
    first = rows[0]
    assert [(m.user.name, position) for m, _r, position in first.ratings] == [
        ("Ada Lovelace", 2), ("Ben Byron", 1)]
    assert first.spread == [1, 2]
    assert first.agreed is None  # two people: they agree it themselves
    staff_rows, _p, _s = services.team_view(assessment_round, group.place, None, staff=True)
    assert len(staff_rows[0].ratings) == 2


def test_the_place_agrees_once_you_have_submitted(group):
    assessment_round = open_round(group)
    with pytest.raises(PlanError, match="Submit your own ratings first"):
        services.agree(group.ada.user, assessment_round, group.place, group.ada,
                       {"1": ("assuring", "")})
    services.save_assessment(group.ada.user, assessment_round, group.ada,
                             all_at(group.framework, "optimising"), submit=True)
    services.agree(group.ada.user, assessment_round, group.place, group.ada,
                   {"1": ("assuring", "Ben convinced me"), "2": ("not_yet", "")})
    commit()
    agreed = _agreed(group.place)
    hallmark = {h.key: h.id for h in group.framework.hallmarks}
    assert agreed == {hallmark["1"]: group.framework.levels[0].id, hallmark["2"]: None}
    with pytest.raises(PlanError, match="Only the people on the place"):
        services.agree(group.cy.user, assessment_round, group.place, group.cy,
                       {"1": ("maximising", "")})


def test_two_on_a_place_agreeing_at_once_the_second_is_told_not_overwritten(group):
    """Ada and Ben open the agreement with nothing agreed; Ada saves. Ben's save, from the page
    he loaded before hers, is refused with where to look, and hers stands. Saved again from
    the page as it now is, his goes through."""
    assessment_round = open_round(group)
    for person in (group.ada, group.ben):
        services.save_assessment(person.user, assessment_round, person,
                                 all_at(group.framework, "optimising"), submit=True)
    commit()
    loaded = services.agreed_stamp([])
    assert loaded == "none"
    services.agree(group.ada.user, assessment_round, group.place, group.ada,
                   {"1": ("assuring", "Ada's reading")}, seen=loaded)
    commit()
    with pytest.raises(ChangedMeanwhile, match="Someone on the place saved agreed levels"):
        services.agree(group.ben.user, assessment_round, group.place, group.ben,
                       {"1": ("maximising", "Ben's reading")}, seen=loaded)
    db.session.rollback()
    hallmark = group.framework.hallmarks[0]
    assert _agreed(group.place) == {hallmark.id: group.framework.levels[0].id}
    rows, _people, _submitted = services.team_view(assessment_round, group.place, group.ben,
                                                   staff=False)
    now = services.agreed_stamp(row.agreed for row in rows if row.agreed)
    services.agree(group.ben.user, assessment_round, group.place, group.ben,
                   {"1": ("maximising", "Ben's reading")}, seen=now)
    commit()
    assert _agreed(group.place) == {hallmark.id: group.framework.levels[-1].id}


def test_a_level_agreed_by_mistake_is_cleared_and_the_log_says_who_cleared_it(group):
    """Ada records maximising for hallmark 2 by mistake, then chooses Not agreed: the place has
    no agreed level for it (not "not yet"), the heatmap no longer counts one, and the audit log
    keeps who cleared what. Ben's save from the page as it was before is still refused."""
    assessment_round = open_round(group)
    for person in (group.ada, group.ben):
        services.save_assessment(person.user, assessment_round, person,
                                 all_at(group.framework, "optimising"), submit=True)
    services.agree(group.ada.user, assessment_round, group.place, group.ada,
                   {"1": ("assuring", ""), "2": ("maximising", "Misread the descriptor")})
    commit()
    hallmark = {h.key: h for h in group.framework.hallmarks}
    loaded = services.agreed_stamp(row.agreed for row in services.team_view(
        assessment_round, group.place, group.ben)[0] if row.agreed)
    cleared = services.agree(group.ada.user, assessment_round, group.place, group.ada,
                             {"1": ("assuring", ""), "2": (None, "Misread the descriptor")},
                             seen=loaded)
    commit()
    assert cleared == ["2"]
    assert _agreed(group.place) == {hallmark["1"].id: group.framework.levels[0].id}
    rows, _people, _submitted = services.team_view(assessment_round, group.place, group.ada)
    assert [row.agreed is None for row in rows[:2]] == [False, True]
    assert services.heatmap(group.cohort, group.framework).cell(
        group.place, hallmark["2"]).position is None
    (event,) = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "agreed_level_cleared")).scalars().all()
    assert (event.actor_id, event.cohort_id, event.detail) == (
        group.ada.user_id, group.cohort.id,
        "hallmark 2 in Start of the programme: was Maximising wellbeing")
    with pytest.raises(ChangedMeanwhile, match="Someone on the place saved agreed levels"):
        services.agree(group.ben.user, assessment_round, group.place, group.ben,
                       {"1": ("assuring", ""), "2": ("maximising", "")}, seen=loaded)
    db.session.rollback()
    assert _agreed(group.place) == {hallmark["1"].id: group.framework.levels[0].id}
    with pytest.raises(PlanError, match="Choose the level agreed for hallmark 3a to keep these "
                                        "notes") as refused:
        services.agree(group.ben.user, assessment_round, group.place, group.ben,
                       {"3a": (None, "We need the survey first")})
    assert refused.value.field == "level-3a"


def test_a_draft_keeps_notes_and_a_submission_needs_every_hallmark(group):
    assessment_round = open_round(group)
    draft = {"1": ("assuring", "Defined in the strategy"), "2": (None, "Still to discuss")}
    services.save_assessment(group.ada.user, assessment_round, group.ada, draft, submit=False)
    commit()
    own = services.assessment_of(assessment_round, group.ada)
    assert own.submitted_at is None
    assert {(r.answered, r.evidence) for r in own.ratings} == {
        (True, "Defined in the strategy"), (False, "Still to discuss")}
    with pytest.raises(PlanError, match="hallmark 2 before submitting"):
        services.save_assessment(group.ada.user, assessment_round, group.ada, draft,
                                 submit=True)


@pytest.mark.parametrize(("answers", "message"), [
    ({"1": ("superb", "")}, "Choose one of the framework's levels for 1"),
    ({"1": ("assuring", "x" * 4001)}, "Keep the evidence for hallmark 1 to 4000"),
])
def test_bad_ratings_are_refused_and_nothing_is_saved(group, answers, message):
    assessment_round = open_round(group)
    with pytest.raises(PlanError, match=message):
        services.save_assessment(group.ada.user, assessment_round, group.ada, answers,
                                 submit=False)
    db.session.rollback()
    assert db.session.execute(select(SelfAssessment)).first() is None


def test_submitted_ratings_stay_as_given_and_a_closed_round_takes_none(group):
    assessment_round = open_round(group)
    services.save_assessment(group.cy.user, assessment_round, group.cy,
                             all_at(group.framework, "assuring"), submit=True)
    commit()
    with pytest.raises(PlanError, match="they stay as given"):
        services.save_assessment(group.cy.user, assessment_round, group.cy,
                                 all_at(group.framework, "maximising"), submit=True)
    db.session.rollback()
    services.close_round(group.facilitator.user, assessment_round)
    commit()
    with pytest.raises(PlanError, match="This round has closed"):
        services.save_assessment(group.ada.user, assessment_round, group.ada,
                                 all_at(group.framework, "assuring"), submit=True)


def test_only_people_on_a_place_rate_it(group):
    assessment_round = open_round(group)
    with pytest.raises(PlanError, match="Only the people on a place rate it"):
        services.save_assessment(group.facilitator.user, assessment_round, group.facilitator,
                                 all_at(group.framework, "assuring"), submit=True)


def test_the_heatmap_shows_the_latest_agreed_level_the_target_and_the_change(group):
    start = open_round(group)
    services.save_assessment(group.cy.user, start, group.cy,
                             all_at(group.framework, "not_yet"), submit=True)
    commit()
    end = open_round(group, "End of the programme")
    services.save_assessment(group.cy.user, end, group.cy,
                             all_at(group.framework, "optimising"), submit=True)
    services.add_item(group.cy.user, group.other_place, group.framework, services.ItemData(
        title="Measure it", hallmarks=["5"], current_level="optimising",
        target_level="maximising", owner_id=group.cy.user_id))
    commit()
    heatmap = services.heatmap(group.cohort, group.framework)
    five = next(h for h in group.framework.hallmarks if h.key == "5")
    cell = heatmap.cell(group.other_place, five)
    assert (cell.first, cell.position, cell.change, cell.target) == (0, 2, 2, 3)
    assert heatmap.cell(group.place, five).position is None  # Ada's place has not assessed
    assert heatmap.mean(five, "position") == 2 and heatmap.rated_in_both(five) == 1
    assert [r.id for r in heatmap.rounds] == [start.id, end.id]
