"""Core services: the mail log and the health check's figures (pagination: core/pages.py)."""

from datetime import datetime

from sqlalchemy import and_, func, or_, select, text

from cohort.core.models import MailMessage, SchedulerBeat
from cohort.core.pages import Page, paginate
from cohort.core.timeutil import utcnow
from cohort.extensions import db


def mail_page(raw_page: str | None) -> Page:
    return paginate(
        select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc()),
        raw_page,
    )


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
