"""Opening and editing a cohort, and finding one."""

import re
from collections import Counter

from sqlalchemy import and_, bindparam, select

from cohort.cohorts.models import (
    COHORT_STATUSES,
    Cohort,
    Membership,
)
from cohort.cohorts.services.errors import CohortError
from cohort.cohorts.services.members import add_member
from cohort.cohorts.services.places import places_taken
from cohort.core.audit import record
from cohort.core.database import prepared
from cohort.core.errors import check_version
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = [
    "slugify", "create_cohort", "validate_cohort_fields", "EDITABLE_FIELDS",
    "update_cohort", "cohort_titles", "told_apart", "get_cohort", "cohort_with_membership", "open_calls",
    "cohort_by_slug",
]

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
    record(acting, "cohort_created", subject=cohort.slug, cohort=cohort)
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
    "strategy_hint", "erasure_deletes_answers",
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
    was = cohort.status
    for name, value in fields.items():
        setattr(cohort, name, value.strip() if isinstance(value, str) else value)
    if reopening:  # its retention period starts again when it finishes again, and a cohort
        cohort.personal_data_expired_at = None  # running again is back in the lists
        cohort.archived_at = None
    db.session.flush()
    if cohort.status != was:
        action = "cohort_reopened" if reopening else "cohort_status_changed"
        record(acting, action, subject=cohort.slug, detail=f"{was} → {cohort.status}",
               cohort=cohort)
    else:
        record(acting, "cohort_updated", subject=cohort.slug, cohort=cohort)
    return cohort


def cohort_titles(archived: bool = True) -> list[tuple[int, str]]:
    """(id, title) of every cohort, by title (the archived ones too unless `archived` is
    False): what a choice of cohort lists, read as three columns rather than as a thousand
    cohorts. Titles need not be unique: one that two cohorts share names each by its address
    as well ("Wellbeing (wellbeing-2)"), so each choice, typed or picked, is one cohort."""
    statement = select(Cohort.id, Cohort.title, Cohort.slug).order_by(Cohort.title, Cohort.id)
    if not archived:
        statement = statement.where(Cohort.archived_at.is_(None))
    return told_apart(db.session.execute(statement).all())


def told_apart(rows) -> list[tuple[int, str]]:
    """(id, label) for (id, title, slug) rows: the title, with the slug where titles repeat."""
    shared = {title for title, count in Counter(row[1] for row in rows).items() if count > 1}
    return [(cohort_id, f"{title} ({slug})" if title in shared else title)
            for cohort_id, title, slug in rows]


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def cohort_with_membership(cohort_id: int, user) -> tuple[Cohort | None, Membership | None]:
    """The cohort and the user's current membership of it, in one query."""
    signed_in = getattr(user, "is_authenticated", False)
    if not signed_in:
        return get_cohort(cohort_id), None
    row = db.session.execute(_cohort_and_membership(),
                             {"cohort": cohort_id, "user": user.id}).first()
    return (row[0], row[1]) if row else (None, None)


@prepared
def _cohort_and_membership():
    return (select(Cohort, Membership)
            .outerjoin(Membership, and_(
                Membership.cohort_id == Cohort.id, Membership.user_id == bindparam("user"),
                Membership.status == "active", Membership.approved.is_(True)))
            .where(Cohort.id == bindparam("cohort")))


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
