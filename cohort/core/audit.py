"""The audit log: sign-ins, lock-outs, role and membership changes, handovers, moderation,
deletions, exports, cohort changes and the admin's actions.

An entry is written once and never edited. What a person typed can reach it (an address tried
at sign-in, a reason for hiding a post), so every text is kept to one line: a control
character (CR, LF, NUL, any other) is shown as U+FFFD, and each field is cut to its length,
so no entry can be made to look like two or break a line of the CSV export.
"""

import unicodedata
from datetime import timedelta

from sqlalchemy import delete

from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.extensions import db

LIMITS = {"action": 64, "subject": 255, "address": 64, "detail": 1000}


def one_line(text: str | None, limit: int) -> str | None:
    """The text with every control character replaced, cut to `limit` characters."""
    if text is None:
        return None
    text = "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def record(actor, action: str, subject: str | None = None, address: str | None = None,
           detail: str | None = None, *, cohort=None, about=None) -> AuditEvent:
    """Add an audit event to the session (flushed with the caller's work). `cohort` is the
    cohort it happened in (its facilitators see it), `about` the person it concerns (each
    may be given as the object or its id)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None), action=one_line(action, LIMITS["action"]),
        subject=one_line(subject, LIMITS["subject"]),
        address=one_line(address, LIMITS["address"]),
        detail=one_line(detail, LIMITS["detail"]),
        cohort_id=getattr(cohort, "id", cohort), about_id=getattr(about, "id", about),
    )
    db.session.add(event)
    return event


def purge_audit(days: int, now=None) -> int:
    """Delete the entries older than `days` days (0 keeps them all); returns how many."""
    if not days:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    return db.session.execute(
        delete(AuditEvent).where(AuditEvent.created_at < cutoff)).rowcount or 0
