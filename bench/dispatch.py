"""Deliveries a second, from due reminders to an SMTP server on loopback.

    .venv/bin/python bench/dispatch.py [--deliveries 10000] [--dispatchers 1,4]
                                      [--database-url URL]

For each number of dispatchers it builds a fresh database (a temporary SQLite file by default),
a cohort of 100 members and enough sessions with a reminder due to make the deliveries; turns
the due reminders into deliveries (as the scheduler's job does) and times that; then starts
that many `flask cohort dispatch --until-idle` processes against an aiosmtpd sink and times
until every message is accepted. It checks each message arrived exactly once, and prints the
figures; it never passes or fails on a time.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from fresh import fresh_app  # noqa: E402

from cohort.core.database import commit  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import TestingConfig, driver_url  # noqa: E402

MEMBERS = 100
_MESSAGE_ID = re.compile(rb"^Message-ID: (\S+)", re.MULTILINE | re.IGNORECASE)


class Sink:
    """Accepts every message and keeps its Message-ID."""

    def __init__(self) -> None:
        self.ids: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        found = _MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.ids.append(found.group(1) if found else b"")
        return "250 Message accepted"


def build(url: str, deliveries: int):
    """A fresh database with `deliveries` due: returns (app, seconds to make the deliveries)."""

    app = fresh_app(TestingConfig, url, MAIL_SEND_AFTER_COMMIT=False)
    with app.app_context():
        from cohort.accounts.services import create_user
        from cohort.cohorts.services import add_member, create_cohort
        from cohort.core.timeutil import utcnow
        from cohort.programme.services import add_session
        from cohort.reminders.services import ReminderData, add_reminder, send_due_reminders

        cohort = create_cohort(None, "Benchmark cohort", status="running")
        sessions = [add_session(None, cohort, f"Session {n}", "workshop",
                                utcnow() + timedelta(hours=2, minutes=n), 90)
                    for n in range(-(-deliveries // MEMBERS))]
        for n in range(MEMBERS):
            user = create_user(f"member{n}@example.org", f"Member {n}", password=None)
            add_member(None, cohort, user, "participant" if n else "facilitator")
        for session in sessions:
            add_reminder(None, cohort, ReminderData(
                anchor="session_start", offset_minutes=-24 * 60, session_id=session.id,
                subject="Reminder: ((session)) on ((time))",
                body="Hello ((name)), join at ((join link)): ((session link))"))
        commit()
        started = time.perf_counter()
        queued = send_due_reminders()
        commit()
        made = time.perf_counter() - started
        assert queued == len(sessions) * MEMBERS, queued
    return app, made, queued


def dispatch(app, url: str, port: int, count: int) -> float:
    env = {key: value for key, value in os.environ.items() if key != "SERVER_BASE_URL"}
    env |= {"DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
            "COHORT_ENV": "development", "SECRET_KEY": "bench", "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
            "COHORT_INSTANCE_PATH": app.instance_path, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "cohort",
                                   "dispatch", "--until-idle", "--batch", "100"], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(count)]
    for process in processes:
        _out, err = process.communicate()
        if process.returncode:
            raise SystemExit(err.decode())
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--dispatchers", default="1,4")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(f"{'database':10} {'dispatchers':>11} {'deliveries':>10} {'made /s':>8} "
          f"{'sent /s':>8} {'exactly once':>12}")
    for count in [int(n) for n in args.dispatchers.split(",")]:
        url = driver_url(args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
        app, made, queued = build(url, args.deliveries)
        sink = Sink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            seconds = dispatch(app, url, port, count)
        finally:
            controller.stop()
        once = len(sink.ids) == queued == len(set(sink.ids))
        print(f"{url.split(':')[0].split('+')[0]:10} {count:11} {queued:10} "
              f"{queued / made:8.0f} {queued / seconds:8.0f} {'yes' if once else 'NO':>12}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
