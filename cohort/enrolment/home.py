"""What needs a facilitator in enrolment, for the home page and the cohort's overview (see
core/cards.py): applications waiting for review, handover proposals and team members waiting
for their decision."""

from flask import url_for
from sqlalchemy import bindparam, func, literal, select, union_all

from cohort.cohorts.models import Membership, Place
from cohort.core.cards import NOW, Todo
from cohort.core.database import prepared
from cohort.enrolment.models import Application, HandoverRequest
from cohort.extensions import db


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@prepared
def _waiting():
    run = bindparam("run", expanding=True)
    applications = (
        select(literal("applications").label("kind"), Application.cohort_id, func.count())
        .where(Application.cohort_id.in_(run), Application.status == "submitted")
        .group_by(Application.cohort_id))
    handovers = (
        select(literal("handovers").label("kind"), Place.cohort_id, func.count())
        .select_from(HandoverRequest).join(Place, Place.id == HandoverRequest.place_id)
        .where(Place.cohort_id.in_(run), HandoverRequest.status == "pending")
        .group_by(Place.cohort_id))
    colleagues = (
        select(literal("colleagues").label("kind"), Membership.cohort_id, func.count())
        .where(Membership.cohort_id.in_(run), Membership.role == "colleague",
               Membership.approved.is_(False), Membership.status == "active")
        .group_by(Membership.cohort_id))
    return union_all(applications, handovers, colleagues)


def _counts(run: list[int]):
    """(kind, cohort id, how many) of each kind of thing waiting, in one query."""
    return db.session.execute(_waiting(), {"run": run}).all()


def _todo(kind: str, cohort_id: int, count: int) -> Todo:
    if kind == "applications":
        return Todo(cohort_id, "applications_waiting",
                    _plural(count, "application waits", "applications wait") + " for review",
                    url_for("enrolment.applications", cohort_id=cohort_id, status="submitted"),
                    count, NOW)
    roster = url_for("enrolment.roster", cohort_id=cohort_id)
    if kind == "handovers":
        return Todo(cohort_id, "handovers_waiting",
                    _plural(count, "handover proposal waits", "handover proposals wait")
                    + " for your decision", roster, count, NOW)
    return Todo(cohort_id, "team_members_waiting",
                _plural(count, "team member waits", "team members wait") + " for your approval",
                roster, count, NOW)


def todos(user, memberships: list) -> list[Todo]:
    """Applications submitted and not yet decided, handover proposals pending and team members
    not yet approved, in each cohort the person facilitates: one query for all of them."""
    run = [m.cohort_id for m in memberships if m.role == "facilitator"]
    if not run:
        return []
    order = {"applications": 0, "handovers": 1, "colleagues": 2}
    return [_todo(kind, cohort_id, count)
            for kind, cohort_id, count in sorted(_counts(run), key=lambda row: order[row[0]])]
