"""Enrolment services: cohorts and memberships."""

import re

from sqlalchemy import select

from cohort.core.audit import record
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import COHORT_STATUSES, ROLES, Cohort, Membership, Organisation
from cohort.extensions import db


class EnrolmentError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "cohort"


def create_cohort(acting, title: str, **fields) -> Cohort:
    """Create a cohort with a unique slug; raise EnrolmentError on a bad status or capacity."""
    title = (title or "").strip()
    if not title:
        raise EnrolmentError("Enter the cohort's title", "title")
    status = fields.get("status", "draft")
    if status not in COHORT_STATUSES:
        raise EnrolmentError("Choose a status", "status")
    if fields.get("capacity", 12) < 1:
        raise EnrolmentError("Capacity must be at least 1", "capacity")
    base = slugify(fields.pop("slug", None) or title)
    slug, n = base, 1
    while db.session.execute(select(Cohort.id).where(Cohort.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    cohort = Cohort(title=title, slug=slug, **fields)
    db.session.add(cohort)
    db.session.flush()
    record(acting, "cohort_created", subject=cohort.slug)
    return cohort


def organisation_named(name: str | None) -> Organisation | None:
    """Return the organisation with this name, creating it when new."""
    name = (name or "").strip()
    if not name:
        return None
    org = db.session.execute(
        select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()
    if org is None:
        org = Organisation(name=name)
        db.session.add(org)
        db.session.flush()
    return org


def add_member(acting, cohort: Cohort, user, role: str, organisation: str | None = None,
               area_of_focus: str | None = None,
               professional_background: str | None = None) -> Membership:
    """Give a person a role in a cohort; raise EnrolmentError if they already have one."""
    if role not in ROLES:
        raise EnrolmentError("Choose a role", "role")
    existing = db.session.execute(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
    ).scalar_one_or_none()
    if existing is not None:
        raise EnrolmentError(f"{user.name} is already in this cohort as {existing.role_label.lower()}")
    membership = Membership(
        cohort=cohort, user=user, role=role, joined_at=utcnow(),
        organisation=organisation_named(organisation or user.organisation),
        area_of_focus=area_of_focus, professional_background=professional_background,
    )
    db.session.add(membership)
    db.session.flush()
    record(acting, "role_granted", subject=user.email, detail=f"{role} in {cohort.slug}")
    return membership


def memberships_for(user) -> list[Membership]:
    """The person's active memberships, newest cohort first (cohort and organisation loaded)."""
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.cohort)
            .where(Membership.user_id == user.id, Membership.status == "active")
            .order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
        ).scalars()
    )


def membership_of(user, cohort: Cohort) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(
        select(Membership).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == user.id,
            Membership.status == "active",
        )
    ).scalar_one_or_none()


def cohort_members(cohort: Cohort) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .where(Membership.cohort_id == cohort.id, Membership.status == "active")
            .order_by(Membership.role, Membership.id)
        ).scalars()
    )


def all_cohorts() -> list[Cohort]:
    return list(db.session.execute(select(Cohort).order_by(Cohort.title)).scalars())


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)
