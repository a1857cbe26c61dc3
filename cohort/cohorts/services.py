"""Cohorts and memberships: opening and editing a cohort, who is in it, places and their teams.

Services take the acting user, never touch the request, and only flush.
"""

import re

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from cohort.accounts.models import User
from cohort.accounts.services import find_or_create_user, grant_admin, send_welcome
from cohort.cohorts.models import (
    COHORT_STATUSES,
    ROLES,
    Cohort,
    Membership,
    Organisation,
    Place,
    PlaceHolding,
)
from cohort.core.audit import record
from cohort.core.errors import UserError, check_version
from cohort.core.timeutil import utcnow
from cohort.extensions import db

STAFF_ROLES = ("facilitator", "evaluator")


class CohortError(UserError):
    """A refusal by the cohort services; the message is shown to the user."""


def ensure_changeable(cohort: Cohort) -> None:
    """Raise CohortError when the cohort has finished: it is read-only until reopened."""
    if cohort.is_finished:
        raise CohortError(f"{cohort.title} has finished, so it can no longer be changed. A "
                          "facilitator can reopen it in its settings")


# Opening and editing a cohort ----------------------------------------------------------------


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "cohort"


def create_cohort(acting, title: str, facilitate: bool = True, **fields) -> Cohort:
    """Create a cohort with a unique slug; the person who opens it becomes its facilitator
    (unless `facilitate` is False: an admin setting one up for others). Raises CohortError on
    a bad status or capacity."""
    title = (title or "").strip()
    if not title:
        raise CohortError("Enter the cohort's title", "title")
    validate_cohort_fields(fields)
    base = slugify(fields.pop("slug", None) or title)
    slug, n = base, 1
    while db.session.execute(select(Cohort.id).where(Cohort.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    cohort = Cohort(title=title, slug=slug, **fields)
    db.session.add(cohort)
    db.session.flush()
    record(acting, "cohort_created", subject=cohort.slug)
    if acting is not None and facilitate:
        add_member(acting, cohort, acting, "facilitator")
    return cohort


def validate_cohort_fields(fields: dict, cohort: Cohort | None = None) -> None:
    """Raise CohortError for fields that cannot stand together."""
    if fields.get("status", "draft") not in COHORT_STATUSES:
        raise CohortError("Choose a status", "status")
    capacity = fields.get("capacity", 12)
    if capacity is None or capacity < 1:
        raise CohortError("Enter the number of places, 1 or more", "capacity")
    if capacity > 500:
        raise CohortError("Enter 500 places or fewer", "capacity")
    if cohort is not None:
        taken = places_taken(cohort)
        if capacity < taken:
            raise CohortError(
                f"{taken} places are taken: the capacity cannot be less than that", "capacity"
            )
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        raise CohortError("The end date must be on or after the start date", "ends_on")
    opens, closes = fields.get("applications_open_at"), fields.get("applications_close_at")
    if (opens is None) != (closes is None):
        raise CohortError(
            "Enter both the opening and the closing date of the call, or neither",
            "applications_close_at" if opens else "applications_open_at",
        )
    if opens and closes and closes <= opens:
        raise CohortError("The call must close after it opens", "applications_close_at")


EDITABLE_FIELDS = (
    "title", "focus", "description", "status", "starts_on", "ends_on", "capacity",
    "ground_rules", "applications_open_at", "applications_close_at", "focus_hint",
    "strategy_hint",
)


def update_cohort(acting, cohort: Cohort, seen_version: int | None = None, **fields) -> Cohort:
    """Change a cohort's settings; raise CohortError when they do not stand together, and
    ChangedMeanwhile when `seen_version` (the version the editor was shown) is no longer current."""
    check_version(cohort, seen_version)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    reopening = cohort.is_finished and fields.get("status", "finished") != "finished"
    if cohort.is_finished and not reopening and any(
            getattr(cohort, name) != value for name, value in fields.items()):
        raise CohortError(f"{cohort.title} has finished, so its settings cannot change. To "
                          "change them, reopen it: choose another status", "status")
    if "title" in fields and not (fields["title"] or "").strip():
        raise CohortError("Enter the cohort's title", "title")
    merged = {name: getattr(cohort, name) for name in EDITABLE_FIELDS} | fields
    validate_cohort_fields(merged, cohort)
    for name, value in fields.items():
        setattr(cohort, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    record(acting, "cohort_reopened" if reopening else "cohort_updated", subject=cohort.slug)
    return cohort


def all_cohorts() -> list[Cohort]:
    return list(db.session.execute(select(Cohort).order_by(Cohort.title)).scalars())


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def cohort_with_membership(cohort_id: int, user) -> tuple[Cohort | None, Membership | None]:
    """The cohort and the user's current membership of it, in one query."""
    signed_in = getattr(user, "is_authenticated", False)
    if not signed_in:
        return get_cohort(cohort_id), None
    row = db.session.execute(
        select(Cohort, Membership)
        .outerjoin(Membership, and_(
            Membership.cohort_id == Cohort.id, Membership.user_id == user.id,
            Membership.status == "active", Membership.approved.is_(True)))
        .where(Cohort.id == cohort_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def open_calls() -> list[Cohort]:
    """The cohorts taking applications now, closing soonest first."""
    now = utcnow()
    return [cohort for cohort in db.session.execute(
        select(Cohort).where(Cohort.status.in_(("recruiting", "running")),
                             Cohort.applications_open_at <= now,
                             Cohort.applications_close_at > now)
        .order_by(Cohort.applications_close_at)
    ).scalars() if cohort.call_is_open(now)]


def cohort_by_slug(slug: str) -> Cohort | None:
    return db.session.execute(select(Cohort).where(Cohort.slug == slug)).scalar_one_or_none()


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
    record(acting, "role_granted", subject=user.email, detail=f"{role} in {cohort.slug}")
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
    membership = None
    if cohort is not None:
        membership = add_member(acting, cohort, user, role, organisation=organisation,
                                **membership_fields)
    if make_admin and not user.is_admin:
        grant_admin(acting, user)
    send_welcome(user, "emails/cohorts/invited.txt", acting=acting, cohort=cohort,
                 membership=membership)
    record(acting, "user_invited", subject=user.email,
           detail=f"to {cohort.title} as {membership.role_label.lower()}" if membership else None)
    return user, created


def add_staff(acting, cohort: Cohort, email: str, name: str, role: str) -> User:
    """Add a co-facilitator or an evaluator by email, inviting them if they are new."""
    ensure_changeable(cohort)
    if role not in STAFF_ROLES:
        raise CohortError("Choose facilitator or evaluator", "role")
    user, _created = invite(acting, email, name, cohort=cohort, role=role)
    return user


def memberships_for(user) -> list[Membership]:
    """The person's current memberships, newest cohort first (cohort and organisation loaded)."""
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.cohort)
            .options(contains_eager(Membership.cohort))
            .where(
                Membership.user_id == user.id,
                Membership.status == "active",
                Membership.approved.is_(True),
            )
            .order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
        ).scalars()
    )


def membership_of(user, cohort: Cohort) -> Membership | None:
    """The person's current membership of the cohort, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(
        select(Membership).where(
            Membership.cohort_id == cohort.id,
            Membership.user_id == user.id,
            Membership.status == "active",
            Membership.approved.is_(True),
        )
    ).scalar_one_or_none()


def cohort_members(cohort: Cohort) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.status == "active",
                Membership.approved.is_(True),
            )
            .order_by(Membership.role, Membership.id)
        ).scalars()
    )


def staff_of(cohort: Cohort) -> list[Membership]:
    """The cohort's facilitators and evaluators."""
    return [m for m in cohort_members(cohort) if m.role in STAFF_ROLES]


def places_and_members(cohort: Cohort) -> tuple[list[Place], list[Membership]]:
    """Every place of the cohort (active first, with their holding history) and every active
    member, in three queries whatever their number."""
    places = list(db.session.execute(
        select(Place).where(Place.cohort_id == cohort.id)
        .options(selectinload(Place.holdings))
        .order_by(Place.slot.is_(None), Place.slot, Place.id)
    ).scalars())
    members = list(db.session.execute(
        select(Membership).where(Membership.cohort_id == cohort.id,
                                 Membership.status == "active")
        .order_by(Membership.role, Membership.id)
    ).scalars())
    return places, members


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
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.user)
            .outerjoin(Membership.organisation)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.status == "active",
                Membership.approved.is_(True),
                Membership.role.in_(("participant", "colleague")),
            )
            .order_by(Organisation.name.nulls_last(), User.name)
        ).scalars()
    )


def update_working_on(acting, membership: Membership, text: str | None) -> Membership:
    """Set the short 'what I am working on' line shown in the member directory."""
    ensure_changeable(membership.cohort)
    text = (text or "").strip()
    if len(text) > 500:
        raise CohortError("Keep it to 500 characters or fewer", "working_on")
    membership.working_on = text or None
    db.session.flush()
    return membership


# Places --------------------------------------------------------------------------------------


def places_taken(cohort: Cohort) -> int:
    return db.session.execute(
        select(func.count(Place.id)).where(Place.cohort_id == cohort.id, Place.slot.is_not(None))
    ).scalar_one()


def free_places(cohort: Cohort) -> int:
    return max(0, cohort.capacity - places_taken(cohort))


def current_holding(place: Place) -> PlaceHolding | None:
    return db.session.execute(
        select(PlaceHolding).where(PlaceHolding.place_id == place.id, PlaceHolding.ended_at.is_(None))
    ).scalar_one_or_none()


def holder_of(place: Place) -> Membership | None:
    return db.session.execute(
        select(Membership).where(
            Membership.place_id == place.id,
            Membership.role == "participant",
            Membership.status == "active",
        )
    ).scalar_one_or_none()


def team_of(place: Place, include_pending: bool = False) -> list[Membership]:
    query = select(Membership).where(
        Membership.place_id == place.id,
        Membership.role == "colleague",
        Membership.status == "active",
    )
    if not include_pending:
        query = query.where(Membership.approved.is_(True))
    return list(db.session.execute(query.order_by(Membership.id)).scalars())
