"""Core's part of a person's data: the notices shown to them, the mail sent to them and the
audit log's entries about them (see core/personal.py)."""

from sqlalchemy import delete, func, or_, select, update

from cohort.core.models import AuditEvent, MailAttachment, MailMessage, Notice
from cohort.core.personal import (
    ERASED,
    FORMER_MEMBER,
    names_in,
    naming,
    purged,
    redact,
    when,
)
from cohort.core.signals import mail_status_changed
from cohort.extensions import db

COVERS = (AuditEvent, MailMessage, Notice)
ERASED_BODY = "[The message's text was erased with its recipient's account.]"
NOT_SENT = "Not sent: the recipient's account was erased"


def export(user) -> dict:
    notices = db.session.execute(select(Notice).where(Notice.user_id == user.id)
                                 .order_by(Notice.created_at, Notice.id)).scalars()
    mail = db.session.execute(select(MailMessage).where(MailMessage.recipient == user.email)
                              .order_by(MailMessage.created_at, MailMessage.id)).scalars()
    audit = db.session.execute(select(AuditEvent).where(_about(user))
                               .order_by(AuditEvent.created_at, AuditEvent.id)).scalars()
    return {
        "notifications": [{"at": when(n.created_at), "kind": n.kind, "text": n.text,
                           "read_at": when(n.read_at)} for n in notices],
        "mail_sent_to_you": [{"queued_at": when(m.created_at), "subject": m.subject,
                              "status": m.status, "sent_at": when(m.sent_at), "text": m.body}
                             for m in mail],
        "audit_log_entries": [{"at": when(e.created_at), "action": e.action,
                               "about": _subject(e.subject, user), "address": e.address,
                               "detail": e.detail, "by_you": e.actor_id == user.id}
                              for e in audit],
    }


def _about(user):
    """The audit entries about the person: what they did, and what was done to their account."""
    return or_(AuditEvent.actor_id == user.id, AuditEvent.about_id == user.id,
               func.lower(AuditEvent.subject) == user.email)


def _subject(subject: str | None, user) -> str | None:
    """An entry's subject as the download shows it: another person's address is not theirs to
    have (a facilitator's entry for inviting someone names that someone)."""
    if subject and "@" in subject and subject.lower() != user.email:
        return "another person's address"
    return subject


def anonymised(text: str | None, user) -> str | None:
    """The text with the person's address erased and their name a former member's."""
    text = redact(text, [user.email])
    name = (user.name or "").strip()
    if len(name) < 3 or not text:
        return text
    changed = redact(text, [name], FORMER_MEMBER.lower())
    return changed[0].upper() + changed[1:] if changed != text and \
        changed.startswith(FORMER_MEMBER.lower()) else changed


def erase(user) -> None:
    """Delete their notices, take their name out of others'; stop the mail still waiting for
    them, erase the address, subject and text of every message sent to them and their name
    from any other; and erase their address, name and network address from the audit log
    (its entries stay: what was done, and when)."""
    words = naming(user)
    db.session.execute(delete(Notice).where(Notice.user_id == user.id))
    for notice in db.session.execute(select(Notice).where(names_in(Notice.text, words))).scalars():
        notice.text = anonymised(notice.text, user)[:400]
    _stop_waiting_mail(user)
    theirs = select(MailMessage.id).where(MailMessage.recipient == user.email)
    db.session.execute(delete(MailAttachment).where(MailAttachment.message_id.in_(theirs)))
    for message in db.session.execute(select(MailMessage).where(or_(
            MailMessage.recipient == user.email, names_in(MailMessage.subject, words),
            names_in(MailMessage.body, words)))).scalars():
        if message.recipient == user.email:
            message.recipient, message.body, message.headers = ERASED, ERASED_BODY, None
        else:
            message.body = anonymised(message.body, user)
        message.subject = anonymised(message.subject, user)[:255]
    db.session.execute(update(AuditEvent).where(AuditEvent.actor_id == user.id)
                       .values(address=None))
    for event in db.session.execute(select(AuditEvent).where(or_(
            names_in(AuditEvent.subject, words), names_in(AuditEvent.detail, words)))).scalars():
        event.subject = (ERASED if (event.subject or "").lower() == user.email
                         else (anonymised(event.subject, user) or "")[:255] or None)
        event.detail = anonymised(event.detail, user)
    db.session.flush()


def _stop_waiting_mail(user) -> None:
    """Mail queued for the person is never sent: failed, as its reminder's tally counts it."""
    waiting = db.session.execute(select(MailMessage.id).where(
        MailMessage.recipient == user.email, MailMessage.status == "pending")).scalars().all()
    for message_id in waiting:
        stopped = db.session.execute(
            update(MailMessage).where(MailMessage.id == message_id,
                                      MailMessage.status == "pending")
            .values(status="failed", error=NOT_SENT, next_attempt_at=None)
            .execution_options(synchronize_session=False)).rowcount
        if stopped:
            mail_status_changed.send(message_id, status="failed", was="pending",
                                     connection=db.session.connection())


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """The cohort's notices go: they were news for its members at the time."""
    return purged({"notifications": (Notice, Notice.cohort_id == cohort.id)}, dry_run)
