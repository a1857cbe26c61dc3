"""Outgoing mail: rendered from a template and queued in the caller's transaction.

Every email is a text template under `templates/emails/<module>/`, sent with send_mail(): its
first line is `Subject: ...`, the rest is the body. Its links come from url_for(..., _external=True), built against
SERVER_BASE_URL (where users reach the site), never by hand. Every message is a row of
`mail_message`, the one outbox: core.outbox sends it, outside any request, and keeps it for the
admin's mail log.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import make_msgid, parseaddr
from urllib.parse import quote, urljoin, urlsplit

from flask import current_app, request
from sqlalchemy import update

from cohort.core.models import MailAttachment, MailMessage
from cohort.core.signals import mail_status_changed
from cohort.core.timeutil import utcnow
from cohort.extensions import db

SUBJECT_LIMIT = MailMessage.subject.type.length  # 255

# The ids of the messages queued in the session's current transaction (see core.outbox).
QUEUED_KEY = "cohort_queued_mail"
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what url_for leaves unquoted in an anchor


def external_url(endpoint: str, **values) -> str:
    """An absolute link to an endpoint on the site as users reach it (SERVER_BASE_URL), the
    same inside a request, a job or a command. `_anchor` ends it in a fragment, as url_for's
    does (the map alone would make it a query argument)."""
    values.pop("_external", None)
    anchor = values.pop("_anchor", None)
    base = urlsplit(current_app.config["SERVER_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "http")
    url = adapter.build(endpoint, values, force_external=True)
    return url if anchor is None else f"{url}#{quote(str(anchor), safe=ANCHOR_SAFE)}"


@contextmanager
def page_links() -> Iterator[None]:
    """Inside the block, url_for builds a page's links as a request to the site as users reach
    it (SERVER_BASE_URL) would, in a job or a command too: for an email that reuses what a page
    computes with its links (the home's to-dos). whole_link makes one of them absolute."""
    with current_app.test_request_context("/", base_url=current_app.config["SERVER_BASE_URL"]):
        yield


def whole_link(href: str) -> str:
    """A link url_for built inside page_links(), absolute, as an email needs it."""
    return urljoin(request.host_url, href)


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
    return _fitted(" ".join(first.removeprefix("Subject:").split())), body.strip() + "\n"


def _fitted(subject: str) -> str:
    """The subject cut to what a message keeps (a long name and a long title together can
    pass it), ending in an ellipsis where it was cut."""
    return subject if len(subject) <= SUBJECT_LIMIT else subject[:SUBJECT_LIMIT - 1] + "…"


def send_mail(recipient: str, template: str, attachments=(), headers: dict | None = None,
              **context) -> MailMessage:
    """Render an email template and queue it (see queue_mail)."""
    subject, body = render_mail(template, **context)
    return queue_mail(recipient, subject, body, attachments=attachments, headers=headers)


def queue_mail(recipient: str, subject: str, body: str, attachments=(),
               headers: dict | None = None) -> MailMessage:
    """Add a message to the outbox, in the caller's transaction: if the work rolls back, so
    does the mail. The dispatcher (core.outbox) sends it once the transaction has committed.
    `attachments` are (filename, content type, bytes); `headers` are extra headers."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].partition("@")[2] or "cohort.localhost"
    message = MailMessage(
        message_id=make_msgid(domain=domain), sender=sender, recipient=recipient,
        subject=_fitted(subject), body=body, next_attempt_at=utcnow(),
        headers=json.dumps(headers) if headers else None,
        attachments=[MailAttachment(filename=name, content_type=kind, data=data)
                     for name, kind, data in attachments],
    )
    db.session.add(message)  # written with the caller's next flush, many in one statement
    db.session.info.setdefault(QUEUED_KEY, []).append(message)
    return message




def requeue(message: MailMessage, recipient: str | None = None) -> bool:
    """Give a failed message one more attempt: the same message, with the same Message-ID,
    back in the outbox (to `recipient`, the person's address now, when given), sent once the
    caller's transaction commits. False when it is no longer failed (queued again meanwhile).
    Its earlier failure stays in `error` until the new attempt's outcome replaces it."""
    queued = db.session.execute(
        update(MailMessage).where(MailMessage.id == message.id, MailMessage.status == "failed")
        .values(status="pending", next_attempt_at=utcnow(), claimed_at=None, claim_token=None,
                recipient=recipient or MailMessage.recipient)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(message)
    if queued:
        db.session.info.setdefault(QUEUED_KEY, []).append(message)
        mail_status_changed.send(message.id, status="pending", was="failed",
                                 connection=db.session.connection())
    return bool(queued)
