"""A place's plan and assessments as CSV, for a spreadsheet, written by core's csv_lines: a
cell a spreadsheet would run as a formula (starting =, +, -, @, a tab or a return) is kept as
text with a leading apostrophe."""

from collections.abc import Iterator

from sqlalchemy import select

from cohort.cohorts.models import Place
from cohort.core.audit import record
from cohort.core.csvfile import csv_lines
from cohort.extensions import db
from cohort.plans.models import AgreedRating, Framework, ItemUpdate, SelfAssessment
from cohort.plans.services.assessments import rounds_of
from cohort.plans.services.frameworks import versions_of
from cohort.plans.services.items import items_of, plan_of
from cohort.plans.services.people import Naming

__all__ = ["place_csv", "export_plan"]


def export_plan(user, place: Place, framework: Framework, label: str,
                who: Naming) -> Iterator[str]:
    """The place's CSV (place_csv), noted in the audit log as exported by `user` (flushed
    with the caller's work)."""
    record(user, "plan_exported", subject=f"place {place.id}", detail=place.cohort.slug,
           cohort=place.cohort_id)
    return place_csv(place, framework, label, who)


def place_csv(place: Place, framework: Framework, label: str, who: Naming) -> Iterator[str]:
    """The lines of a CSV file of two tables: the plan's items with their latest update, then
    every rating (each person's and the agreed level) in every round; people as `who` names
    them (by role for the evaluator). The rows are read now, while the caller's session is
    open; their lines are written as they are taken (a download streams them)."""
    return csv_lines(list(_place_rows(place, framework, label, who)))


def _place_rows(place: Place, framework: Framework, label: str, who: Naming) -> Iterator[tuple]:
    versions = versions_of(place.cohort, framework)  # what was made under earlier versions
    levels = {level_id: level.name for level_id, level in versions.levels.items()}
    hallmarks = versions.hallmarks

    def level(level_id, answered=True):
        return levels.get(level_id, "Not yet") if answered else ""

    yield ("Action plan", label)
    yield ("Action", "Hallmarks", "Current level", "Target", "Owner", "Due", "Status",
           "Latest update", "Evidence")
    items = items_of(plan_of(place))
    latest_of: dict[int, ItemUpdate] = {}
    for update in db.session.execute(select(ItemUpdate).where(
            ItemUpdate.item_id.in_([item.id for item in items]))
            .order_by(ItemUpdate.created_at, ItemUpdate.id)).scalars():
        latest_of[update.item_id] = update
    for item in items:
        latest = latest_of.get(item.id)
        yield (item.title,
               " ".join(hallmarks[h].key for h in item.hallmark_ids if h in hallmarks),
               level(item.current_level_id), level(item.target_level_id),
               who(place.id, item.owner), item.due_on.isoformat() if item.due_on else "",
               item.status_label, latest.text if latest else "",
               " ".join(latest.links) if latest else "")
    yield ()
    yield ("Self-assessments", label)
    yield ("Round", "Opened", "Person" if who.names else "Role on the place", "Hallmark", "Level",
           "Evidence or notes")
    for assessment_round in rounds_of(place.cohort):
        if assessment_round.framework_id not in versions.ids:
            continue
        opened = assessment_round.opened_at.date().isoformat()
        for assessment in db.session.execute(select(SelfAssessment).where(
                SelfAssessment.round_id == assessment_round.id,
                SelfAssessment.place_id == place.id,
                SelfAssessment.submitted_at.is_not(None)).order_by(SelfAssessment.id)).scalars():
            for rating in assessment.ratings:
                yield (assessment_round.name, opened, who(place.id, assessment.membership.user),
                       hallmarks[rating.hallmark_id].key, level(rating.level_id, rating.answered),
                       rating.evidence or "")
        for agreed in db.session.execute(select(AgreedRating).where(
                AgreedRating.round_id == assessment_round.id,
                AgreedRating.place_id == place.id).order_by(AgreedRating.id)).scalars():
            yield (assessment_round.name, opened, "Agreed by the place",
                   hallmarks[agreed.hallmark_id].key, level(agreed.level_id),
                   agreed.notes or "")
