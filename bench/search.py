"""Time a board search at a national programme's scale.

    .venv/bin/python bench/search.py [--entries 50000] [--runs 7] [--database-url URL]

Builds its own database (a temporary SQLite file by default), writes `--entries` search
entries in bulk into one cohort (four in five carry a common word, one in a thousand a rare
one), and prints the median and worst time of a search for each, with its SQL statements and
whether the results were limited. Never passes or fails: the figures are for reading.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import fresh_app  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402

from cohort.core.database import commit  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402

WORDS = ("budget", "housing", "survey", "county", "council", "outcome", "measure", "resident",
         "partner", "data", "evidence", "team", "plan", "policy", "service", "review")


def fill(cohort_id: int, entries: int) -> None:
    from cohort.board.models import SearchEntry

    rng = random.Random(19)
    batch = []
    for n in range(entries):
        body = " ".join(rng.choice(WORDS) for _ in range(60))
        if n % 5:
            body += " wellbeing"
        if n % 1000 == 0:
            body += " kestrel"
        batch.append({"cohort_id": cohort_id, "kind": "post", "ref_id": n, "thread_id": None,
                      "title": f"Thread {n // 25}", "body": body})
        if len(batch) == 5000:
            db.session.execute(insert(SearchEntry), batch)
            batch = []
    if batch:
        db.session.execute(insert(SearchEntry), batch)
    commit()


_LISTENERS: list = []


def _seen(statements: list):
    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)
    _LISTENERS.append(listener)
    return listener


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ranked", type=int, default=TestingConfig.BOARD_SEARCH_RANKED,
                        help="BOARD_SEARCH_RANKED; a number past the matches ranks them all")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/search.sqlite3"
        app = fresh_app(TestingConfig, url, BOARD_SEARCH_RANKED=args.ranked)
        with app.app_context():
            from cohort.board.services import search
            from cohort.cohorts.services import create_cohort

            cohort = create_cohort(None, "National programme", status="running")
            commit()
            fill(cohort.id, args.entries)
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE board_search")
            print(f"{db.engine.dialect.name}, {args.entries:,} entries, "
                  f"ranking at most {app.config['BOARD_SEARCH_RANKED']:,} matches")
            for word in ("wellbeing", "kestrel"):
                times, statements = [], []
                for _ in range(args.runs):
                    statements.clear()
                    event.listen(db.engine, "before_cursor_execute", _seen(statements))
                    start = time.perf_counter()
                    found = search([cohort.id], word)
                    times.append((time.perf_counter() - start) * 1000)
                    event.remove(db.engine, "before_cursor_execute", _LISTENERS.pop())
                    db.session.rollback()
                print(f"  {word!r:12} median {statistics.median(times):7.1f} ms, "
                      f"worst {max(times):7.1f} ms, {len(statements)} statements, "
                      f"{len(found.hits)} shown, limited: {found.limited}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
