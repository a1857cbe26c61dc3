"""The outbox's dispatcher against a real SMTP server on loopback (aiosmtpd): a request never
waits for the server; any number of dispatcher processes send each message exactly once; a
dispatcher killed mid-batch loses nothing and repeats with the same Message-ID; temporary
refusals are retried, permanent ones recorded with the server's reason."""

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select, update

from cohort.core.models import MailMessage
from cohort.core.outbox import dispatch_all
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import post_form

ROOT = Path(__file__).resolve().parents[2]


class Sink:
    """An SMTP server that keeps what it accepts; it may pause, hold each message until `hold`
    is set (two minutes at most), or refuse some messages."""

    def __init__(self, delay: float = 0.0, refuse=lambda envelope: None,
                 hold: threading.Event | None = None):
        self.delay, self.refuse, self.hold = delay, refuse, hold
        self.received: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 120)
        answer = self.refuse(envelope)
        if answer:
            return answer
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(message)
        return "250 Message accepted"

    def ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.received]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """smtp(sink) -> the port of an SMTP server on loopback handing messages to the sink."""
    controllers = []

    def _start(sink: Sink) -> int:
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return port

    yield _start
    for controller in controllers:
        controller.stop()


def _smtp_config(app, monkeypatch, port: int) -> None:
    for name, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                        "MAIL_SEND_AFTER_COMMIT": False, "MAIL_RETRY_SECONDS": 0}.items():
        monkeypatch.setitem(app.config, name, value)


def _queue(count: int) -> list[str]:
    """Queue `count` messages in one statement; return their Message-IDs."""
    now = utcnow()
    rows = [{"message_id": f"<bulk-{n}-{random.random()}@cohort.localhost>",  # noqa: S311
             "sender": "Cohort <no-reply@cohort.localhost>", "recipient": f"p{n}@example.org",
             "subject": f"Reminder {n}", "body": "Body", "status": "pending", "attempts": 0,
             "created_at": now, "next_attempt_at": now} for n in range(count)]
    db.session.execute(insert(MailMessage), rows)
    db.session.commit()
    return [row["message_id"] for row in rows]


def _statuses() -> dict[str, int]:
    db.session.rollback()
    return dict(db.session.execute(
        select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())


def test_a_request_does_not_wait_for_the_mail_server(app, client, make_user, smtp, monkeypatch):
    # The server holds every message until released: a request that waited for it would
    # answer only after the release (a minute later at most, so the test ends either way).
    held = threading.Event()
    sink = Sink(hold=held)
    _smtp_config(app, monkeypatch, smtp(sink))
    make_user("ada@example.org")
    release = threading.Timer(60, held.set)
    release.start()
    try:
        response = post_form(client, "/forgot-password", {"email": "ada@example.org"})
        assert not held.is_set(), "the page waited for the mail server"
    finally:
        release.cancel()
        held.set()
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert sink.ids() == []  # the page answered before the server had the message
    assert dispatch_all() == 1  # the dispatcher sends it, outside the request
    assert len(sink.ids()) == 1


def _dispatchers(app, database_url: str, port: int, count: int, **settings) -> list:
    env = {key: value for key, value in os.environ.items() if key != "SERVER_BASE_URL"}
    env |= {"DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://"),
            "COHORT_ENV": "development", "SECRET_KEY": "dispatcher-test", "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_RETRY_SECONDS": "0",
            "COHORT_INSTANCE_PATH": app.instance_path, "PYTHONDONTWRITEBYTECODE": "1",
            **{key: str(value) for key, value in settings.items()}}
    return [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "cohort",
                              "dispatch", "--until-idle", "--batch", "50"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(count)]


def test_four_dispatchers_send_each_message_exactly_once(app, database_url, smtp):
    sink = Sink()
    port = smtp(sink)
    queued = _queue(2000)
    processes = _dispatchers(app, database_url, port, 4)
    outputs = [process.communicate(timeout=240) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    received = sink.ids()
    assert len(received) == 2000
    assert sorted(received) == sorted(queued)  # every one, none twice
    assert _statuses() == {"sent": 2000}
    shares = [int(out.decode().split()[1]) for out, _err in outputs]
    assert sum(shares) == 2000


def test_a_dispatcher_killed_mid_batch_loses_nothing(app, database_url, smtp):
    sink = Sink(delay=0.02)
    port = smtp(sink)
    queued = _queue(300)
    [first] = _dispatchers(app, database_url, port, 1)
    deadline = time.monotonic() + 240  # a deadline only for a dispatcher that never starts
    while len(sink.ids()) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert 0 < len(sink.ids()) < 300
    # Its claims expire after the lease; a new dispatcher sends the rest.
    [second] = _dispatchers(app, database_url, port, 1, MAIL_CLAIM_LEASE_SECONDS=1)
    time.sleep(1.5)
    second.communicate(timeout=120)
    [third] = _dispatchers(app, database_url, port, 1, MAIL_CLAIM_LEASE_SECONDS=1)
    third.communicate(timeout=120)
    received = sink.ids()
    assert set(received) == set(queued)  # nothing lost
    repeats = {mid for mid in received if received.count(mid) > 1}
    assert len(repeats) <= 1  # at most the one in flight at the kill, with its Message-ID
    assert _statuses() == {"sent": 300}


def test_temporary_refusals_are_retried_and_permanent_ones_recorded(app, smtp, monkeypatch):
    rng = random.Random(7)

    def refuse(envelope):
        if envelope.rcpt_tos == ["p0@example.org"]:
            return "550 5.1.1 No such mailbox here"
        if rng.random() < 0.3:
            return "451 4.3.0 Try again later"
        return None

    sink = Sink(refuse=refuse)
    _smtp_config(app, monkeypatch, smtp(sink))
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 20)
    queued = _queue(100)
    for _ in range(30):
        dispatch_all()
        if _statuses().get("pending", 0) == 0:
            break
        db.session.execute(update(MailMessage).where(MailMessage.status == "pending")
                           .values(next_attempt_at=utcnow()))
        db.session.commit()
    assert _statuses() == {"sent": 99, "failed": 1}
    assert sorted(sink.ids()) == sorted(queued[1:])
    failed = db.session.execute(select(MailMessage).where(MailMessage.status == "failed")
                                ).scalar_one()
    assert failed.recipient == "p0@example.org" and "No such mailbox" in failed.error
    assert failed.attempts == 1  # a permanent refusal is not retried
    retried = db.session.execute(select(func.count()).where(
        MailMessage.status == "sent", MailMessage.attempts > 1)).scalar_one()
    assert retried > 0


def test_what_the_server_receives_is_a_well_formed_message(app, smtp, monkeypatch):
    """Line ends, long lines, names and subjects beyond ASCII, and an attachment, as a mail
    program reads them."""
    from cohort.core.mail import queue_mail

    sink = Sink()
    _smtp_config(app, monkeypatch, smtp(sink))
    long_line = "A paragraph with no line break in it. " * 60  # over SMTP's 1,000 characters
    queue_mail("Zoë Ångström <zoe@example.org>", "Räume für Workshop 2 – bitte lesen",
               f"Hallo Zoë,\n\n{long_line}\n.\nEnde", headers={"List-Unsubscribe": "<https://x/s>"},
               attachments=[("session.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR")])
    db.session.commit()
    assert dispatch_all() == 1
    [message] = sink.received
    assert message["To"] == "Zoë Ångström <zoe@example.org>"
    assert message["Subject"] == "Räume für Workshop 2 – bitte lesen"
    assert message["List-Unsubscribe"] == "<https://x/s>"
    text = message.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n") == f"Hallo Zoë,\n\n{long_line}\n.\nEnde"
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "session.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_payload(decode=True) == b"BEGIN:VCALENDAR"


def test_claims_at_once_never_take_more_than_asked_or_the_same_message(app):
    """Eight dispatchers claiming 30 each from 200 due messages at the same moment: each gets
    at most 30, and no message is claimed twice."""
    from concurrent.futures import ThreadPoolExecutor

    from cohort.core.outbox import claim

    _queue(200)
    start = threading.Barrier(8)

    def one():
        with app.app_context():
            start.wait()
            return claim(30)[1]

    with ThreadPoolExecutor(max_workers=8) as pool:
        claims = list(pool.map(lambda _n: one(), range(8)))
    assert all(len(ids) <= 30 for ids in claims), [len(ids) for ids in claims]
    every = [message_id for ids in claims for message_id in ids]
    assert len(every) == len(set(every)) == min(200, 8 * 30)
