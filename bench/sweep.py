"""How long a sweep's board digests hold up people's writes, on a national programme's data.

    .venv/bin/python bench/sweep.py --database-url URL [--rounds 2]

URL is a database holding the large data set (bench/scale.py --reuse leaves large.sqlite3 in
its --folder, or NAME_large on a PostgreSQL server). Every member on the daily digest is made
due, then the digests run while a writer on another connection (as a member changing their
settings in a web request) writes the first of those members' board settings every 20 ms:
once as one transaction (`services.send_digests`, as the job ran before), once as the
scheduler's job runs them now, a member at a time (core/turns.py, with no turn limit so that
both do the same work). Prints, for each, how long the digests took, how many were queued,
and the longest and the median wait of the writer's writes. The members' digest times are put
back afterwards. Never passes or fails: the figures are for reading.
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import driver_url  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from cohort import create_app  # noqa: E402
from cohort.board.jobs import send_digests_job  # noqa: E402
from cohort.board.services import send_digests  # noqa: E402
from cohort.core.database import commit, write_intent  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import DevelopmentConfig  # noqa: E402

WRITE = text("UPDATE board_member SET notify = notify WHERE membership_id = :member")


def writer(url: str, member: int, stop: threading.Event, waits: list[float]) -> None:
    """Write the member's board settings every 20 ms, each write its own transaction, noting
    how long each took (SQLite: its write lock first, as a web request's write does)."""
    engine = create_engine(driver_url(url), connect_args={"timeout": 60}
                           if url.startswith("sqlite") else {})
    with engine.connect() as conn:
        while not stop.is_set():
            started = time.perf_counter()
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.execute(WRITE, {"member": member})
            conn.commit()
            waits.append(time.perf_counter() - started)
            stop.wait(0.02)
    engine.dispose()


def run(app, url: str, how: str, member: int) -> tuple[float, int, list[float]]:
    with app.app_context():
        db.session.execute(text("UPDATE board_member SET digest_sent_at = NULL "
                                "WHERE notify = 'digest'"))
        commit()
    stop, waits = threading.Event(), []
    thread = threading.Thread(target=writer, args=(url, member, stop, waits))
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    with app.app_context(), write_intent():
        if how == "one transaction":
            queued = send_digests()
            commit()
        else:
            queued = send_digests_job()
    took = time.perf_counter() - started
    time.sleep(0.2)
    stop.set()
    thread.join()
    return took, queued, waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternated")
    args = parser.parse_args()
    config = type("Config", (DevelopmentConfig,), {
        "SQLALCHEMY_DATABASE_URI": driver_url(args.database_url), "MAIL_BACKEND": "memory",
        "SCHEDULER_TURN_SECONDS": None})
    app = create_app(config())
    with app.app_context():
        kept = db.session.execute(text("SELECT membership_id, digest_sent_at FROM board_member "
                                       "WHERE notify = 'digest' ORDER BY membership_id")).all()
        db.session.rollback()
    if not kept:
        raise SystemExit("No member of this database is on the daily digest")
    print(f"{len(kept):,} members on the daily digest; database: {args.database_url.split(':')[0]}")
    print("| digests run as | took s | queued | writes | longest write waited ms "
          "| median write ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    try:
        for _ in range(args.rounds):
            for how in ("one transaction", "a member at a time"):
                took, queued, waits = run(app, args.database_url, how, kept[0][0])
                print(f"| {how} | {took:.2f} | {queued} | {len(waits)} "
                      f"| {max(waits) * 1000:.0f} | {statistics.median(waits) * 1000:.1f} |",
                      flush=True)
    finally:
        with app.app_context():
            for membership_id, sent_at in kept:
                db.session.execute(text("UPDATE board_member SET digest_sent_at = :at "
                                        "WHERE membership_id = :id"),
                                   {"at": sent_at, "id": membership_id})
            commit()


if __name__ == "__main__":
    main()
