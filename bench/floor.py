"""Serve Cohort and a bare Flask hello world under gunicorn and load the key pages with wrk.

    .venv/bin/python bench/floor.py [--seconds 10] [--connections 16] [--workers 2]
                                    [--database-url URL] [--page-cache-mb MB] [--markdown]

Builds the demo in a temporary instance folder through the CLI (`flask db upgrade`, `flask
cohort demo`) in a SQLite file there, or in the database named by --database-url, whose records
are replaced with the demo. Serves it (`wsgi:app`) and a one-route Flask app with the same
gunicorn settings (sync workers), signs in over HTTP, and loads each key page with wrk after a
short warm-up, each right after the hello world, so that a drift in the machine's speed moves
both. Prints the date, the machine's core count and the settings, then a Markdown
table: per page, requests per second, median and 99th-percentile latency, its requests per
second as a share of the hello world's (the floor every page of a Flask app stands on with this
machine and these settings), and the SQL statements one GET runs (counted in-process with the
test client). Pages that answered anything but 2xx/3xx under load are marked `(!)` and explained
below the table; --markdown prints the table alone. Never passes or fails: the figures are for
reading and comparing.

wrk asks for one page again and again with nothing changing, so with the page cache on (as
configured, by default) the key pages are sent again from it after their first look; with
--page-cache-mb 0 every request makes its page afresh, as after a change to what it shows.
Each request says it accepts gzip, as every browser's does, so pages the cache keeps
compressed are sent compressed.

Needs gunicorn in the venv (`.venv/bin/pip install -e '.[bench]'`) and wrk (`apt-get install -y
wrk`).
"""

import argparse
import http.cookiejar
import importlib.metadata
import importlib.util
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACILITATOR = "facilitator@example.org"
PARTICIPANT = "participant01@example.org"
COOKIE_NAME = "cohort_session"
WARM_UP_SECONDS = 2
# What every browser says it accepts: pages kept compressed are sent so.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
HELLO = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
"""
# The mark of a p99 measured while the minute turned, and what it means.
TURNED = " *"
TURNED_NOTE = ("* The minute (UTC) turned during the page's run: the page cache keeps a page for "
               "its minute, so each worker made the page afresh once, and those requests are "
               "the slowest.")
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def say(message: str) -> None:
    """Report progress on stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


def find_tools() -> str:
    """Return the path of wrk, or exit 2 naming what to install."""
    if importlib.util.find_spec("gunicorn") is None:
        say(f"gunicorn is not installed in {sys.prefix}. Run: .venv/bin/pip install -e '.[bench]'")
        raise SystemExit(2)
    wrk = shutil.which("wrk")
    if wrk is None:
        say("wrk is not installed. Run: apt-get install -y wrk")
        raise SystemExit(2)
    return wrk


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp: Path, database_url: str | None, password: str,
                page_cache_mb: float | None = None) -> dict[str, str]:
    """Return the environment the CLI, the servers and the query count share."""
    env = dict(os.environ)
    if page_cache_mb is not None:
        env["PAGE_CACHE_MB"] = str(page_cache_mb)
    env.update({
        "COHORT_INSTANCE_PATH": str(tmp),
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'cohort.sqlite3'}",
        "COHORT_ENV": "development",
        "MAIL_BACKEND": "file",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "COHORT_DEMO_PASSWORD": password,
    })
    return env


def flask_cli(env: dict[str, str], *args: str) -> None:
    """Run `flask --app wsgi ARGS` in the project folder, exiting with its output if it fails."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        say(f"`flask --app wsgi {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")
        raise SystemExit(1)


def serve(app: str, folder: Path, port: int, workers: int, env: dict[str, str],
          log: Path) -> subprocess.Popen:
    """Start gunicorn with sync workers serving APP from FOLDER on 127.0.0.1:PORT."""
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
               # Several servers run side by side here: none takes gunicorn's one control socket.
               "--no-control-socket",
               "--chdir", str(folder), app]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=folder, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def wait_until_up(server: subprocess.Popen, url: str, log: Path, timeout: float = 60) -> None:
    """Poll URL until it answers 200, exiting with the server's log if it dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    say(f"the server for {url} did not come up. Its log:\n{log.read_text()}")
    raise SystemExit(1)


def stop(server: subprocess.Popen | None) -> None:
    """Stop a gunicorn server: terminate, then kill if it is still there after 15 s."""
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Leave redirects to the caller, so a 302 to /login is seen as a 302."""

    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, cookie: str | None = None, opener=None, data: bytes | None = None):
    """Send one request without following redirects; return the status and the body."""
    opener = opener or urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (TimeoutError, urllib.error.URLError) as error:  # too slow, or gone: a row's note
        return 0, str(error)


def csrf_token(html: str) -> str:
    """Return the value of the form's csrf_token hidden input."""
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]*)"', html)
    if match is None:
        say("the sign-in page has no csrf_token input")
        raise SystemExit(1)
    return match.group(1)


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the /login form over HTTP; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(jar))
    status, page = get(f"{base}/login", opener=opener)
    if status != 200:
        say(f"GET /login answered {status}")
        raise SystemExit(1)
    form = urllib.parse.urlencode({"csrf_token": csrf_token(page), "email": email,
                                   "password": password}).encode()
    status, _ = get(f"{base}/login", opener=opener, data=form)
    if status != 302:
        say(f"signing in as {email} failed (POST /login answered {status})")
        raise SystemExit(1)
    # A browser keeps the cookie its first page updates (the session's CSRF token, which
    # every page's sign-out form needs); wrk sends one cookie throughout, so take that one.
    get(f"{base}/", opener=opener)
    session = next((c.value for c in jar if c.name == COOKIE_NAME), None)
    if session is None:
        say(f"signing in as {email} gave no session cookie")
        raise SystemExit(1)
    return f"{COOKIE_NAME}={session}"


def cohort_with_status(base: str, cookie: str, status: str = "Running") -> int:
    """Return the id of the cohort linked from the facilitator's home whose overview shows
    `status` (Running, Finished...)."""
    ids = sorted({int(i) for i in re.findall(r'href="/cohorts/(\d+)"', get(f"{base}/", cookie)[1])})
    for cohort_id in ids:
        status_code, page = get(f"{base}/cohorts/{cohort_id}", cookie)
        if status_code == 200 and re.search(rf"Status\s*</dt>\s*<dd[^>]*>\s*{status}\s*<", page):
            return cohort_id
    if not ids:
        say("the facilitator's home page links to no cohort")
        raise SystemExit(1)
    say(f"no cohort overview shows {status}; using the largest id, {ids[-1]}")
    return ids[-1]


def first_link(base: str, page: str, cookie: str, pattern: str, what: str) -> str:
    """The first link on `page` whose path matches `pattern`, e.g. a place's action plan on
    the maturity heatmap."""
    found = re.search(f'href="({pattern})"', get(f"{base}{page}", cookie)[1])
    if found is None:
        say(f"{page} links to no {what}")
        raise SystemExit(1)
    return found.group(1)


def parse_wrk(output: str) -> dict:
    """Read requests/sec, the 50% and 99% latencies (in ms) and the errors from wrk --latency."""

    def latency(percent: str) -> float | None:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        return float(match.group(1)) * UNITS_MS[match.group(2)] if match else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        output)
    return {
        "rps": float(rps.group(1)) if rps else None,
        "p50": latency("50"),
        "p99": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"),
                                  (int(n) for n in sockets.groups()), strict=True))
        if sockets else {},
    }


def run_wrk(wrk: str, url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    """Run wrk against URL for SECONDS and return its parsed figures."""
    # A slow page is measured, not dropped: wrk gives up on a request after 2 s by default.
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "60s", "-H", f"Accept-Encoding: {BROWSER_ENCODINGS}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run([*command, url], capture_output=True, text=True,
                            timeout=seconds + 60)
    if result.returncode != 0:
        say(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
        return {"rps": None, "p50": None, "p99": None, "non_2xx": 0, "socket_errors": {}}
    return parse_wrk(result.stdout)


def count_queries(env: dict[str, str], password: str, pages: list[tuple[str, str, str]]) -> dict:
    """Count the SQL statements of the second GET of each page made afresh (the page cache
    off), in-process with the test client: a page sent again from the cache runs two."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from cohort import create_app
    from cohort.extensions import db

    app = create_app()
    app.extensions.pop("cohort_page_cache", None)  # what a page costs to make, not to send again
    with app.app_context():
        engine = db.engine
    clients = {}
    for email in {who for _, _, who in pages}:
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"csrf_token": token, "email": email, "password": password})
        clients[email] = client
    statements = [0]

    def count(*_args, **_kwargs):
        statements[0] += 1

    counts = {}
    for label, path, who in pages:
        clients[who].get(path)
        statements[0] = 0
        event.listen(engine, "before_cursor_execute", count)
        try:
            status = clients[who].get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts[label] = statements[0] if status == 200 else f"({status})"
    return counts


def table(rows: list[dict], floor: float | None) -> list[str]:
    """Lay the rows out as a Markdown table with aligned columns."""

    def number(value: float | None, pattern: str) -> str:
        return "-" if value is None else format(value, pattern)

    header = ["page", "req/s", "p50 ms", "p99 ms", "share of hello world", "queries"]
    cells = []
    for row in rows:
        floor_here = row.get("floor") or floor
        share = row["rps"] / floor_here * 100 if row["rps"] is not None and floor_here else None
        cells.append([row["label"] + (" (!)" if row["notes"] else ""),
                      number(row["rps"], ".1f"), number(row["p50"], ".2f"),
                      number(row["p99"], ".2f") + (TURNED if row.get("turned") else ""),
                      number(share, ".1f") + ("%" if share is not None else ""),
                      str(row["queries"])])
    return markdown(header, cells)


def markdown(header: list[str], cells: list[list[str]]) -> list[str]:
    """A Markdown table with aligned columns: the first to the left, the figures right."""
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def line(values: list[str]) -> str:
        padded = [values[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(values[1:], widths[1:],
                                                                           strict=True)]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join(["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]]) + " |"
    return [line(header), rule, *(line(values) for values in cells)]


def settings(args: argparse.Namespace, database: str, wrk_run: str) -> list[str]:
    """The lines that say when, where and how a run measured."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [f"date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", f"nproc: {cores}",
            f"gunicorn {importlib.metadata.version('gunicorn')}: {args.workers} sync workers "
            "a server", f"wrk: {args.connections} connections, {wrk_run}",
            f"database: {database}",
            "page cache: " + (f"{size:g} MB a worker" if (size := getattr(
                args, "page_cache_mb", None)) else "off (every page made afresh)" if size == 0
                else "as configured (PAGE_CACHE_MB, 32 MB a worker by default)")]


def time_pages(args: argparse.Namespace, wrk: str, env: dict[str, str], tmp: Path,
               password: str) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Serve both apps, sign in, and time the hello world and each key page with wrk."""
    servers: list[subprocess.Popen] = []
    try:
        (tmp / "hello.py").write_text(HELLO)
        cohort_port, hello_port = free_port(), free_port()
        while hello_port == cohort_port:
            hello_port = free_port()
        servers.append(serve("wsgi:app", ROOT, cohort_port, args.workers, env,
                             tmp / "cohort-gunicorn.log"))
        servers.append(serve("hello:app", tmp, hello_port, args.workers, env,
                             tmp / "hello-gunicorn.log"))
        base, hello = f"http://127.0.0.1:{cohort_port}", f"http://127.0.0.1:{hello_port}"
        wait_until_up(servers[0], f"{base}/healthz", tmp / "cohort-gunicorn.log")
        wait_until_up(servers[1], f"{hello}/", tmp / "hello-gunicorn.log")

        cookies = {FACILITATOR: sign_in(base, FACILITATOR, password),
                   PARTICIPANT: sign_in(base, PARTICIPANT, password)}
        cohort = f"/cohorts/{cohort_with_status(base, cookies[FACILITATOR])}"
        finished = f"/cohorts/{cohort_with_status(base, cookies[FACILITATOR], 'Finished')}"
        pages = [
            ("plain page (/account)", "/account", FACILITATOR),
            ("participant home", "/", PARTICIPANT),
            ("facilitator home", "/", FACILITATOR),
            ("cohort overview", cohort, FACILITATOR),
            ("programme", f"{cohort}/programme", FACILITATOR),
            ("member directory", f"{cohort}/members", FACILITATOR),
            ("notifications", "/notifications", PARTICIPANT),
            ("member profile", first_link(base, f"{cohort}/members", cookies[PARTICIPANT],
                                          r"/cohorts/\d+/members/\d+", "member profile"),
             PARTICIPANT),
            ("audit log (cohort)", f"{cohort}/audit", FACILITATOR),
            ("applications", f"{cohort}/applications", FACILITATOR),
            ("roster", f"{cohort}/roster", FACILITATOR),
            ("reminders", f"{cohort}/reminders", FACILITATOR),
            ("maturity heatmap", f"{cohort}/maturity", FACILITATOR),
            ("action plan", first_link(base, f"{cohort}/maturity", cookies[FACILITATOR],
                                       r"/cohorts/\d+/places/\d+/plan", "action plan"),
             FACILITATOR),
            ("board", f"{cohort}/board", PARTICIPANT),
            ("board thread", first_link(base, f"{cohort}/board", cookies[PARTICIPANT],
                                        r"/cohorts/\d+/board/threads/\d+", "thread"),
             PARTICIPANT),
            ("board search", f"{cohort}/board/search?q=wellbeing", PARTICIPANT),
            ("evaluation report (running)", f"{cohort}/evaluation", FACILITATOR),
            ("evaluation report (2021, pre and post)", f"{finished}/evaluation", FACILITATOR),
        ]
        # The machine's speed drifts during a run: each page is set beside a hello world
        # timed just before it, and the hello world's row gives the median of those.
        rows, floors = [], []
        for label, path, who in pages:
            floor = time_page(args, wrk, "hello world", f"{hello}/", None)
            floors.append(floor["rps"])
            row = time_page(args, wrk, label, f"{base}{path}", cookies[who])
            row["floor"] = floor["rps"]
            rows.append(row)
        measured = [rps for rps in floors if rps is not None]
        hello_row = {"label": "hello world (median)", "p50": None, "p99": None, "queries": "-",
                     "notes": [], "rps": statistics.median(measured) if measured else None}
        return [hello_row, *rows], pages
    finally:
        for server in servers:
            stop(server)


def time_page(args: argparse.Namespace, wrk: str, label: str, url: str,
              cookie: str | None) -> dict:
    """Check that URL answers 200, warm it up, then load it with wrk; return the page's row."""
    row = {"label": label, "rps": None, "p50": None, "p99": None, "queries": "-", "notes": []}
    status = get(url, cookie)[0]
    if status != 200:
        row["notes"].append(f"answered {status} before timing; skipped")
        return row
    say(f"timing {label}")
    run_wrk(wrk, url, cookie, min(WARM_UP_SECONDS, args.seconds), args.connections)
    began = datetime.now(UTC).replace(second=0, microsecond=0)
    figures = run_wrk(wrk, url, cookie, args.seconds, args.connections)
    # A kept page is kept for its minute: when the minute turns in the run, each worker makes
    # the page afresh once, and the slowest requests are those.
    row["turned"] = datetime.now(UTC).replace(second=0, microsecond=0) != began
    row.update({key: figures[key] for key in ("rps", "p50", "p99")})
    if figures["rps"] is None:
        row["notes"].append("wrk gave no figures")
    if figures["non_2xx"]:
        row["notes"].append(f"{figures['non_2xx']} responses other than 2xx or 3xx")
    failed = {kind: n for kind, n in figures["socket_errors"].items() if n}
    if failed:
        row["notes"].append("socket errors: " + ", ".join(f"{k} {n}" for k, n in failed.items()))
    status = get(url, cookie)[0]
    if status != 200:
        row["notes"].append(f"answered {status} after timing")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration a page")
    parser.add_argument("--connections", type=int, default=16, help="wrk open connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers a server")
    parser.add_argument("--database-url", default=None,
                        help="database to build the demo in (its records are replaced)")
    parser.add_argument("--markdown", action="store_true", help="print the table alone")
    parser.add_argument("--page-cache-mb", type=float, default=None,
                        help="the page cache's size a worker (0: off, every page made afresh)")
    args = parser.parse_args()
    wrk = find_tools()
    started = time.monotonic()
    password = os.environ.get("COHORT_DEMO_PASSWORD", "cohort-demo")
    tmp = Path(tempfile.mkdtemp(prefix="cohort-floor-"))
    env = environment(tmp, args.database_url, password, args.page_cache_mb)
    try:
        say("building the demo database")
        flask_cli(env, "db", "upgrade")
        flask_cli(env, "cohort", "demo")
        rows, pages = time_pages(args, wrk, env, tmp, password)
        say("counting queries")
        counts = count_queries(env, password, pages)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for row in rows[1:]:
        row["queries"] = counts.get(row["label"], "-")
        if isinstance(row["queries"], str) and row["queries"] != "-":
            row["notes"].append(f"answered {row['queries'].strip('()')} when counting queries")

    lines = table(rows, rows[0]["rps"])
    if not args.markdown:
        database = urllib.parse.urlsplit(env["DATABASE_URL"]).scheme.split("+")[0]
        warm_up = min(WARM_UP_SECONDS, args.seconds)
        lines = [*settings(args, database,
                           f"{args.seconds} s a page after {warm_up} s of warm-up"), "", *lines]
        notes = [f"{row['label']}: {note}" for row in rows for note in row["notes"]]
        if notes:
            lines += ["", *notes]
    if any(row.get("turned") for row in rows):
        lines += ["", TURNED_NOTE]
    print("\n".join(lines))
    say(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
