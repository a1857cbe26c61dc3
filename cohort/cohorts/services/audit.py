"""Reading the audit log (core/audit.py writes it): the site admin's whole log and each
cohort's entries for its facilitators, filtered by person, action, cohort and dates, a page
at a time or as CSV. Names come from the accounts as they are now; an entry is never
changed."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, union
from sqlalchemy.orm import aliased

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort
from cohort.core import pages
from cohort.core.audit import record
from cohort.core.csvfile import csv_lines
from cohort.core.database import contains
from cohort.core.models import AuditEvent
from cohort.core.pages import Page, paginate
from cohort.core.timeutil import local_days
from cohort.extensions import db

__all__ = ["AuditFilter", "audit_actions", "audit_page", "audit_csv", "export_audit",
           "action_label"]

PER_PAGE = 50
COUNTED_UP_TO = pages.COUNTED_UP_TO  # the entries a page counts at most
Actor = aliased(User, name="actor")
About = aliased(User, name="about")


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; None for "any". Dates are days in `timezone`."""

    person: str | None = None
    action: str | None = None
    cohort_id: int | None = None
    since: date | None = None
    until: date | None = None
    timezone: str = "UTC"


def action_label(action: str) -> str:
    """"post_hidden" as "Post hidden"."""
    return action.replace("_", " ").capitalize()


def audit_actions(cohort_id: int | None = None) -> list[str]:
    """The actions the log holds (of the cohort, when given), for the filter's choices."""
    statement = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if cohort_id is not None:
        statement = statement.where(AuditEvent.cohort_id == cohort_id)
    return list(db.session.execute(statement).scalars())


def _people(text: str):
    """The ids of the people whose name or address holds `text`."""
    return select(User.id).where(or_(contains(User.name, text), contains(User.email, text)))


def _found(wanted: AuditFilter):
    """The ids of the entries the filter finds, newest first: the log alone, each person asked
    for found by id, so counting the entries joins nothing."""
    statement = select(AuditEvent.id).order_by(AuditEvent.created_at.desc(),
                                               AuditEvent.id.desc())
    if wanted.person:
        # The people found once; then three reads, each on its own: the entries by them (by
        # their index), about them (by theirs), and naming the text in the object (a read of
        # that column alone). One condition joined by OR looked up every entry of the log.
        people = select(_people(wanted.person).cte("people").c.id)
        statement = statement.where(AuditEvent.id.in_(union(
            select(AuditEvent.id).where(AuditEvent.actor_id.in_(people)),
            select(AuditEvent.id).where(AuditEvent.about_id.in_(people)),
            select(AuditEvent.id).where(contains(AuditEvent.subject, wanted.person)))))
    if wanted.action:
        statement = statement.where(AuditEvent.action == wanted.action)
    if wanted.cohort_id is not None:
        statement = statement.where(AuditEvent.cohort_id == wanted.cohort_id)
    start, end = local_days(wanted.since, wanted.until, wanted.timezone)
    if start:
        statement = statement.where(AuditEvent.created_at >= start)
    if end:
        statement = statement.where(AuditEvent.created_at < end)
    return statement


def _named():
    """The entries with the names of their people and their cohort's title."""
    return (select(AuditEvent, Actor.name, Actor.email, About.name, About.email, Cohort.title)
            .outerjoin(Actor, Actor.id == AuditEvent.actor_id)
            .outerjoin(About, About.id == AuditEvent.about_id)
            .outerjoin(Cohort, Cohort.id == AuditEvent.cohort_id))


def _shown(ids: list[int]) -> list:
    """The entries of these ids, named (_named), in the order of the ids."""
    rows = {row[0].id: row for row in db.session.execute(
        _named().where(AuditEvent.id.in_(ids)))}
    return [rows[entry_id] for entry_id in ids if entry_id in rows]


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    actor: str | None
    about: str | None
    cohort: str | None


def _entry(row) -> Entry:
    event, actor_name, actor_email, about_name, about_email, cohort = row

    def who(name, email):
        return f"{name} ({email})" if email else None

    return Entry(event, who(actor_name, actor_email), who(about_name, about_email), cohort)


def audit_page(wanted: AuditFilter, raw_page) -> tuple[Page, list[Entry]]:
    """A page of the entries, newest first, in three queries however long the log: the
    entries found, counted up to COUNTED_UP_TO; the page's ids; the page's entries named."""
    page = paginate(_found(wanted), raw_page, size=PER_PAGE, count_up_to=COUNTED_UP_TO)
    page.items = [_entry(row) for row in _shown(page.items)]
    return page, page.items


def audit_csv(wanted: AuditFilter):
    """Every entry the filter finds, newest first, as CSV lines (each cell made safe for a
    spreadsheet; see core/csvfile.py). The cells are read here, while the request's session
    is open (the export is committed before the file is sent); the lines are written as they
    are sent."""
    cells = [(e.event.created_at.isoformat(), e.event.action, e.actor or "", e.about or "",
              e.cohort or "", e.event.subject or "", e.event.detail or "",
              e.event.address or "")
             for e in map(_entry, db.session.execute(_named().where(AuditEvent.id.in_(
                 _found(wanted).order_by(None))).order_by(AuditEvent.created_at.desc(),
                                                          AuditEvent.id.desc())).all())]
    return csv_lines(cells, header=("time (UTC)", "action", "by", "about", "cohort", "object",
                                    "detail", "address"))


def export_audit(acting, wanted: AuditFilter, name: str, cohort=None):
    """The entries as CSV lines (audit_csv); the export itself is an entry of the log."""
    lines = audit_csv(wanted)
    record(acting, "audit_log_exported", subject=name, cohort=cohort)
    return lines
