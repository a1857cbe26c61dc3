"""The scheduler process: APScheduler drives a periodic sweep of every module's jobs.

It runs in its own process (`flask --app wsgi cohort scheduler`), never in a web worker. Only
one process sweeps at a time: it holds a PostgreSQL advisory lock, or a file lock beside the
SQLite database; a second process waits on the lock as a hot standby.
"""

import contextlib
import os
import signal
import socket
import time
from contextlib import contextmanager
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from filelock import FileLock, Timeout
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cohort.core.database import commit, write_intent
from cohort.core.models import SchedulerBeat
from cohort.core.outbox import dispatch_all
from cohort.core.timeutil import utcnow
from cohort.extensions import db

ADVISORY_LOCK_KEY = 0x436F686F7274  # "Cohort"


def sweep() -> str:
    """Run each module's periodic jobs once (the registry's, see cohort/modules.py); each
    commits its own work, and one that fails does not stop the others."""
    results = []
    for job in current_app.extensions["cohort_jobs"]:
        try:
            with write_intent():  # a job reads, then writes: SQLite's write lock first
                results.append(f"{job.__name__}: {job()}")
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Scheduler job %s failed", job.__name__)
            results.append(f"{job.__name__}: failed")
    return "; ".join(results)


@contextmanager
def leader_lock(poll_seconds: float = 5.0):
    """Block until this process is the only scheduler, then hold the lock until exit."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            announced = False
            while not conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar():
                conn.commit()
                if not announced:
                    current_app.logger.info("Another scheduler is running; waiting as standby.")
                    announced = True
                time.sleep(poll_seconds)
            conn.commit()
            yield
        finally:
            # close() returns the connection to the pool, still holding a session-level lock:
            # release it first (a broken connection has lost the lock with its session).
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                conn.commit()
            conn.close()
    else:
        database = engine.url.database or "memory"
        path = Path(database + ".scheduler.lock") if database != "memory" else Path(
            current_app.instance_path, "scheduler.lock"
        )
        lock = FileLock(str(path))
        announced = False
        while True:
            try:
                lock.acquire(timeout=poll_seconds)
                break
            except Timeout:
                if not announced:
                    current_app.logger.info("Another scheduler is running; waiting as standby.")
                    announced = True
        try:
            yield
        finally:
            lock.release()


def beat(started_at) -> None:
    """Write the heartbeat the admin's mail log and the health check read."""
    values = {"host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at,
              "beat_at": utcnow()}
    row = db.session.get(SchedulerBeat, 1)
    if row is None:
        db.session.add(SchedulerBeat(id=1, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    commit()


def last_beat() -> SchedulerBeat | None:
    return db.session.get(SchedulerBeat, 1)


def run_scheduler() -> None:
    """Hold the leader lock, then sweep every SCHEDULER_SWEEP_SECONDS and dispatch mail every
    MAIL_DISPATCH_SECONDS until stopped."""
    app = current_app._get_current_object()
    interval = app.config["SCHEDULER_SWEEP_SECONDS"]
    started = utcnow()

    def sweep_job():
        with app.app_context(), write_intent():
            app.logger.info("Sweep: %s", sweep())
            beat(started)

    def dispatch_job():
        with app.app_context():
            try:
                sent = dispatch_all()
                with write_intent():
                    beat(started)
            except Exception:  # the next run tries again
                db.session.rollback()
                app.logger.exception("Dispatching mail failed")
                return
            if sent:
                app.logger.info("Dispatched %s messages", sent)

    with leader_lock():
        app.logger.info("Scheduler running: a sweep every %s seconds.", interval)
        scheduler = BlockingScheduler(timezone="UTC")
        scheduler.add_job(sweep_job, "interval", seconds=interval, id="sweep", coalesce=True,
                          max_instances=1)
        scheduler.add_job(dispatch_job, "interval", seconds=app.config["MAIL_DISPATCH_SECONDS"],
                          id="dispatch", coalesce=True, max_instances=1)
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        sweep_job()  # a sweep at start: overdue work is done straight after a restart
        scheduler.start()
