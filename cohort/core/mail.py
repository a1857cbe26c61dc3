"""Outgoing mail: rendered from a template, queued in the transaction, delivered after commit.

Every email is a text template under `templates/emails/<module>/`, sent with send_mail(): its
first line is `Subject: ...`, the rest is the body. Its links come from url_for(..., _external=True), built against
SERVER_BASE_URL (where users reach the site), never by hand. Every message is kept in
`mail_message` for the admin's mail log. The transport is chosen by MAIL_BACKEND: "smtp"
(production), "file" (development: .eml files in the instance folder), "memory" (tests that
do not run an SMTP server).
"""

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db

_PENDING_KEY = "cohort_pending_mail"
_READY_KEY = "cohort_ready_mail"
MAX_ATTEMPTS = 5


def external_url(endpoint: str, **values) -> str:
    """An absolute link to an endpoint on the site as users reach it (SERVER_BASE_URL), the
    same inside a request, a job or a command."""
    values.pop("_external", None)
    base = urlsplit(current_app.config["SERVER_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def _token_patterns() -> list[re.Pattern]:
    """A pattern for the path of every route that takes a secret `token`."""
    patterns = []
    for rule in current_app.url_map.iter_rules():
        if "token" not in rule.arguments:
            continue
        regex = ""
        for piece in re.split(r"(<[^>]+>)", rule.rule):
            if piece.startswith("<"):
                name = piece[1:-1].split(":")[-1]
                regex += "(?P<token>[A-Za-z0-9_-]+)" if name == "token" else r"[^\s/?#]+"
            else:
                regex += re.escape(piece)
        patterns.append(re.compile(regex))
    return patterns


def redact_links(body: str) -> str:
    """The body with the token of every secret link (a reset, an invitation, a status page)
    replaced, so a kept copy opens nothing."""
    patterns = current_app.extensions.setdefault("cohort_token_patterns", _token_patterns())
    for pattern in patterns:
        body = pattern.sub(lambda m: m.group(0)[:m.start("token") - m.start()] + "[link removed]"
                           + m.group(0)[m.end("token") - m.start():], body)
    return body


def render_mail(template: str, **context) -> tuple[str, str]:
    """The subject and body of an email template, its links built by external_url."""
    text = current_app.jinja_env.get_template(template).render(
        {**context, "url_for": external_url}
    ).lstrip()
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{template} must begin with a 'Subject:' line")
    return " ".join(first.removeprefix("Subject:").split()), body.strip() + "\n"


def send_mail(recipient: str, template: str, **context) -> MailMessage:
    """Render an email template and queue it; it is delivered after the transaction commits."""
    subject, body = render_mail(template, **context)
    return queue_mail(recipient, subject, body)


def queue_mail(recipient: str, subject: str, body: str) -> MailMessage:
    """Add a message to the session; it is delivered after the transaction commits."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].partition("@")[2] or "cohort.localhost"
    message = MailMessage(
        message_id=make_msgid(domain=domain),
        sender=sender,
        recipient=recipient,
        subject=subject,
        body=body,
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(message.id)
    return message


def build_email(message: MailMessage) -> EmailMessage:
    """The message as sent; raises ValueError when a header cannot be built (a line break)."""
    email = EmailMessage()
    email["From"] = message.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email.set_content(message.body)
    return email


def transport_send(email: EmailMessage) -> None:
    """Hand one message to the configured transport; raises on failure."""
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("cohort_mail_outbox", []).append(email)
    elif backend == "file":
        folder = Path(config["MAIL_DIRECTORY"])
        folder.mkdir(parents=True, exist_ok=True)
        name = utcnow().strftime("%Y%m%dT%H%M%S%f") + "-" + email["Message-ID"].strip("<>")
        (folder / f"{name.replace('@', '_')}.eml").write_bytes(bytes(email))
    elif backend == "smtp":
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(email)
    else:
        raise RuntimeError(f"Unknown MAIL_BACKEND {backend!r}")


def deliver(message_ids: list[int]) -> int:
    """Claim, send and record each pending message; commits after each. Returns how many sent.

    The claim is a conditional update, so a web worker and the scheduler's retry sweep never
    both send one message. A claim left by a crash expires after MAIL_CLAIM_LEASE and the
    message is retried with the same Message-ID.
    """
    sent = 0
    lease_start = utcnow() - current_app.config["MAIL_CLAIM_LEASE"]
    for message_id in message_ids:
        claimed = db.session.execute(
            update(MailMessage)
            .where(
                MailMessage.id == message_id,
                (MailMessage.status == "pending")
                | ((MailMessage.status == "sending") & (MailMessage.claimed_at < lease_start)),
            )
            .values(status="sending", claimed_at=utcnow(), attempts=MailMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        message = db.session.get(MailMessage, message_id)
        db.session.refresh(message)
        attempts = message.attempts
        try:
            email = build_email(message)
        except Exception as exc:  # a message that cannot be built never will be
            current_app.logger.warning("Mail %s cannot be built: %s", message.message_id, exc)
            email, outcome = None, {"status": "failed", "error": f"Cannot be built: {exc}"[:1000]}
        db.session.commit()  # hold no transaction (nor SQLite's lock) while the server answers
        if email is not None:
            try:
                transport_send(email)
            except Exception as exc:  # a mail server fault must not undo the user's action
                current_app.logger.exception("Mail %s to %s failed", email["Message-ID"],
                                             email["To"])
                outcome = {"error": str(exc)[:1000],
                           "status": "failed" if attempts >= MAX_ATTEMPTS else "pending"}
            else:
                outcome = {"status": "sent", "sent_at": utcnow(), "error": None}
                if current_app.config["MAIL_LOG_REDACTS_LINKS"]:
                    outcome["body"] = redact_links(email.get_content())
                sent += 1
        db.session.execute(
            update(MailMessage).where(MailMessage.id == message_id).values(**outcome)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return sent


def retry_pending() -> int:
    """Deliver messages left pending by a failure or a crash (run by the scheduler)."""
    cutoff = utcnow() - current_app.config["MAIL_CLAIM_LEASE"]
    ids = db.session.execute(
        db.select(MailMessage.id)
        .where(
            ((MailMessage.status == "pending") & (MailMessage.created_at < utcnow()))
            | ((MailMessage.status == "sending") & (MailMessage.claimed_at < cutoff))
        )
        .order_by(MailMessage.id)
        .limit(200)
    ).scalars().all()
    db.session.commit()
    return deliver(list(ids))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit is still to come
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        session.info.setdefault(_READY_KEY, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


def discard_queued() -> None:
    """Forget the mail queued in this session, so none of it is delivered (the rows stay)."""
    db.session.info.pop(_PENDING_KEY, None)
    db.session.info.pop(_READY_KEY, None)


def deliver_ready() -> None:
    """Deliver the mail of the transaction just committed (see core.database.commit)."""
    ready = db.session.info.pop(_READY_KEY, None)
    if ready:
        deliver(ready)
