"""The outbox's dispatcher: it sends what core.mail queued, outside any web request.

A dispatcher claims a batch of due messages with a guarded update (PostgreSQL skips rows
another dispatcher has locked; SQLite takes its write lock), so any number of dispatchers on
any number of hosts never send one message twice. A claim carries a token, a lease and the
name of its holder: a dispatcher killed mid-batch leaves its claims to expire, and the message
is sent again with the same Message-ID, so a receiver can recognise the repeat. A scheduler
that takes over as leader takes back a stopped leader's claims at once (see
reclaim_from_other_schedulers). A temporary failure is retried
with growing waits; a permanent one (a 5xx answer), or too many temporary ones, marks the
message failed with the server's reason.

The scheduler process dispatches every MAIL_DISPATCH_SECONDS; `flask cohort dispatch` runs a
dispatcher of its own. With MAIL_SEND_AFTER_COMMIT (the tests' setting) a commit also sends the
messages it queued, so a test can read them at once.
"""

import contextlib
import json
import os
import secrets
import smtplib
import socket
import ssl
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from email import encoders, message_from_bytes, policy
from email.charset import QP, Charset
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, event, inspect, or_, select, update
from sqlalchemy.orm import Session, selectinload

from cohort.core.mail import QUEUED_KEY, redact_links
from cohort.core.models import MailMessage
from cohort.core.signals import mail_recipients_withheld, mail_status_changed
from cohort.core.timeutil import utcnow
from cohort.extensions import db

_READY_KEY = "cohort_committed_mail"
# Who claims: the scheduler names its claims, so the leader after it can take them back.
_HOLDER: ContextVar[str | None] = ContextVar("cohort_mail_holder", default=None)
SCHEDULER_HOLDER = "scheduler "


def scheduler_holder() -> str:
    """A name for one run of a scheduler process, unique on every host."""
    return f"{SCHEDULER_HOLDER}{socket.gethostname()[:60]} {os.getpid()} {secrets.token_hex(4)}"


@contextmanager
def claiming_as(holder: str):
    """Claims made inside the block are named `holder`."""
    token = _HOLDER.set(holder)
    try:
        yield
    finally:
        _HOLDER.reset(token)


def _holder() -> str:
    return _HOLDER.get() or f"{socket.gethostname()[:60]} {os.getpid()}"


_WIRE = policy.compat32.clone(linesep="\r\n")  # SMTP's line ends, as smtplib sends bytes
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # readable in a mail log or an .eml file, safe for long lines


def _header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"the {name} header has a line break in it")
    if name in ("From", "To"):
        return formataddr(parseaddr(value), charset="utf-8")
    return value if value.isascii() else Header(value, "utf-8").encode()


def build_email(message: MailMessage) -> bytes:
    """The message as sent; raises ValueError when a header cannot be built (a line break).

    Built with the email package's plain MIME classes, which take a header as it is given:
    several times quicker than EmailMessage's parsed headers, which matters at thousands of
    reminders a minute."""
    body = MIMEText(message.body, "plain", _UTF8)
    if message.attachments:
        email = MIMEMultipart()
        email.attach(body)
        for attachment in message.attachments:
            kind, *params = [p.strip() for p in attachment.content_type.split(";")]
            maintype, _, subtype = kind.partition("/")
            part = MIMEBase(maintype, subtype, **dict(p.split("=", 1) for p in params))
            part.set_payload(attachment.data)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
            email.attach(part)
    else:
        email = body
    headers = {"From": message.sender, "To": message.recipient, "Subject": message.subject,
               "Message-ID": message.message_id, "Date": format_datetime(message.created_at),
               **json.loads(message.headers or "{}")}
    for name, value in headers.items():
        email[name] = _header(name, value)
    return email.as_bytes(policy=_WIRE)


def envelope(message: MailMessage) -> tuple[str, str]:
    return parseaddr(message.sender)[1], parseaddr(message.recipient)[1]


class Transport:
    """The configured way out (MAIL_BACKEND): "smtp", "file" (development: .eml files in the
    instance folder) or "memory" (tests). One SMTP connection serves a whole batch."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.backend = self.config["MAIL_BACKEND"]
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: MailMessage, data: bytes) -> None:
        if self.backend == "memory":
            email = message_from_bytes(data, policy=policy.default)
            current_app.extensions.setdefault("cohort_mail_outbox", []).append(email)
        elif self.backend == "file":
            folder = Path(self.config["MAIL_DIRECTORY"])
            folder.mkdir(parents=True, exist_ok=True)
            name = utcnow().strftime("%Y%m%dT%H%M%S%f") + "-" + message.message_id.strip("<>")
            (folder / f"{name.replace('@', '_')}.eml").write_bytes(data)
        elif self.backend == "smtp":
            if self.smtp is None:
                self.smtp = self._connect()
            sender, recipient = envelope(message)
            try:
                self.smtp.sendmail(sender, [recipient], data)
            except (smtplib.SMTPServerDisconnected, OSError):
                self.close()
                raise
        else:
            raise RuntimeError(f"Unknown MAIL_BACKEND {self.backend!r}")

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None


# Why a withheld message was not sent, as the mail log shows it.
WITHHELD = "Not sent: the recipient's account is deactivated"


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (an unknown mailbox, a refused message) will not change on a retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _due(now, lease_start):
    return or_(
        and_(MailMessage.status == "pending",
             or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now)),
        and_(MailMessage.status == "sending", MailMessage.claimed_at < lease_start),
    )


def claim(limit: int, only: list[int] | None = None) -> tuple[str, list[int]]:
    """Claim up to `limit` due messages (of `only`, when given) for this dispatcher; return
    the claim's token and the claimed ids. Commits the claim at once."""
    now = utcnow()
    lease_start = now - current_app.config["MAIL_CLAIM_LEASE"]
    token = secrets.token_hex(16)
    due = select(MailMessage.id).where(_due(now, lease_start))
    if only is not None:
        due = due.where(MailMessage.id.in_(only))
    due = due.order_by(MailMessage.id).limit(limit).with_for_update(skip_locked=True)
    with db.engine.connect() as conn:
        conn.info["sqlite_begin"] = "IMMEDIATE"  # SQLite: the write lock first, then read
        with conn.begin():
            # The ids are read (and on PostgreSQL locked) first: as a subquery of the update,
            # PostgreSQL may run the LIMIT more than once and claim more than `limit`.
            picked = list(conn.execute(due).scalars())
            if picked:
                conn.execute(
                    update(MailMessage)
                    .where(MailMessage.id.in_(picked), _due(now, lease_start))  # on a race
                    .values(status="sending", claimed_at=now, claim_token=token,
                            claimed_by=_holder(), attempts=MailMessage.attempts + 1)
                )
        ids = list(conn.execute(
            select(MailMessage.id).where(MailMessage.claim_token == token,
                                         MailMessage.status == "sending")
            .order_by(MailMessage.id)).scalars())
        conn.rollback()
    return token, ids


def reclaim_from_other_schedulers(holder: str) -> int:
    """Make due again the messages claimed by a scheduler other than `holder` and not yet
    recorded; return how many. Only the leading scheduler claims as a scheduler, so the new
    leader calls this: the holder of those claims has stopped (or lost the lock and steps
    back, stopping at the message in flight), and their lease need not be waited out."""
    with db.engine.connect() as conn:
        conn.info["sqlite_begin"] = "IMMEDIATE"
        with conn.begin():
            return conn.execute(
                update(MailMessage)
                .where(MailMessage.status == "sending",
                       MailMessage.claimed_by.startswith(SCHEDULER_HOLDER, autoescape=True),
                       MailMessage.claimed_by != holder)
                .values(status="pending", claim_token=None, claimed_by=None, claimed_at=None)
            ).rowcount


def _record(conn, message_id: int, token: str, **values) -> bool:
    """Record a send's outcome at once (a crash then repeats no more than the message in
    flight), if the claim is still this dispatcher's; False when it was taken back."""
    conn.info["sqlite_begin"] = "IMMEDIATE"
    with conn.begin():
        recorded = conn.execute(update(MailMessage)
                                .where(MailMessage.id == message_id,
                                       MailMessage.claim_token == token)
                                .values(**values)).rowcount
        if recorded:
            mail_status_changed.send(message_id, status=values["status"], was="sending",
                                     connection=conn)
        return recorded == 1


def dispatch(limit: int = 100, only: list[int] | None = None) -> int:
    """Claim and send one batch of due messages; return how many were sent."""
    return _batch(limit, only)[1]


def _batch(limit: int, only: list[int] | None = None) -> tuple[int, int]:
    """(claimed, sent) for one batch. No transaction is held while the mail server answers."""
    token, ids = claim(limit, only)
    if not ids:
        return 0, 0
    config = current_app.config
    with Session(db.engine) as session:
        messages = list(session.execute(
            select(MailMessage).where(MailMessage.id.in_(ids))
            .options(selectinload(MailMessage.attachments)).order_by(MailMessage.id)).scalars())
        withheld = _withheld(messages, session.connection())
        session.expunge_all()  # keep what was read, and end the read: no lock while sending
        session.rollback()
    sent = 0
    transport = Transport()
    try:
        with db.engine.connect() as conn:
            for message in messages:
                outcome = {"status": "failed", "error": withheld[message.id]} \
                    if message.id in withheld else _send_one(transport, message, config)
                sent += outcome.get("status") == "sent"
                if not _record(conn, message.id, token, **outcome):
                    current_app.logger.warning("The rest of this batch was claimed by "
                                               "another dispatcher: stopping it")
                    break
    finally:
        transport.close()
    return len(ids), sent


def _withheld(messages: list[MailMessage], connection) -> dict[int, str]:
    """{message id: why it is not sent} for the messages whose recipient a module withholds
    mail from (accounts: a deactivated account), asked once for the batch."""
    addresses = {envelope(message)[1].lower() for message in messages}
    refused: set[str] = set()
    for _receiver, found in mail_recipients_withheld.send(None, addresses=addresses,
                                                          connection=connection):
        refused |= set(found or ())
    return {message.id: WITHHELD for message in messages
            if envelope(message)[1].lower() in refused}


def _send_one(transport: Transport, message: MailMessage, config) -> dict:
    try:
        data = build_email(message)
    except Exception as exc:  # a message that cannot be built never will be
        current_app.logger.warning("Mail %s cannot be built: %s", message.message_id, exc)
        return {"status": "failed", "error": f"Cannot be built: {exc}"[:1000]}
    try:
        transport.send(message, data)
    except Exception as exc:  # a mail server fault must not stop the batch
        current_app.logger.warning("Mail %s to %s failed: %s", message.message_id,
                                   message.recipient, exc)
        if is_permanent(exc) or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            return {"status": "failed", "error": str(exc)[:1000]}
        wait = config["MAIL_RETRY_SECONDS"] * 2 ** (message.attempts - 1)
        return {"status": "pending", "error": str(exc)[:1000],
                "next_attempt_at": utcnow() + timedelta(seconds=min(wait, 3600))}
    outcome = {"status": "sent", "sent_at": utcnow(), "error": None}
    if config["MAIL_LOG_REDACTS_LINKS"]:
        outcome["body"] = redact_links(message.body)
    return outcome


def dispatch_all(batch: int = 100) -> int:
    """Dispatch batches until this dispatcher finds nothing left to claim; return how many it
    sent (others may be sending the rest)."""
    total = 0
    while True:
        claimed, sent = _batch(batch)
        total += sent
        if not claimed:
            return total


# The transaction that queued a message ---------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the real commit is still to come
    queued = session.info.pop(QUEUED_KEY, None)
    if queued:  # the messages were written (flushed) and committed: their ids are known
        ids = [identity[0] for m in queued if (identity := inspect(m).identity)]
        session.info.setdefault(_READY_KEY, []).extend(ids)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(QUEUED_KEY, None)


def send_committed() -> None:
    """After a commit: with MAIL_SEND_AFTER_COMMIT (the tests' setting), send what it queued
    at once, so a test can read it; otherwise the dispatcher sends it within seconds."""
    ready = db.session.info.pop(_READY_KEY, None)
    if ready and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        dispatch(len(ready), only=ready)


def discard_queued() -> None:
    """Forget the messages queued in this session (the demo's), so none is sent at once."""
    db.session.info.pop(QUEUED_KEY, None)
    db.session.info.pop(_READY_KEY, None)
