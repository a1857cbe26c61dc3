"""Run the latest migrations on a national programme's data while the app serves, and time what
users wait.

    .venv/bin/python bench/migrations.py --database-url URL [--steps 9] [--page PATH]

URL is a database holding the large data set (bench/scale.py --reuse leaves NAME_large on a
PostgreSQL server, or large.sqlite3 in its --folder; bench/generate.py grows any demo). Serves
it with gunicorn (2 sync workers), signs in as participant01, and keeps requesting the board,
a thread and a board search (one request at a time in each of three threads) while it brings
the last --steps migrations up one at a time (`flask db upgrade +1`), having first taken them
down with nothing served. What serves is the release before them (a git worktree of the
commit before the oldest was added), as during a real release: old code on a schema that
grows under it. Prints, per migration, how long its upgrade took, the longest any
request waited while it ran, and how many requests failed. The data set keeps
its rows except what a downgrade drops (a table or column a migration added). Never passes or
fails: the figures are for reading.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import (  # noqa: E402
    PARTICIPANT,
    ROOT,
    environment,
    free_port,
    get,
    say,
    serve,
    sign_in,
    stop,
    wait_until_up,
)


class Load:
    """Threads that each request their page in a loop and keep every latency, with when."""

    def __init__(self, urls: list[str], cookie: str):
        self.samples: list[tuple[float, float, int]] = []  # (started, seconds, status)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(url, cookie), daemon=True)
                        for url in urls]
        for thread in self.threads:
            thread.start()

    def _run(self, url: str, cookie: str) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                status = get(url, cookie)[0]
            except OSError:
                status = 0
            self.samples.append((started, time.monotonic() - started, status))

    def during(self, start: float, end: float) -> tuple[float, int, int]:
        """(longest wait, requests, failures) of requests that overlapped [start, end]."""
        seen = [(s, d, st) for s, d, st in self.samples if s <= end and s + d >= start]
        return (max((d for _, d, _ in seen), default=0.0), len(seen),
                sum(1 for *_, st in seen if st != 200))

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        say(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        raise SystemExit(1)
    return result.stdout + result.stderr


def chain(env: dict[str, str], steps: int) -> list[tuple[str, str]]:
    """(revision, its first line) of the last `steps` migrations, oldest first."""
    out = flask(env, "db", "history")
    found = re.findall(r"^(\w+) -> (\w+)(?: \(head\))?, (.*)$", out, re.MULTILINE)
    return [(new, title) for _, new, title in found[:steps]][::-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--steps", type=int, default=9)
    args = parser.parse_args()
    password = os.environ.get("COHORT_DEMO_PASSWORD", "cohort-demo")
    folder = Path(tempfile.mkdtemp(prefix="cohort-migrations-"))
    env = {**environment(folder, args.database_url, password), "REQUEST_LOG": "0"}
    flask(env, "db", "upgrade")  # from the head, whatever a run stopped midway left
    revisions = chain(env, args.steps)
    # Down first, with nothing served (a downgrade is no release's step): then up under load.
    for revision, title in revisions[::-1]:
        say(f"down: {revision} {title}")
        flask(env, "db", "downgrade")
    # What serves while a release migrates is the release before it: the code as it was
    # before the oldest of these migrations was added.
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--",
                            f"migrations/versions/{revisions[0][0]}_*"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    release = folder / "release"
    subprocess.run(["git", "worktree", "add", "--detach", str(release), f"{added[-1]}^"],
                   cwd=ROOT, capture_output=True, check=True)
    shutil.copytree(ROOT / "cohort" / "static" / "dist", release / "cohort" / "static" / "dist",
                    dirs_exist_ok=True)
    say(f"serving the release before them: {added[-1][:10]}^")
    server = None
    rows = []
    try:
        port = free_port()
        server = serve("wsgi:app", release, port, 2, env, folder / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        wait_until_up(server, f"{base}/healthz", folder / "gunicorn.log")
        cookie = sign_in(base, PARTICIPANT, password)
        home = get(f"{base}/", cookie)[1]
        cohort = re.search(r'href="(/cohorts/\d+)/board"', home) or re.search(
            r'href="(/cohorts/\d+)"', home)
        board = f"{base}{cohort.group(1)}/board"
        thread = re.search(r'href="(/cohorts/\d+/board/threads/\d+)"', get(board, cookie)[1])
        urls = [board, f"{base}{thread.group(1)}", f"{board}/search?q=wellbeing"]
        load = Load(urls, cookie)
        time.sleep(5)
        quiet = load.during(time.monotonic() - 5, time.monotonic())
        rows.append(("(none: serving alone for 5 s)", 5.0, *quiet))
        for revision, title in revisions:
            say(f"up: {revision} {title}")
            start = time.monotonic()
            flask(env, "db", "upgrade", "+1")
            end = time.monotonic()
            rows.append((f"{revision} {title[:70]}", end - start, *load.during(start, end)))
        load.stop()
    finally:
        stop(server)
        subprocess.run(["git", "worktree", "remove", "--force", str(release)], cwd=ROOT,
                       capture_output=True)
    print(f"database: {args.database_url.split(':')[0]}; requests: board, a thread, a search, "
          "one at a time each, beside each upgrade (its time includes starting flask)\n")
    print("| migration | took s | longest request s | requests | failed |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for migration, took, longest, count, failed in rows:
        print(f"| {migration} | {took:.1f} | {longest:.2f} | {count} | {failed} |")


if __name__ == "__main__":
    main()
