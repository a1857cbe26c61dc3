"""Members: who is in a cohort, in which role, and the admin's invitation."""


from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from cohort.accounts.models import User
from cohort.accounts.services import find_or_create_user, grant_admin, send_welcome
from cohort.cohorts.models import (
    ROLES,
    STAFF_ROLES,
    Cohort,
    Membership,
    Organisation,
    Place,
)
from cohort.cohorts.services.errors import CohortError
from cohort.cohorts.services.rules import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import prepared
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = [
    "organisation_named", "add_member", "invite", "add_staff", "memberships_for",
    "membership_of", "cohort_members", "staff_of", "places_and_members", "facilitators_of",
    "directory", "people_in", "set_suggest_me", "update_working_on",
]

# Members -------------------------------------------------------------------------------------


def organisation_named(name: str | None) -> Organisation | None:
    """Return the organisation with this name, creating it when new."""
    name = (name or "").strip()
    if not name:
        return None
    org = db.session.execute(
        select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()
    if org is None:
        try:
            with db.session.begin_nested():
                org = Organisation(name=name)
                db.session.add(org)
                db.session.flush()
        except IntegrityError:
            # Another request (two officers of one council accepted at once) created it first.
            org = db.session.execute(
                select(Organisation).where(Organisation.name == name)
            ).scalar_one()
    return org


def add_member(acting, cohort: Cohort, user, role: str, organisation: str | None = None,
               area_of_focus: str | None = None,
               professional_background: str | None = None, place=None,
               approved: bool = True) -> Membership:
    """Give a person a role in a cohort; raise CohortError if they already have one."""
    if role not in ROLES:
        raise CohortError("Choose a role", "role")
    existing = db.session.execute(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.user_id == user.id)
    ).scalar_one_or_none()
    if existing is not None and existing.status == "active":
        raise CohortError(f"{user.name} is already in this cohort as {existing.role_label.lower()}")
    if existing is not None:  # someone who left (or was declined) comes back
        existing.role, existing.status, existing.left_at = role, "active", None
        existing.joined_at, existing.place, existing.approved = utcnow(), place, approved
        existing.organisation = organisation_named(organisation or user.organisation)
        existing.area_of_focus = area_of_focus or existing.area_of_focus
        membership = existing
    else:
        membership = Membership(
            cohort=cohort, user=user, role=role, joined_at=utcnow(),
            organisation=organisation_named(organisation or user.organisation),
            area_of_focus=area_of_focus, professional_background=professional_background,
            place=place, approved=approved,
        )
        db.session.add(membership)
    db.session.flush()
    record(acting, "role_granted", subject=user.email, detail=f"{role} in {cohort.slug}",
           cohort=cohort, about=user)
    return membership


def invite(acting, email: str, name: str, cohort: Cohort | None = None, role: str | None = None,
           organisation: str | None = None, job_title: str | None = None,
           make_admin: bool = False, **membership_fields) -> tuple[User, bool]:
    """Invite a person, optionally into a cohort with a role; return (user, created).

    A new person gets a single-use link to set a password; a person who already has an
    account gains the membership and is told by email. Raises UserError when refused.
    """
    user, created = find_or_create_user(email, name, organisation=organisation,
                                        job_title=job_title)
    if user.has_password and cohort is None and (not make_admin or user.is_admin):
        raise CohortError(f"{user.name} already has an account: choose a cohort to add them "
                          "to, or make them a site administrator", "cohort")
    membership = None
    if cohort is not None:
        membership = add_member(acting, cohort, user, role, organisation=organisation,
                                **membership_fields)
    if make_admin and not user.is_admin:
        grant_admin(acting, user)
    send_welcome(user, "emails/cohorts/invited.txt", acting=acting, cohort=cohort,
                 membership=membership)
    record(acting, "user_invited", subject=user.email,
           detail=f"to {cohort.title} as {membership.role_label.lower()}" if membership else None,
           cohort=cohort, about=user)
    return user, created


def add_staff(acting, cohort: Cohort, email: str, name: str, role: str) -> User:
    """Add a co-facilitator or an evaluator by email, inviting them if they are new."""
    ensure_changeable(cohort)
    if role not in STAFF_ROLES:
        raise CohortError("Choose facilitator or evaluator", "role")
    user, _created = invite(acting, email, name, cohort=cohort, role=role)
    return user


@prepared
def _memberships_of_user():
    return (select(Membership)
            .join(Membership.cohort)
            .options(contains_eager(Membership.cohort))
            .where(Membership.user_id == bindparam("user"), Membership.status == "active",
                   Membership.approved.is_(True))
            .order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc()))


def memberships_for(user) -> list[Membership]:
    """The person's current memberships, newest cohort first (cohort and organisation loaded)."""
    return list(db.session.execute(_memberships_of_user(), {"user": user.id}).scalars())


def membership_of(user, cohort: Cohort) -> Membership | None:
    """The person's current membership of the cohort, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(_membership_in_cohort(),
                              {"cohort": cohort.id, "user": user.id}).scalar_one_or_none()


@prepared
def _membership_in_cohort():
    return select(Membership).where(
        Membership.cohort_id == bindparam("cohort"), Membership.user_id == bindparam("user"),
        Membership.status == "active", Membership.approved.is_(True))


@prepared
def _cohort_members():
    return (select(Membership)
            .where(Membership.cohort_id == bindparam("cohort"), Membership.status == "active",
                   Membership.approved.is_(True))
            .order_by(Membership.role, Membership.id))


def cohort_members(cohort: Cohort) -> list[Membership]:
    return list(db.session.execute(_cohort_members(), {"cohort": cohort.id}).scalars())


def staff_of(cohort: Cohort) -> list[Membership]:
    """The cohort's facilitators and evaluators."""
    return [m for m in cohort_members(cohort) if m.role in STAFF_ROLES]


def places_and_members(cohort: Cohort) -> tuple[list[Place], list[Membership]]:
    """Every place of the cohort (active first, with their holding history) and every active
    member, in three queries whatever their number."""
    values = {"cohort": cohort.id}
    return (list(db.session.execute(_places_of(), values).scalars()),
            list(db.session.execute(_active_members(), values).scalars()))


@prepared
def _places_of():
    return (select(Place).where(Place.cohort_id == bindparam("cohort"))
            .options(selectinload(Place.holdings))
            .order_by(Place.slot.is_(None), Place.slot, Place.id))


@prepared
def _active_members():
    return (select(Membership).where(Membership.cohort_id == bindparam("cohort"),
                                     Membership.status == "active")
            .order_by(Membership.role, Membership.id))


def facilitators_of(cohort: Cohort) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership).where(
                Membership.cohort_id == cohort.id,
                Membership.role == "facilitator",
                Membership.status == "active",
            )
        ).scalars()
    )


def directory(cohort: Cohort) -> list[Membership]:
    """Participants and approved team members, by organisation then name."""
    return people_in([cohort.id])


def people_in(cohort_ids: list[int]) -> list[Membership]:
    """The current participants and approved team members of the cohorts, by organisation then
    name (one query however many)."""
    if not cohort_ids:
        return []
    return list(db.session.execute(_people_in(), {"cohorts": list(cohort_ids)}).scalars())


@prepared
def _people_in():
    return (select(Membership)
            .join(Membership.user)
            .outerjoin(Membership.organisation)
            .where(Membership.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   Membership.status == "active", Membership.approved.is_(True),
                   Membership.role.in_(("participant", "colleague")))
            .order_by(Organisation.name.nulls_last(), User.name, Membership.id))


def set_suggest_me(membership: Membership, on: bool) -> Membership:
    """Let other members be told to talk to this one, or stop it (any time, even once the
    cohort has finished: it only narrows what others see)."""
    membership.suggest_me = bool(on)
    db.session.flush()
    return membership


def update_working_on(acting, membership: Membership, text: str | None) -> Membership:
    """Set the short 'what I am working on' line shown in the member directory."""
    ensure_changeable(membership.cohort)
    text = (text or "").strip()
    if len(text) > 500:
        raise CohortError("Keep it to 500 characters or fewer", "working_on")
    membership.working_on = text or None
    db.session.flush()
    return membership
