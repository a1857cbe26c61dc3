"""Who may do what in enrolment. Views and templates use these predicates alike."""

from sqlalchemy import select

from cohort.accounts.permissions import is_admin, role_in
from cohort.enrolment.models import Membership
from cohort.extensions import db


def can_create_cohort(user) -> bool:
    """Site admins, and anyone who facilitates a cohort, may open a new one."""
    if is_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.execute(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.role == "facilitator",
            Membership.status == "active",
        ).limit(1)
    ).first() is not None


def can_manage_enrolment(user, cohort) -> bool:
    """Edit the cohort, review applications, run the roster and add staff."""
    return role_in(user, cohort) == "facilitator"


def can_view_directory(user, cohort) -> bool:
    return role_in(user, cohort) is not None


def holds_place(membership) -> bool:
    return bool(membership and membership.role == "participant" and membership.place_id)
