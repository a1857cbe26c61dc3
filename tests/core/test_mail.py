"""Outgoing mail: sent after commit only, logged for the admin, retried when the server is down."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select, update

from cohort.accounts import services
from cohort.accounts.models import LoginFailure
from cohort.core import mail
from cohort.core import outbox as dispatcher
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import post_form


class Collector:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(app, monkeypatch):
    """Point the app at an SMTP server on a free loopback port; nothing listens there yet."""
    port = _free_port()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    return port


@pytest.fixture
def start_smtp():
    controllers = []

    def _start(port: int) -> Collector:
        collector = Collector()
        controller = Controller(collector, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return collector

    yield _start
    for controller in controllers:
        controller.stop()


def _rows() -> list[MailMessage]:
    db.session.rollback()
    return list(db.session.execute(select(MailMessage).order_by(MailMessage.id)).scalars())


# Through a real SMTP server ---------------------------------------------------------------


def test_reset_mail_arrives_through_smtp(client, make_user, smtp_settings, start_smtp):
    server = start_smtp(smtp_settings)
    make_user("ada@example.org")
    response = post_form(client, "/forgot-password", {"email": "ada@example.org"})
    assert response.status_code == 200

    [row] = _rows()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert len(server.envelopes) == 1
    envelope = server.envelopes[0]
    assert envelope.rcpt_tos == ["ada@example.org"]
    [message] = server.messages()
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == "Reset your Cohort password"
    assert "http://localhost/reset-password/" in message.get_content()


def test_mail_server_down_then_retried_once(client, make_user, smtp_settings, start_smtp):
    make_user("ada@example.org")
    response = post_form(client, "/forgot-password", {"email": "ada@example.org"})
    # The person's request still succeeds; the message waits.
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    [row] = _rows()
    assert row.status == "pending"
    assert row.error  # e.g. "Connection refused"
    assert row.sent_at is None

    assert row.next_attempt_at > utcnow()  # retried later, not at once
    server = start_smtp(smtp_settings)
    assert dispatcher.dispatch_all() == 0  # not due yet
    _make_due()
    assert dispatcher.dispatch_all() == 1
    assert dispatcher.dispatch_all() == 0  # exactly once
    assert len(server.envelopes) == 1
    [message] = server.messages()
    [row] = _rows()
    assert row.status == "sent" and row.error is None and row.attempts == 2
    assert message["Message-ID"] == row.message_id


def _make_due() -> None:
    """As if the wait before the next attempt had passed."""
    db.session.rollback()
    db.session.execute(update(MailMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def test_mail_that_keeps_failing_is_given_up(app, make_user, smtp_settings):
    user = make_user()
    services.request_password_reset(user.email)
    commit()
    attempts = app.config["MAIL_MAX_ATTEMPTS"]
    waits = []
    for _ in range(attempts - 1):
        [row] = _rows()
        waits.append(row.next_attempt_at - utcnow())
        _make_due()
        assert dispatcher.dispatch_all() == 0
    [row] = _rows()
    assert (row.status, row.attempts) == ("failed", attempts)
    assert "refused" in row.error.lower() or row.error
    assert waits == sorted(waits)  # each wait is longer than the last
    _make_due()
    assert dispatcher.dispatch_all() == 0
    assert _rows()[0].attempts == attempts


def test_a_stale_claim_is_retried_with_the_same_message_id(app, outbox, make_user):
    """A worker that crashed mid-send leaves the message 'sending'; after the lease it is sent."""
    user = make_user()
    message = mail.queue_mail(user.email, "Subject", "Body")
    db.session.commit()  # committed without delivery, as if the process died here
    dispatcher.discard_queued()
    message.status = "sending"
    message.claimed_at = utcnow()
    db.session.commit()
    assert dispatcher.dispatch_all() == 0  # another worker may still be sending it
    message.claimed_at = utcnow() - app.config["MAIL_CLAIM_LEASE"]
    db.session.commit()
    assert dispatcher.dispatch_all() == 1
    assert [m["Message-ID"] for m in outbox] == [_rows()[0].message_id]


def test_work_goes_on_while_a_message_is_being_sent(client, outbox, make_user, monkeypatch):
    """No transaction (nor SQLite's write lock) is held while the mail server answers."""
    make_user("ada@example.org")
    real_send = dispatcher.Transport.send

    def send_while_another_worker_writes(transport, message, data):
        with db.engine.begin() as other:
            sqlite = other.dialect.name == "sqlite"
            if sqlite:
                # Fail, after a wait no busy machine needs, rather than wait 30 s.
                other.exec_driver_sql("PRAGMA busy_timeout=5000")
            try:
                other.execute(insert(LoginFailure).values(scope="address", key="198.51.100.7",
                                                          created_at=utcnow()))
            finally:
                if sqlite:  # the connection goes back to the pool: leave it as it came
                    other.exec_driver_sql("PRAGMA busy_timeout=30000")
        real_send(transport, message, data)

    monkeypatch.setattr(dispatcher.Transport, "send", send_while_another_worker_writes)
    response = post_form(client, "/forgot-password", {"email": "ada@example.org"})
    assert response.status_code == 200
    [row] = _rows()
    assert (row.status, row.error) == ("sent", None)
    assert len(outbox) == 1
    assert db.session.execute(select(func.count(LoginFailure.id))).scalar_one() == 1


# Only after commit ------------------------------------------------------------------------


def test_mail_is_sent_only_when_the_work_commits(outbox, make_user):
    user = make_user()
    mail.queue_mail(user.email, "Rolled back", "This must never be sent.")
    assert outbox == []  # nothing goes out before the commit
    db.session.rollback()
    commit()
    assert outbox == []
    assert _rows() == []
    assert dispatcher.dispatch_all() == 0

    mail.queue_mail(user.email, "Committed", "This one is sent.")
    commit()
    assert [m["Subject"] for m in outbox] == ["Committed"]


def test_mail_from_a_failed_request_is_never_sent(build_app):
    app = build_app()

    @app.route("/queue-then-fail")
    def queue_then_fail():
        mail.queue_mail("ada@example.org", "Half-done work", "This must never be sent.")
        raise RuntimeError("the request fails after queuing mail")

    response = app.test_client().get("/queue-then-fail")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert app.extensions.get("cohort_mail_outbox", []) == []
    assert _rows() == []
    with app.app_context():
        assert dispatcher.dispatch_all() == 0
    assert app.extensions.get("cohort_mail_outbox", []) == []


# The mail log -----------------------------------------------------------------------------


@pytest.fixture
def sent_mail(make_user):
    user = make_user("ada@example.org", name="Ada <script>alert(1)</script>")
    services.request_password_reset(user.email)
    commit()
    return db.session.execute(select(MailMessage)).scalar_one()


def test_admin_reads_the_mail_log(client, login, make_user, sent_mail):
    login(make_user(is_admin=True))
    response = client.get("/admin/mail")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Mail log" in page
    assert "ada@example.org" in page
    assert "Reset your Cohort password" in page
    assert "Sent" in page
    assert f'href="/admin/mail/{sent_mail.id}"' in page


def test_admin_reads_one_message(client, login, make_user, sent_mail):
    login(make_user(is_admin=True))
    response = client.get(f"/admin/mail/{sent_mail.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert sent_mail.message_id.strip("<>") in page
    assert "Someone asked to reset the password" in page
    assert '<a href="http://localhost/reset-password/' in page  # the link is clickable
    assert "<script>alert(1)" not in page  # what a user wrote is escaped
    assert "&lt;script&gt;alert(1)" in page


def test_unknown_message_is_not_found(client, login, make_user):
    login(make_user(is_admin=True))
    assert client.get("/admin/mail/999").status_code == 404


@pytest.mark.parametrize("path", ["/admin/mail", "/admin/mail/{id}"])
def test_mail_log_is_for_admins_only(client, new_client, login, make_member, sent_mail, path):
    url = path.format(id=sent_mail.id)
    login(make_member(role="facilitator").user)
    response = client.get(url)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You do not have access to this page" in page
    assert "ada@example.org" not in page

    anonymous = new_client().get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")


def test_mail_log_pages(client, login, make_user):
    login(make_user(is_admin=True))
    for n in range(30):
        mail.queue_mail(f"person{n:02}@example.org", f"Message {n:02}", "Body")
    commit()

    first = client.get("/admin/mail").get_data(as_text=True)
    assert "30 in all" in first
    assert "person29@example.org" in first  # newest first
    assert "person04@example.org" not in first
    assert 'href="/admin/mail?page=2"' in first
    second = client.get("/admin/mail?page=2").get_data(as_text=True)
    assert "person04@example.org" in second
    assert "person29@example.org" not in second
    for bad in ("nonsense", "٢", "²", "-1", "99999999999999999999"):
        response = client.get(f"/admin/mail?page={bad}")
        assert response.status_code == 200, bad
        assert "person29@example.org" in response.get_data(as_text=True), bad  # the first page
    assert db.session.execute(select(func.count(MailMessage.id))).scalar_one() == 30


def test_mail_queued_inside_a_savepoint_waits_for_the_real_commit(db):
    """Releasing a SAVEPOINT is not the commit: if the transaction then rolls back, no mail."""
    with db.session.begin_nested():
        mail.queue_mail("someone@example.org", "Subject", "Body")
    assert not db.session.info.get(dispatcher._READY_KEY)
    db.session.rollback()
    commit()
    assert not db.session.info.get(mail.QUEUED_KEY)
    assert db.session.execute(db.select(mail.MailMessage)).first() is None
