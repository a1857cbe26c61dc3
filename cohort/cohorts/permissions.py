"""Who may see a cohort and act in it: named predicates used by views and templates alike, and
the loaders that answer 404 for a cohort (or a cohort's object) the user may not see.

A cohort's content is visible to its members only; everyone else gets 404, so its existence
is not revealed.
"""


from flask import g, has_request_context
from sqlalchemy import bindparam, select

from cohort.accounts.permissions import is_admin
from cohort.cohorts.models import Cohort, Membership, Place
from cohort.cohorts.services import cohort_with_membership, membership_of
from cohort.core.database import prepared
from cohort.core.guard import Loader, child, hides
from cohort.extensions import db

__all__ = ["can_view_cohort", "is_member", "can_facilitate", "can_change", "takes_part",
           "can_create_cohort", "can_see_profiles"]

# Who learns together: they see each other's profiles (the evaluator reads places and figures,
# not people; the board, which a profile draws on, is theirs alone too).
LEARNING_ROLES = ("participant", "colleague", "facilitator")


def membership_in(user, cohort: Cohort) -> Membership | None:
    """The user's current membership of the cohort, looked up once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not has_request_context():
        return membership_of(user, cohort)
    cache = g.setdefault("cohort_memberships", {})
    key = (user.id, cohort.id)
    if key not in cache:
        cache[key] = membership_of(user, cohort)
    return cache[key]


def roles_by_cohort(user) -> dict[int, str]:
    """{cohort id: role} of every cohort the person is a current member of: one query, once
    per request (for pages that check many objects across cohorts at once)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cache = g.setdefault("cohort_roles", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = dict(db.session.execute(_roles_of_user(), {"user": user.id}).all())
    return cache[user.id]


@prepared
def _roles_of_user():
    return select(Membership.cohort_id, Membership.role).where(
        Membership.user_id == bindparam("user"), Membership.status == "active",
        Membership.approved.is_(True))


def role_in(user, cohort: Cohort) -> str | None:
    membership = membership_in(user, cohort)
    return membership.role if membership else None


def can_view_cohort(user, cohort: Cohort) -> bool:
    """The cohort's overview and programme: its members and site admins."""
    return is_admin(user) or role_in(user, cohort) is not None


@hides
def is_member(user, cohort: Cohort) -> bool:
    """Pages with members' personal details (the directory, your place): members only. A site
    admin who is no member sees the cohort's overview but none of its people."""
    return role_in(user, cohort) is not None


def can_facilitate(user, cohort: Cohort) -> bool:
    """Run the cohort: settings, applications, roster, staff, the programme, private notes."""
    return role_in(user, cohort) == "facilitator"


def can_change(user, cohort: Cohort) -> bool:
    """Offer the facilitator's actions that change the cohort (schedule, hand over, remove):
    a finished cohort is read-only until reopened."""
    return can_facilitate(user, cohort) and not cohort.is_finished


def takes_part(user, cohort: Cohort) -> bool:
    """Participants and their team members: they have a place page and rate sessions."""
    return role_in(user, cohort) in ("participant", "colleague")


@hides
def can_see_profiles(user, cohort: Cohort) -> bool:
    """Members' profiles: the people learning together, its participants, their team members
    and its facilitators. To the evaluator and a site admin who is no member they do not
    exist."""
    return role_in(user, cohort) in LEARNING_ROLES


def can_create_cohort(user) -> bool:
    """Site admins, and anyone who facilitates a cohort, may open a new one."""
    if is_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if has_request_context() and "can_create_cohort" in g:
        return g.can_create_cohort
    allowed = db.session.execute(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.role == "facilitator",
            Membership.status == "active",
        ).limit(1)
    ).first() is not None
    if has_request_context():
        g.can_create_cohort = allowed
    return allowed


# Loaders for views --------------------------------------------------------------------------


def find_cohort(user, cohort_id: int, _parent=None) -> Cohort | None:
    """The cohort, when the user may see it; the user's membership is looked up with it (one
    query) and kept for the request."""
    cohort, membership = cohort_with_membership(cohort_id, user)
    if cohort is not None and getattr(user, "is_authenticated", False):
        g.setdefault("cohort_memberships", {})[(user.id, cohort.id)] = membership
    if cohort is None or not can_view_cohort(user, cohort):
        return None
    return cohort


def listed(_user, member: Membership) -> bool:
    """In the member list: a current participant or approved team member."""
    return member.is_current and member.role in ("participant", "colleague")


LOADERS = (
    Loader("cohort_id", "cohort", find_cohort),
    # A member of the cohort (any role or state): existence and belonging.
    Loader("membership_id", "membership", child(Membership, "cohort_id"), parent="cohort"),
    # A person in the cohort's member list (a current participant or approved team member):
    # whose profile a page shows. Anyone else (staff, someone who left) has no profile.
    Loader("member_id", "member", child(Membership, "cohort_id", visible=listed),
           parent="cohort"),
    # A place of the cohort, whoever may know of it; who sees its plan or its people is each
    # route's rule (plans, enrolment).
    Loader("place_id", "place", child(Place, "cohort_id"), parent="cohort"),
)
