"""Reading the audit log (core/audit.py writes it): the site admin's whole log and each
cohort's entries for its facilitators, filtered by person, action, cohort and dates, a page
at a time or as CSV. Names come from the accounts as they are now; an entry is never
changed."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, tuple_, union
from sqlalchemy.exc import SQLAlchemyError
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
CSV_BATCH = 2_000  # the entries the CSV export reads at a time
STOPPED = ("The export stopped here: the database did not answer, so the entries after this "
           "line are missing. Download the file again.")
NEWEST_FIRST = (AuditEvent.created_at.desc(), AuditEvent.id.desc())
logger = logging.getLogger(__name__)
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


def _filters(wanted: AuditFilter, *, each_part_alone: bool) -> list:
    """The conditions of the filter. A person is the people whose name or address holds the
    text (found once in a statement), matched three ways: the entries by them, about them, and
    naming the text in the object. `each_part_alone` reads each way on its own and joins the
    ids (a page: each part by its own index, where one OR looked up every entry of the log to
    find a rare person); else the three are one OR (the CSV, which reads down the log's order
    a part at a time and would read the whole of each part again for every part)."""
    filters = []
    if wanted.person:
        people = select(_people(wanted.person).cte("people").c.id)
        parts = (AuditEvent.actor_id.in_(people), AuditEvent.about_id.in_(people),
                 contains(AuditEvent.subject, wanted.person))
        filters.append(AuditEvent.id.in_(union(*(select(AuditEvent.id).where(part)
                                                 for part in parts)))
                       if each_part_alone else or_(*parts))
    if wanted.action:
        filters.append(AuditEvent.action == wanted.action)
    if wanted.cohort_id is not None:
        filters.append(AuditEvent.cohort_id == wanted.cohort_id)
    start, end = local_days(wanted.since, wanted.until, wanted.timezone)
    if start:
        filters.append(AuditEvent.created_at >= start)
    if end:
        filters.append(AuditEvent.created_at < end)
    return filters


def _found(wanted: AuditFilter):
    """The ids of the entries the filter finds, newest first: the log alone, each person asked
    for found by id, so counting the entries joins nothing."""
    return (select(AuditEvent.id).where(*_filters(wanted, each_part_alone=True))
            .order_by(*NEWEST_FIRST))


def _with_names(statement):
    """The entries' statement joined to their people and their cohort (each may be gone)."""
    return (statement.outerjoin(Actor, Actor.id == AuditEvent.actor_id)
            .outerjoin(About, About.id == AuditEvent.about_id)
            .outerjoin(Cohort, Cohort.id == AuditEvent.cohort_id))


def _named():
    """The entries with the names of their people and their cohort's title."""
    return _with_names(select(AuditEvent, Actor.name, Actor.email, About.name, About.email,
                              Cohort.title))


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


def _who(name: str | None, email: str | None) -> str | None:
    return f"{name} ({email})" if email else None


def _entry(row) -> Entry:
    event, actor_name, actor_email, about_name, about_email, cohort = row
    return Entry(event, _who(actor_name, actor_email), _who(about_name, about_email), cohort)


def audit_page(wanted: AuditFilter, raw_page) -> tuple[Page, list[Entry]]:
    """A page of the entries, newest first, in three queries however long the log: the
    entries found, counted up to COUNTED_UP_TO; the page's ids; the page's entries named."""
    page = paginate(_found(wanted), raw_page, size=PER_PAGE, count_up_to=COUNTED_UP_TO)
    page.items = [_entry(row) for row in _shown(page.items)]
    return page, page.items


def audit_csv(wanted: AuditFilter) -> Iterator[str]:
    """Every entry the filter finds, newest first, as CSV lines (each cell made safe for a
    spreadsheet; see core/csvfile.py). The lines are read CSV_BATCH entries at a time as the
    file is sent, each part in a short read of its own on a connection of the app's pool (the
    request and its session have ended by then), so a log of millions is never held in memory
    at once. The newest entry is fixed now, so the file holds no entry written after it was
    asked for (nor the export's own); should the database stop answering part way, the file's
    last line says it stops short."""
    newest = db.session.execute(select(func.max(AuditEvent.id))).scalar_one()
    return csv_lines(_cells(db.engine, wanted, newest), header=(
        "time (UTC)", "action", "by", "about", "cohort", "object", "detail", "address"))


def _cells(engine, wanted: AuditFilter, newest: int | None) -> Iterator[tuple]:
    if newest is None:
        return
    statement = (_with_names(select(
        AuditEvent.created_at, AuditEvent.id, AuditEvent.action, Actor.name, Actor.email,
        About.name, About.email, Cohort.title, AuditEvent.subject, AuditEvent.detail,
        AuditEvent.address))
        .where(AuditEvent.id <= newest, *_filters(wanted, each_part_alone=False))
        .order_by(*NEWEST_FIRST).limit(CSV_BATCH))
    after = None
    while True:
        try:
            with engine.connect() as connection:
                batch = connection.execute(statement if after is None else statement.where(
                    tuple_(AuditEvent.created_at, AuditEvent.id) < tuple_(*after))).all()
        except SQLAlchemyError:
            # The headers have gone: the file itself says it stops short.
            logger.exception("The audit log's CSV export stopped: the database did not answer")
            yield (STOPPED,) + ("",) * 7
            return
        for (created_at, _id, action, actor_name, actor_email, about_name, about_email, cohort,
             subject, detail, address) in batch:
            yield (created_at.isoformat(), action, _who(actor_name, actor_email) or "",
                   _who(about_name, about_email) or "", cohort or "", subject or "",
                   detail or "", address or "")
        if len(batch) < CSV_BATCH:
            return
        after = (batch[-1][0], batch[-1][1])


def export_audit(acting, wanted: AuditFilter, name: str, cohort=None):
    """The entries as CSV lines (audit_csv); the export itself is an entry of the log."""
    lines = audit_csv(wanted)
    record(acting, "audit_log_exported", subject=name, cohort=cohort)
    return lines
