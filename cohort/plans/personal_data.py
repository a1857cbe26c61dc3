"""The plans' part of a person's data: their self-assessments, the action items they own or
added, their progress notes and changes to items, the ratings they recorded as agreed, and
what they did as staff (rounds opened, frameworks imported or chosen) (see
core/personal.py)."""

from sqlalchemy import and_, delete, or_, select

from cohort.cohorts.models import Cohort, Membership
from cohort.core.personal import cleared, purged, when
from cohort.extensions import db
from cohort.plans.models import (
    ITEM_STATUSES,
    ActionItem,
    ActionPlan,
    AgreedRating,
    AssessmentRound,
    CohortFramework,
    Framework,
    FrameworkLevel,
    Hallmark,
    ItemChange,
    ItemUpdate,
    SelfAssessment,
)

COVERS = (Framework, CohortFramework, AssessmentRound, SelfAssessment, AgreedRating, ActionItem,
          ItemUpdate, ItemChange)


def _memberships(user):
    return select(Membership.id).where(Membership.user_id == user.id)


def export(user) -> dict:
    return {
        "self_assessments": _self_assessments(user),
        "action_items": [{
            "cohort": title, "title": item.title, "details": item.details,
            "status": ITEM_STATUSES[item.status], "due": item.due_on and item.due_on.isoformat(),
            "you_own_it": item.owner_id == user.id, "you_added_it": item.created_by_id == user.id}
            for item, title in db.session.execute(
                select(ActionItem, Cohort.title).join(ActionPlan, ActionPlan.id == ActionItem.plan_id)
                .join(Cohort, Cohort.id == ActionPlan.cohort_id)
                .where(or_(ActionItem.owner_id == user.id, ActionItem.created_by_id == user.id))
                .order_by(ActionItem.created_at)).all()],
        "progress_notes": [{"item": title, "at": when(u.created_at), "text": u.text,
                            "evidence": u.evidence} for u, title in db.session.execute(
            select(ItemUpdate, ActionItem.title).join(ActionItem, ActionItem.id == ItemUpdate.item_id)
            .where(ItemUpdate.author_id == user.id).order_by(ItemUpdate.created_at)).all()],
        "changes_to_items": [{"item": title, "at": when(c.changed_at), "change": c.summary}
                             for c, title in db.session.execute(
            select(ItemChange, ActionItem.title).join(ActionItem, ActionItem.id == ItemChange.item_id)
            .where(ItemChange.changed_by_id == user.id).order_by(ItemChange.changed_at)).all()],
        "agreed_ratings_you_recorded": [{
            "cohort": cohort, "round": name, "hallmark": hallmark, "level": level or "Not yet",
            "at": when(at)} for cohort, name, hallmark, level, at in db.session.execute(
            select(Cohort.title, AssessmentRound.name, Hallmark.name, FrameworkLevel.name,
                   AgreedRating.agreed_at)
            .join(AssessmentRound, AssessmentRound.id == AgreedRating.round_id)
            .join(Cohort, Cohort.id == AssessmentRound.cohort_id)
            .join(Hallmark, Hallmark.id == AgreedRating.hallmark_id)
            .outerjoin(FrameworkLevel, FrameworkLevel.id == AgreedRating.level_id)
            .where(AgreedRating.agreed_by_id == user.id).order_by(AgreedRating.agreed_at)).all()],
        "assessment_rounds_you_opened": [{"cohort": cohort, "round": name, "at": when(at)}
                                         for cohort, name, at in db.session.execute(
            select(Cohort.title, AssessmentRound.name, AssessmentRound.opened_at)
            .join(Cohort, Cohort.id == AssessmentRound.cohort_id)
            .where(AssessmentRound.opened_by_id == user.id)).all()],
        "frameworks_you_imported": [{"framework": f.name, "version": f.version,
                                     "file": f.source, "at": when(f.created_at)}
                                    for f in db.session.execute(select(Framework).where(
                                        Framework.imported_by_id == user.id)).scalars()],
        "frameworks_you_chose_for_a_cohort": [{"cohort": cohort, "at": when(at)}
                                              for cohort, at in db.session.execute(
            select(Cohort.title, CohortFramework.chosen_at)
            .join(Cohort, Cohort.id == CohortFramework.cohort_id)
            .where(CohortFramework.chosen_by_id == user.id)).all()],
    }


def _self_assessments(user) -> list[dict]:
    rows = db.session.execute(
        select(SelfAssessment, AssessmentRound.name, Cohort.title)
        .join(AssessmentRound, AssessmentRound.id == SelfAssessment.round_id)
        .join(Cohort, Cohort.id == AssessmentRound.cohort_id)
        .where(SelfAssessment.membership_id.in_(_memberships(user)))
        .order_by(AssessmentRound.opened_at)).all()
    names = dict(db.session.execute(select(Hallmark.id, Hallmark.name).where(
        Hallmark.id.in_({r.hallmark_id for a, _n, _t in rows for r in a.ratings}))).all())
    levels = dict(db.session.execute(select(FrameworkLevel.id, FrameworkLevel.name).where(
        FrameworkLevel.id.in_({r.level_id for a, _n, _t in rows for r in a.ratings}))).all())
    return [{"cohort": title, "round": name, "submitted": when(a.submitted_at),
             "ratings": [{"hallmark": names.get(r.hallmark_id),
                          "level": levels.get(r.level_id, "Not yet") if r.answered else None,
                          "evidence": r.evidence} for r in a.ratings]}
            for a, name, title in rows]


def erase(user) -> None:
    """Self-assessments they never submitted go. The rest stays with the place, as its plan
    does: what they submitted, the items they own or added, their progress notes and changes,
    all now of "a former member"."""
    db.session.execute(delete(SelfAssessment).where(
        SelfAssessment.membership_id.in_(_memberships(user)),
        SelfAssessment.submitted_at.is_(None)).execution_options(synchronize_session=False))
    db.session.flush()


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """Each person's self-assessment goes (the places' agreed ratings stay); who agreed a
    rating, wrote a progress note, changed or added an item is cleared. The plans stay with
    their places; an item's owner stays, as an item must have one."""
    rounds = select(AssessmentRound.id).where(AssessmentRound.cohort_id == cohort.id)
    items = select(ActionItem.id).join(ActionPlan, ActionPlan.id == ActionItem.plan_id).where(
        ActionPlan.cohort_id == cohort.id)
    counts = purged({"self-assessments": (SelfAssessment, SelfAssessment.round_id.in_(rounds))},
                    dry_run)
    return counts | cleared({
        "names on agreed ratings": (AgreedRating, and_(AgreedRating.round_id.in_(rounds),
                                                       AgreedRating.agreed_by_id.is_not(None)),
                                    {"agreed_by_id": None}),
        "names on progress notes": (ItemUpdate, and_(ItemUpdate.item_id.in_(items),
                                                     ItemUpdate.author_id.is_not(None)),
                                    {"author_id": None}),
        "names on changes to items": (ItemChange, and_(ItemChange.item_id.in_(items),
                                                       ItemChange.changed_by_id.is_not(None)),
                                      {"changed_by_id": None}),
        "names of who added an item": (ActionItem, and_(ActionItem.id.in_(items),
                                                        ActionItem.created_by_id.is_not(None)),
                                       {"created_by_id": None})}, dry_run)

