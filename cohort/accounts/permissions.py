"""Named permission predicates, used by views and templates alike.

A cohort's content is visible to its members only; everyone else gets 404 for it.
"""

from flask import g, has_request_context

from cohort.enrolment.services import membership_of


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


def role_in(user, cohort) -> str | None:
    """The user's role in the cohort, or None. Remembered for the rest of the request, since
    a page asks it many times (navigation, buttons)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("cohort_roles", {}) if has_request_context() else {}
    key = (user.id, cohort.id)
    if key not in cache:
        membership = membership_of(user, cohort)
        cache[key] = membership.role if membership else None
    return cache[key]


def can_view_cohort(user, cohort) -> bool:
    return is_admin(user) or role_in(user, cohort) is not None


def can_facilitate(user, cohort) -> bool:
    return role_in(user, cohort) == "facilitator"


def can_evaluate(user, cohort) -> bool:
    return role_in(user, cohort) in {"evaluator", "facilitator"}


def can_view_mail_log(user) -> bool:
    return is_admin(user)


def can_invite(user) -> bool:
    return is_admin(user)
