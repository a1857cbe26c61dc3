"""The audit log: sign-ins, role changes, deletions and exports."""

from cohort.core.models import AuditEvent
from cohort.extensions import db


def record(actor, action: str, subject: str | None = None, address: str | None = None,
           detail: str | None = None) -> AuditEvent:
    """Add an audit event to the session (flushed with the caller's work)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None), action=action, subject=subject, address=address,
        detail=detail,
    )
    db.session.add(event)
    return event
