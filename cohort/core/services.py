"""Core services: the mail log, the outbox's figures for the operations page, and the health
check's (pagination: core/pages.py)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, text

from cohort.core.database import contains
from cohort.core.models import MAIL_STATUSES, MailMessage, SchedulerBeat
from cohort.core.pages import COUNTED_UP_TO, Page, paginate
from cohort.core.timeutil import local_days, utcnow
from cohort.extensions import db


@dataclass(frozen=True)
class MailFilter:
    """What the mail log is asked for; None for "any". Dates are days in `timezone`."""

    recipient: str | None = None  # part of the address
    status: str | None = None
    since: date | None = None
    until: date | None = None
    timezone: str = "UTC"


def mail_page(raw_page: str | None, wanted: MailFilter | None = None) -> Page:
    """A page of the outbox's messages, newest first, filtered (two queries: the messages
    found, counted up to COUNTED_UP_TO, and the page). A recipient is found through the
    addresses' index alone, then the messages in order."""
    wanted = wanted or MailFilter()
    statement = select(MailMessage).order_by(MailMessage.created_at.desc(),
                                             MailMessage.id.desc())
    if wanted.recipient:
        statement = statement.where(MailMessage.id.in_(select(MailMessage.id).where(
            contains(MailMessage.recipient, wanted.recipient))))
    if wanted.status in MAIL_STATUSES:
        statement = statement.where(MailMessage.status == wanted.status)
    start, end = local_days(wanted.since, wanted.until, wanted.timezone)
    if start:
        statement = statement.where(MailMessage.created_at >= start)
    if end:
        statement = statement.where(MailMessage.created_at < end)
    return paginate(statement, raw_page, count_up_to=COUNTED_UP_TO)


@dataclass(frozen=True)
class OutboxFigures:
    """The outbox now: how many messages in each state, how many are due to be sent, and
    since when the oldest of those has waited."""

    by_status: dict[str, int]
    due: int
    oldest_due: datetime | None


def outbox_figures() -> OutboxFigures:
    """The outbox's queue (two queries, whatever its size)."""
    now = utcnow()
    by_status = dict.fromkeys(MAIL_STATUSES, 0) | dict(db.session.execute(
        select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
    due_since = func.coalesce(MailMessage.next_attempt_at, MailMessage.created_at)
    due, oldest = db.session.execute(select(func.count(), func.min(due_since)).where(
        MailMessage.status == "pending",
        or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now))).one()
    return OutboxFigures(by_status, due, oldest)


def get_mail(message_id: int) -> MailMessage | None:
    return db.session.get(MailMessage, message_id)


def check_database() -> None:
    db.session.execute(text("SELECT 1"))


def health(config, started_at: datetime) -> dict:
    """What a monitor needs: the scheduler's last report, how long due mail has waited, and
    the problems among them (`problems` empty when all is well). Reads only."""
    check_database()
    now = utcnow()
    problems = []
    beat = db.session.get(SchedulerBeat, 1)
    scheduler = None
    if beat is not None:
        age = (now - beat.beat_at).total_seconds()
        scheduler = {"beat_at": beat.beat_at.isoformat(), "host": beat.host,
                     "age_seconds": round(age)}
        if age > config["HEALTH_SCHEDULER_MAX_AGE"].total_seconds():
            problems.append(f"the scheduler last reported {round(age)} seconds ago (more than "
                            f"{_seconds(config['HEALTH_SCHEDULER_MAX_AGE'])})")
    elif now - started_at > config["HEALTH_SCHEDULER_GRACE"]:
        problems.append("no scheduler has ever reported: start `flask --app wsgi cohort "
                        "scheduler`")
    due_since = func.coalesce(MailMessage.next_attempt_at, MailMessage.created_at)
    oldest = db.session.execute(select(func.min(due_since)).where(or_(
        MailMessage.status == "sending",  # claimed: by a live dispatcher only for seconds
        and_(MailMessage.status == "pending",
             or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now)),
    ))).scalar()
    waited = None if oldest is None else round((now - oldest).total_seconds())
    if waited is not None and waited > config["HEALTH_MAIL_MAX_WAIT"].total_seconds():
        problems.append(f"mail that is due has waited {waited} seconds unsent (more than "
                        f"{_seconds(config['HEALTH_MAIL_MAX_WAIT'])})")
    return {"status": "failing" if problems else "ok", "problems": problems,
            "scheduler": scheduler, "mail": {"oldest_due_seconds": max(waited or 0, 0)}}


def _seconds(delta) -> int:
    return round(delta.total_seconds())
