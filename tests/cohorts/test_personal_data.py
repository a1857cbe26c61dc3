"""The cohorts' part of a person's data (cohorts/personal_data.py): memberships and places
held; an erasure takes the person out of their cohorts and leaves the place, its team and its
history; a finished cohort's members go when its retention period has passed."""

from sqlalchemy import select

from cohort.cohorts import personal_data as part
from cohort.cohorts.models import Membership, Place, PlaceHolding
from cohort.core.database import commit
from cohort.extensions import db


def _place_with_team(make_cohort, make_holder, make_member, make_user):
    cohort = make_cohort("Wellbeing 2026")
    ann = make_holder(cohort, user=make_user("ann@example.org", "Ann Lee"),
                      organisation="Anytown Council", area_of_focus="Staff wellbeing",
                      professional_background="Ten years in HR")
    ann.working_on = "Our staff survey"
    colleague = make_member(cohort, "colleague", place=ann.place)
    facilitator = make_member(cohort, "facilitator")
    commit()
    return cohort, ann, colleague, facilitator


def test_her_download_holds_her_memberships_and_places(make_cohort, make_holder, make_member,
                                                       make_user):
    cohort, ann, _colleague, _facilitator = _place_with_team(make_cohort, make_holder,
                                                             make_member, make_user)
    mine = part.export(ann.user)
    [membership] = mine["memberships"]
    assert (membership["cohort"], membership["role"], membership["organisation"],
            membership["area_of_focus"], membership["professional_background"],
            membership["working_on"]) == ("Wellbeing 2026", "Participant", "Anytown Council",
                                          "Staff wellbeing", "Ten years in HR",
                                          "Our staff survey")
    assert [(p["cohort"], p["place_of"], p["until"]) for p in mine["places_held"]] == [
        ("Wellbeing 2026", "Anytown Council", None)]


def test_her_erasure_takes_her_out_and_leaves_the_place_its_team_and_history(
        make_cohort, make_holder, make_member, make_user):
    _cohort, ann, colleague, _facilitator = _place_with_team(make_cohort, make_holder,
                                                             make_member, make_user)
    part.erase(ann.user)
    commit()
    mine = db.session.get(Membership, ann.id)
    assert (mine.status, mine.area_of_focus, mine.professional_background, mine.working_on) == (
        "left", None, None, None)
    assert mine.left_at is not None
    place = db.session.get(Place, ann.place_id)
    assert (place.status, place.slot) == ("active", 1)  # for the facilitator to hand over
    [holding] = db.session.execute(select(PlaceHolding)).scalars().all()
    assert holding.user_id == ann.user_id and holding.how_ended == "withdrew"
    assert db.session.get(Membership, colleague.id).status == "active"


def test_a_finished_cohorts_members_go_and_its_staff_and_places_stay(
        make_cohort, make_holder, make_member, make_user):
    cohort, ann, colleague, facilitator = _place_with_team(make_cohort, make_holder,
                                                           make_member, make_user)
    elsewhere = make_holder(make_cohort("Elsewhere"), user=ann.user)
    ann_id, ann_place, colleague_id = ann.id, ann.place_id, colleague.id
    expected = {"records of who held a place": 1,
                "memberships of participants and team members": 2}
    assert part.expire(cohort, dry_run=True) == expected
    assert db.session.get(Membership, ann_id) is not None
    assert part.expire(cohort, dry_run=False) == expected
    commit()
    left = set(db.session.execute(select(Membership.id)).scalars())
    assert left == {facilitator.id, elsewhere.id}
    assert colleague_id not in left
    assert db.session.get(Place, ann_place) is not None
    assert db.session.execute(select(PlaceHolding.place_id)).scalars().all() == [
        elsewhere.place_id]
