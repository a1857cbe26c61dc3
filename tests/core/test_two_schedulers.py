"""Two scheduler processes (here two apps on one database, each in a thread): a leader that
loses its lock stops at once and says so, and a new leader takes back the mail a stopped one
had claimed without waiting out the lease."""

import logging
import os
import threading
import time
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, text, update

from cohort.core import mail
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.core.outbox import claim, claiming_as
from cohort.core.scheduler import ADVISORY_LOCK_KEY, leader_lock, run_scheduler
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import wait_for

LOST = "no longer holds the scheduler lock"
QUICK = {"SCHEDULER_SWEEP_SECONDS": 1, "MAIL_DISPATCH_SECONDS": 0.3,
         "SCHEDULER_STANDBY_POLL_SECONDS": 0.2, "MAIL_SEND_AFTER_COMMIT": False}


class Running:
    """A scheduler running in a thread until stopped."""

    def __init__(self, app):
        self.app, self.stop = app, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        with self.app.app_context():
            run_scheduler(self.stop)

    def end(self):
        self.stop.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the scheduler did not stop"


def _cut_the_lock(app) -> None:
    """What a failover or a network cut does to the leader's lock. PostgreSQL: its connection
    is ended from another one. SQLite: the lock file is removed (the one way a file lock on a
    local disk is lost; on a network share a lost lease looks the same)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                ended = conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND granted AND (classid::bigint << 32) + objid::bigint = :key"),
                    {"key": ADVISORY_LOCK_KEY}).scalars().all()
                conn.commit()
            assert ended == [True]
        else:
            os.remove(db.engine.url.database + ".scheduler.lock")


def test_a_leader_that_loses_its_lock_stops_sweeping_and_says_so(build_app, monkeypatch,
                                                                   caplog):
    """issue 23 item 2: once the standby has taken over, only one scheduler sweeps."""
    hosts = [build_app(**QUICK), build_app(**QUICK)]
    sweeps: list[tuple[float, int]] = []

    def recorded_sweep():
        sweeps.append((time.monotonic(), hosts.index(current_app._get_current_object())))
        return "recorded"

    monkeypatch.setattr("cohort.core.scheduler.sweep", recorded_sweep)
    # A migration run earlier in this process (Alembic's logging set-up) disables the logger.
    monkeypatch.setattr(hosts[0].logger, "disabled", False)
    caplog.set_level(logging.INFO)
    first = Running(hosts[0])
    assert wait_for(lambda: sweeps), "the first scheduler never swept"
    second = Running(hosts[1])
    try:
        # The standby polls five times a second while the leader sweeps twice more.
        standing_by = time.monotonic()
        assert wait_for(lambda: sum(at > standing_by for at, _ in sweeps) >= 2)
        assert {who for _, who in sweeps} == {0}, "the standby swept beside the leader"

        _cut_the_lock(hosts[0])
        assert wait_for(lambda: LOST in caplog.text), "the old leader did not notice"
        assert wait_for(lambda: any(who == 1 for _, who in sweeps)), "nobody took over"
        settled = time.monotonic()
        assert wait_for(lambda: sum(at > settled for at, _ in sweeps) >= 3), "the sweeps stopped"
        after = {who for at, who in sweeps if at > settled}
        assert after == {1}, f"after the take-over these swept: {after}"
    finally:
        first.end()
        second.end()


def test_the_sqlite_lock_knows_when_its_file_is_replaced(app, tmp_path):
    """The file lock's own check: its file removed, or another put in its place (which
    another process can lock), the lock is no longer this process's."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the file lock is SQLite's; PostgreSQL's is cut in the test above")
    path = db.engine.url.database + ".scheduler.lock"
    with leader_lock(poll_seconds=0.05) as held:
        assert held()
        other = tmp_path / "another.lock"
        other.write_text("")
        os.replace(other, path)
        assert not held()
    with leader_lock(poll_seconds=0.05) as held:
        assert held()
        os.remove(path)
        assert not held()


def _queue(n: int) -> list[int]:
    for number in range(n):
        mail.queue_mail(f"person{number}@example.org", f"Message {number}", "Body")
    commit()
    return list(db.session.execute(select(MailMessage.id).order_by(MailMessage.id)).scalars())


def test_a_new_leader_sends_at_once_what_a_stopped_one_had_claimed(build_app, make_user):
    """issue 23 item 4: thirty messages claimed by a scheduler that then stopped are sent by
    the next leader within seconds, not after the five-minute lease; a claim by a dispatcher
    that is not a scheduler (it may be sending now) is left to its lease."""
    host = build_app(**QUICK)
    with host.app_context():
        ids = _queue(31)
        with claiming_as("scheduler deadhost 4242 0badc0de"):
            _token, dead = claim(30, only=ids[:30])
        with claiming_as("otherhost 77"):
            _token, busy = claim(1, only=ids[30:])
        assert len(dead) == 30 and len(busy) == 1
        db.session.rollback()  # what was read before the claims: they were written since
        db.session.execute(update(MailMessage).values(
            created_at=utcnow() - timedelta(minutes=6), claimed_at=utcnow() - timedelta(minutes=4)))  # within the lease
        commit()
    running = Running(host)
    try:
        sent = host.extensions.setdefault("cohort_mail_outbox", [])
        assert wait_for(lambda: len(sent) >= 30), f"{len(sent)} of 30 sent"
    finally:
        running.end()
    with host.app_context():
        statuses = dict(db.session.execute(select(MailMessage.status, func.count()).group_by(
            MailMessage.status)).all())
        assert statuses == {"sent": 30, "sending": 1}
        assert sorted(m["Subject"] for m in sent) == sorted(f"Message {n}" for n in range(30))
