"""Time a backup and a restore of the demo, and of the demo with many more board posts.

    .venv/bin/python bench/backup.py [--runs 3] [--posts 0,100000] [--database-url URL]

For each size, loads the demo into a fresh database (a temporary SQLite file by default; with
--database-url, that PostgreSQL database, emptied, and beside it `<name>_restore`, made for the
run and dropped after) and adds that many posts to one of its threads in bulk (not indexed for
search: the figures are for copying rows). Then times, median of the runs, `backup()` as
`flask cohort backup` calls it; the same while a thread keeps committing audit entries (and how
many it committed while the backup ran); and `read_backup()` with `restore()` into the second
database, as `flask cohort restore` calls them. Prints the backup's size and rows. The commands
themselves add the start of a Flask process (about 2 s here). Never passes or fails.
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import fresh_app  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from cohort import create_app, demo  # noqa: E402
from cohort.board.models import Post, Thread  # noqa: E402
from cohort.core.audit import record  # noqa: E402
from cohort.core.backup import backup, read_backup, restore  # noqa: E402
from cohort.core.database import commit, write_intent  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import TestingConfig, driver_url  # noqa: E402

CHUNK = 5_000


def add_posts(count: int) -> None:
    thread = db.session.execute(select(Thread).order_by(Thread.id)).scalars().first()
    author = db.session.execute(select(Post.author_id).where(
        Post.thread_id == thread.id, Post.author_id.is_not(None))).scalars().first()
    start = db.session.execute(select(func.max(Post.number)).where(
        Post.thread_id == thread.id)).scalar_one()
    now = thread.last_post_at
    for first in range(0, count, CHUNK):
        numbers = range(start + 1 + first, start + 1 + min(first + CHUNK, count))
        db.session.execute(insert(Post), [
            {"thread_id": thread.id, "author_id": author, "number": n, "created_at": now,
             "body": f"Post {n}: what we tried this month, and what we would do again.",
             "html": f"<p>Post {n}: what we tried this month, and what we would do again.</p>"}
            for n in numbers])
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(
        post_count=start + count))
    commit()


class Writer:
    """Commits audit entries in a loop until stopped, counting them."""

    def __init__(self, app):
        self.app, self.count, self.stop = app, 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        with self.app.app_context():
            while not self.stop.is_set():
                with write_intent():
                    record(None, "bench", subject=f"Bench entry {self.count}")
                    commit()
                self.count += 1

    def end(self):
        self.stop.set()
        self.thread.join()


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    answer = action()
    return time.perf_counter() - started, answer


def restore_target(url: str | None, folder: Path) -> tuple[str, callable]:
    """A second, empty database to restore into, and what removes it."""
    if url is None:
        return f"sqlite:///{folder / 'restored.sqlite3'}", lambda: None
    base = make_url(url)
    name = f"{base.database}_restore"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def measure(posts: int, runs: int, url: str | None, folder: Path) -> dict:
    app = fresh_app(TestingConfig, url or f"sqlite:///{folder / f'demo-{posts}.sqlite3'}")
    with app.app_context():
        demo.load("bench-backup-password")
        commit()
        add_posts(posts)
        db.session.remove()
        quiet, loaded, written, restored = [], [], [], []
        path = folder / f"backup-{posts}"
        for _ in range(runs):
            seconds, summary = timed(lambda: backup(path, force=True))
            quiet.append(seconds)
        for _ in range(runs):
            writer = Writer(app)
            while writer.count < 3:
                time.sleep(0.01)
            before = writer.count
            seconds, _summary = timed(lambda: backup(path, force=True))
            loaded.append(seconds)
            written.append(writer.count - before)
            writer.end()
        db.session.remove()
        db.engine.dispose()
    target_url, drop = restore_target(url, folder)
    try:
        target = create_app(type("Config", (TestingConfig,),
                                 {"SQLALCHEMY_DATABASE_URI": target_url})())
        with target.app_context():
            for _ in range(runs):
                seconds, _done = timed(lambda: restore(read_backup(path)))
                restored.append(seconds)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    return {"posts": posts, "size": path.stat().st_size, "rows": summary.total,
            "backup": statistics.median(quiet), "under load": statistics.median(loaded),
            "written": statistics.median(written), "restore": statistics.median(restored)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--posts", default="0,100000",
                        help="posts added to the demo, comma-separated sizes")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (emptied first)")
    options = parser.parse_args()
    url = options.database_url and driver_url(options.database_url)
    print(f"{'posts added':>11} {'rows':>9} {'file':>9} {'backup':>8} {'under load':>11} "
          f"{'writes meanwhile':>16} {'restore':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for posts in (int(size) for size in options.posts.split(",")):
            m = measure(posts, options.runs, url, Path(folder))
            print(f"{m['posts']:>11,} {m['rows']:>9,} {m['size'] / 1e6:>7.1f}MB "
                  f"{m['backup']:>7.2f}s {m['under load']:>10.2f}s {m['written']:>16.0f} "
                  f"{m['restore']:>7.2f}s", flush=True)


if __name__ == "__main__":
    main()
