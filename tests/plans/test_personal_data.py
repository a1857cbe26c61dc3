"""The plans' part of a person's data (plans/personal_data.py): self-assessments, items owned
or added, progress notes and changes, agreed ratings recorded; an erasure leaves the place's
plan with the place and takes only a draft never submitted; a finished cohort's individual
ratings go and the names on its plans are cleared when its retention period has passed."""

from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.plans import personal_data as part
from cohort.plans import services
from cohort.plans.models import (
    ActionItem,
    AgreedRating,
    ItemChange,
    ItemUpdate,
    SelfAssessment,
)

from .conftest import add_item, all_at, item_data, open_round


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _ada_plans(group):
    """Ada rates her place (submitted), agrees a level, adds an item, notes progress on it and
    changes it; Ben leaves a draft of his ratings unsubmitted."""
    assessment_round = open_round(group)
    services.save_assessment(group.ada.user, assessment_round, group.ada,
                             all_at(group.framework, "assuring", "Our strategy says so"),
                             submit=True)
    services.agree(group.ada.user, assessment_round, group.place, group.ada,
                   {"1": ("assuring", "")})
    services.save_assessment(group.ben.user, assessment_round, group.ben,
                             {"1": ("assuring", "Not sure yet")}, submit=False)
    item = add_item(group)
    services.add_progress(group.ada.user, item, "Drafted the first section", None, "in_progress")
    services.update_item(group.ada.user, item, group.framework,
                         item_data(group, title="Draft and consult on the strategy"),
                         item.version)
    commit()
    return assessment_round, item


def test_her_download_holds_her_ratings_items_notes_and_changes(group):
    _ada_plans(group)
    mine = part.export(group.ada.user)
    [assessment] = mine["self_assessments"]
    assert assessment["submitted"] and {r["evidence"] for r in assessment["ratings"]} == {
        "Our strategy says so"}
    assert [(i["title"], i["you_own_it"], i["you_added_it"]) for i in mine["action_items"]] == [
        ("Draft and consult on the strategy", True, True)]
    assert [n["text"] for n in mine["progress_notes"]] == ["Drafted the first section"]
    assert mine["changes_to_items"] and len(mine["agreed_ratings_you_recorded"]) == 1
    assert [r["round"] for r in part.export(group.facilitator.user)[
        "assessment_rounds_you_opened"]] == ["Start of the programme"]
    assert part.export(group.cy.user)["action_items"] == []


def test_her_erasure_leaves_the_plan_with_the_place_and_takes_a_draft(group):
    _assessment_round, item = _ada_plans(group)
    for person in (group.ada, group.ben):
        part.erase(person.user)
    commit()
    assert db.session.get(ActionItem, item.id).owner_id == group.ada.user_id
    assert _count(ItemUpdate) == 1 and _count(AgreedRating) == 1
    assert [a.membership_id for a in db.session.execute(select(SelfAssessment)).scalars()] == [
        group.ada.id]  # submitted, it stays with the place; Ben's draft goes


def test_a_finished_cohorts_individual_ratings_go_and_names_are_cleared(group):
    _assessment_round, item = _ada_plans(group)
    # three changes to the item: adding it, the note's change of status, the edit
    expected = {"self-assessments": 2, "names on agreed ratings": 1,
                "names on progress notes": 1, "names on changes to items": 3,
                "names of who added an item": 1}
    assert part.expire(group.cohort, dry_run=True) == expected
    assert _count(SelfAssessment) == 2
    assert part.expire(group.cohort, dry_run=False) == expected
    commit()
    assert _count(SelfAssessment) == 0
    assert _count(AgreedRating, AgreedRating.agreed_by_id.is_(None)) == 1
    assert _count(ItemUpdate, ItemUpdate.author_id.is_(None)) == 1
    assert _count(ItemChange, ItemChange.changed_by_id.is_not(None)) == 0
    kept = db.session.get(ActionItem, item.id)
    assert kept.title == "Draft and consult on the strategy" and kept.created_by_id is None
    assert set(part.expire(group.cohort, dry_run=True).values()) == {0}
