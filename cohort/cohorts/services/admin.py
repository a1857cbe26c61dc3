"""The site admin's work on cohorts: the list of every cohort with its facilitators, members and
places; opening one with the facilitators the admin chooses; archiving a finished one; and
inviting people into a cohort from a CSV file, previewed before anything is written.

Archiving: a finished cohort gets `archived_at`. It stays finished (read-only) and its members
can still open it, but it leaves their home pages and the admin's list (which shows archived
cohorts on request). Bringing it back clears the mark, as does reopening it."""

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from cohort.accounts.models import User
from cohort.accounts.services import AccountError, normalise_email
from cohort.cohorts.models import ROLE_LABELS, Cohort, Membership, Place
from cohort.cohorts.services.cohorts import create_cohort, validate_cohort_fields
from cohort.cohorts.services.errors import CohortError
from cohort.cohorts.services.members import invite
from cohort.cohorts.services.places import free_places, invite_into
from cohort.core.audit import record
from cohort.core.forms import has_control_characters
from cohort.core.pages import Page, paginate
from cohort.core.timeutil import utcnow
from cohort.extensions import db

__all__ = ["CohortRow", "cohorts_page", "open_cohort", "archive", "unarchive", "IMPORT_ROLES",
           "MAX_IMPORT_ROWS", "ImportRow", "ImportPreview", "preview_import", "run_import",
           "importable_cohorts", "cohort_memberships_of"]

PER_PAGE = 25
MAX_FACILITATORS = 20


# The list of cohorts --------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    facilitators: list[str]
    members: dict[str, int]  # current members by role
    places_taken: int


def cohorts_page(archived: bool, raw_page) -> tuple[Page, list[CohortRow]]:
    """A page of the cohorts (the archived ones, or the others), newest first, each with its
    facilitators' names, its members by role and its places taken: five queries however many
    cohorts or members there are."""
    statement = select(Cohort).where(
        Cohort.archived_at.is_not(None) if archived else Cohort.archived_at.is_(None)
    ).order_by(Cohort.starts_on.desc().nulls_first(), Cohort.id.desc())
    page = paginate(statement, raw_page, size=PER_PAGE)
    ids = [cohort.id for cohort in page.items]
    if not ids:
        return page, []
    current = (Membership.cohort_id.in_(ids), Membership.status == "active",
               Membership.approved.is_(True))
    members: dict[int, dict[str, int]] = {}
    for cohort_id, role, count in db.session.execute(
            select(Membership.cohort_id, Membership.role, func.count())
            .where(*current).group_by(Membership.cohort_id, Membership.role)):
        members.setdefault(cohort_id, {})[role] = count
    facilitators: dict[int, list[str]] = {}
    for cohort_id, name in db.session.execute(
            select(Membership.cohort_id, User.name).join(User, User.id == Membership.user_id)
            .where(*current, Membership.role == "facilitator").order_by(User.name)):
        facilitators.setdefault(cohort_id, []).append(name)
    taken = dict(db.session.execute(
        select(Place.cohort_id, func.count()).where(Place.cohort_id.in_(ids),
                                                    Place.slot.is_not(None))
        .group_by(Place.cohort_id)).all())
    return page, [CohortRow(cohort, facilitators.get(cohort.id, []), members.get(cohort.id, {}),
                            taken.get(cohort.id, 0)) for cohort in page.items]


def cohort_memberships_of(user: User) -> list[Membership]:
    """Every membership the person has had, current first, newest cohort first (one query)."""
    return list(db.session.execute(
        select(Membership).join(Membership.cohort).options(contains_eager(Membership.cohort))
        .where(Membership.user_id == user.id)
        .order_by((Membership.status != "active"), Cohort.starts_on.desc().nulls_first(),
                  Cohort.id.desc())).scalars())


# Opening a cohort for others ------------------------------------------------------------------


def _addresses(text: str | None) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


def open_cohort(acting: User, title: str, facilitators: str | None, facilitate_myself: bool,
                **fields) -> Cohort:
    """A site admin opens a cohort with the facilitators they choose: the accounts with the
    addresses in `facilitators` (each added and told by email) and, when `facilitate_myself`,
    the admin. Raises CohortError when nobody would facilitate, or an address is not an
    active account's."""
    if not (title or "").strip():
        raise CohortError("Enter the cohort's title", "title")
    validate_cohort_fields(dict(fields))  # the cohort's own fields are checked first
    wanted = []
    for address in _addresses(facilitators):
        try:
            email = normalise_email(address)
        except AccountError:
            raise CohortError(f"“{address[:80]}” is not an email address: enter each "
                              "facilitator's address on a line of its own",
                              "facilitators") from None
        if email not in wanted:
            wanted.append(email)
    if len(wanted) > MAX_FACILITATORS:
        raise CohortError(f"Enter {MAX_FACILITATORS} facilitators at most", "facilitators")
    if not wanted and not facilitate_myself:
        raise CohortError("Choose who facilitates the cohort: enter their email addresses, "
                          "or choose to facilitate it yourself", "facilitators")
    found = {user.email: user for user in db.session.execute(
        select(User).where(User.email.in_(wanted))).scalars()} if wanted else {}
    for email in wanted:
        user = found.get(email)
        if user is None:
            raise CohortError(f"Nobody has an account with the address {email}: invite them "
                              "first, then open the cohort", "facilitators")
        if not user.is_active_account:
            raise CohortError(f"{user.name}'s account ({email}) is deactivated",
                              "facilitators")
    cohort = create_cohort(acting, title, facilitate=facilitate_myself, **fields)
    for email in wanted:
        if email != acting.email or not facilitate_myself:
            invite(acting, email, found[email].name, cohort=cohort, role="facilitator")
    return cohort


# Archiving ------------------------------------------------------------------------------------


def archive(acting: User, cohort: Cohort) -> None:
    """Put a finished cohort away (see the module's docstring); CohortError otherwise."""
    if not cohort.is_finished:
        raise CohortError(f"{cohort.title} has not finished: only a finished cohort can be "
                          "archived")
    if cohort.archived_at is not None:
        raise CohortError(f"{cohort.title} is archived already")
    cohort.archived_at = utcnow()
    db.session.flush()
    record(acting, "cohort_archived", subject=cohort.slug, cohort=cohort)


def unarchive(acting: User, cohort: Cohort) -> None:
    """Bring an archived cohort back into the lists and its members' home pages."""
    if cohort.archived_at is None:
        raise CohortError(f"{cohort.title} is not archived")
    cohort.archived_at = None
    db.session.flush()
    record(acting, "cohort_unarchived", subject=cohort.slug, cohort=cohort)


# Inviting people from a CSV file --------------------------------------------------------------

IMPORT_ROLES = ("participant", "facilitator", "evaluator")
MAX_IMPORT_ROWS = 1000
# The columns a file may have, by the names its first line may give them (any case).
COLUMNS = {"email": "email", "email address": "email", "e-mail": "email", "name": "name",
           "full name": "name", "organisation": "organisation", "organization": "organisation",
           "job title": "job_title", "job_title": "job_title", "role": None}
LIMITS = {"name": 200, "organisation": 200, "job_title": 200}
COLUMN_WORDS = {"email": "email address", "name": "name", "organisation": "organisation",
                "job_title": "job title"}


@dataclass
class ImportRow:
    """A line of the file and what confirming would do with it: `invite` (a new account),
    `add` (an account joins the cohort), `member` (in it already: nothing), or `refused`
    with the reason."""

    line: int
    email: str
    name: str
    organisation: str = ""
    job_title: str = ""
    outcome: str = "refused"
    reason: str = ""


@dataclass
class ImportPreview:
    cohort: Cohort
    role: str
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def to_do(self) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome in ("invite", "add")]


def importable_cohorts() -> list[Cohort]:
    """The cohorts people can be invited into: those not finished, by title."""
    return list(db.session.execute(select(Cohort).where(Cohort.status != "finished")
                                   .order_by(Cohort.title)).scalars())


def _read(content: str) -> list[tuple[int, dict]]:
    """(line, {column: value}) for each row of the file with anything in it; CohortError for a
    file that cannot be read as the columns it needs."""
    try:
        reader = csv.reader(io.StringIO(content, newline=""), strict=True)
        header = next(reader, None)
        if header is None:
            raise CohortError("The file is empty: its first line must name the columns, like "
                              "email,name,organisation,job title", "file")
        names = [COLUMNS.get(" ".join(cell.split()).lower(), "?") for cell in header]
        unknown = [cell for cell, name in zip(header, names, strict=True) if name == "?"]
        if "email" not in names or unknown:
            raise CohortError("The first line must name the columns: email, and any of name, "
                              "organisation and job title"
                              + (f" (“{unknown[0][:40]}” is not one of them)" if unknown
                                 else ""), "file")
        # Two columns of one meaning ("email" and "E-mail"): which would be meant is a guess.
        twice = next((name for index, name in enumerate(names)
                      if name is not None and name in names[:index]), None)
        if twice is not None:
            raise CohortError(f"The first line names the {COLUMN_WORDS[twice]} column twice: "
                              "keep one of them", "file")
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_IMPORT_ROWS:
                raise CohortError(f"The file has more than {MAX_IMPORT_ROWS} people: split it "
                                  "into smaller files", "file")
            values = {name: (cells[index] if index < len(cells) else "")
                      for index, name in enumerate(names) if name}
            if len(cells) > len(names):
                values["?extra"] = "yes"
            rows.append((reader.line_num, values))
        return rows
    except csv.Error as error:
        raise CohortError(f"The file cannot be read as CSV ({error}): save it again as CSV "
                          "(UTF-8) and try again", "file") from None


def preview_import(cohort: Cohort, role: str, content: str) -> ImportPreview:
    """What inviting the file's people into the cohort in `role` would do, row by row; writes
    nothing (three queries however long the file, four for participants, whose places are
    counted). CohortError for a file that cannot be
    read, a finished cohort or an unknown role."""
    if role not in IMPORT_ROLES:
        raise CohortError("Choose a role", "role")
    if cohort.is_finished:
        raise CohortError(f"{cohort.title} has finished: reopen it before inviting people "
                          "into it", "cohort")
    preview = ImportPreview(cohort, role)
    seen: dict[str, int] = {}
    for line, values in _read(content):
        row = ImportRow(line, values.get("email", "").strip(), values.get("name", "").strip(),
                        values.get("organisation", "").strip(), values.get("job_title", "").strip())
        preview.rows.append(row)
        bad = next((name for name in ("email", "name", "organisation", "job_title")
                    if has_control_characters(values.get(name, ""))), None)
        if bad:
            row.reason = f"The {COLUMN_WORDS[bad]} has a line break or a control character"
            row.email = row.email if not has_control_characters(row.email) else ""
            continue
        if values.get("?extra"):
            row.reason = "The line has more cells than the first line names"
            continue
        if not row.email:
            row.reason = "No email address"
            continue
        try:
            row.email = normalise_email(row.email[:320])
        except AccountError:
            row.reason = "The email address is not in the right format"
            continue
        too_long = next((name for name, limit in LIMITS.items()
                         if len(getattr(row, name)) > limit), None)
        if too_long:
            row.reason = (f"The {COLUMN_WORDS[too_long]} is longer than {LIMITS[too_long]} "
                          "characters")
            continue
        if row.email in seen:
            row.reason = f"The same address is on line {seen[row.email]}"
            continue
        seen[row.email] = line
        row.outcome = "pending"
    pending = [row for row in preview.rows if row.outcome == "pending"]
    emails = [row.email for row in pending]
    users = {user.email: user for user in db.session.execute(
        select(User).where(User.email.in_(emails))).scalars()} if emails else {}
    roles = dict(db.session.execute(
        select(Membership.user_id, Membership.role).where(
            Membership.cohort_id == cohort.id, Membership.status == "active",
            Membership.user_id.in_([user.id for user in users.values()])))
        .all()) if users else {}
    for row in pending:
        user = users.get(row.email)
        if user is None:
            row.outcome, row.reason = ("invite", "") if row.name else (
                "refused", "No name: someone new to Cohort needs one")
        elif not user.is_active_account:
            row.outcome, row.reason = "refused", "Their account is deactivated"
        elif user.id in roles:
            row.outcome = "member"
            row.reason = f"Already in the cohort as {ROLE_LABELS[roles[user.id]].lower()}"
            row.name = user.name
        else:
            row.outcome, row.name = "add", user.name
    if role == "participant":  # each participant takes a place: no more than are free
        free = free_places(cohort)
        for row in preview.to_do[free:]:
            row.outcome = "refused"
            row.reason = (f"No place is left for them: {free} of the cohort's "
                          f"{cohort.capacity} places {'was' if free == 1 else 'were'} free")
    return preview


def run_import(acting: User, cohort: Cohort, role: str, content: str,
               filename: str | None = None) -> ImportPreview:
    """Invite the file's people as its preview says (each new person gets a link to choose a
    password; each account added is told by email), and note the import in the audit log.
    The file is read again, so what is done is what the preview shows now. CohortError when
    the file cannot be read, or there is nobody to invite."""
    preview = preview_import(cohort, role, content)
    if not preview.to_do:
        raise CohortError("Nobody in the file can be invited: see why on each line", "file")
    for row in preview.to_do:
        invite_into(acting, row.email, row.name, cohort, role,
                    organisation=row.organisation or None, job_title=row.job_title or None)
    record(acting, "people_imported", subject=(filename or "a CSV file"),
           detail=f"{preview.count('invite')} invited, {preview.count('add')} added, "
                  f"{preview.count('member')} already members, {preview.count('refused')} "
                  f"refused; as {role}", cohort=cohort)
    return preview
