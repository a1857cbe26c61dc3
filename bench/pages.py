"""Time the main pages on the demo data, and count their queries.

    .venv/bin/python bench/pages.py [--runs 30] [--sessions 200] [--database-url URL]

Prints, per page, the median and 95th-percentile time of a GET (test client, no network) and
the number of SQL statements it runs. It builds its own database (a temporary SQLite file by
default) and never passes or fails: the figures are for reading and comparing.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import fresh_app  # noqa: E402
from sqlalchemy import event  # noqa: E402

from cohort.core.database import commit  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402

PASSWORD = "bench-demo-password"


def build(url: str, extra_sessions: int):
    app = fresh_app(TestingConfig, url)
    with app.app_context():
        from cohort import demo
        from cohort.cohorts.models import Cohort
        from cohort.programme.services import add_session

        demo.load(PASSWORD)
        commit()
        cohort = db.session.execute(db.select(Cohort).where(Cohort.status == "running")).scalar_one()
        start = datetime(2027, 1, 4, 10, tzinfo=UTC)
        for n in range(extra_sessions):
            add_session(None, cohort, f"Extra session {n}", "one_to_one",
                        start + timedelta(days=n), 60, objectives=["One", "Two", "Three"])
        commit()
        return app, cohort.id


def measure(app, client, path: str, runs: int) -> tuple[float, float, int]:
    timings, queries = [], [0]

    def count(*_args, **_kwargs):
        queries[0] += 1

    with app.app_context():
        engine = db.engine
    for _ in range(runs):
        queries[0] = 0
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], queries[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=200, help="extra sessions in the running cohort")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app, running_id = build(url, args.sessions)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "email": "facilitator@example.org",
                                "password": PASSWORD})
    pages = ["/", f"/cohorts/{running_id}", f"/cohorts/{running_id}/programme",
             f"/cohorts/{running_id}/members", f"/cohorts/{running_id}/applications",
             f"/cohorts/{running_id}/roster", f"/cohorts/{running_id}/reminders", "/account"]
    print(f"database: {url.split('://')[0]}, {args.runs} runs a page, "
          f"{args.sessions} extra sessions in the running cohort")
    print(f"{'page':45} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for path in pages:
        median, p95, queries = measure(app, client, path, args.runs)
        print(f"{path:45} {median * 1000:10.1f} {p95 * 1000:8.1f} {queries:8}")


if __name__ == "__main__":
    main()
