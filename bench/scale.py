"""The key pages on the demo and on a national programme's data, against the floor, in one run.

    .venv/bin/python bench/scale.py [--seconds 5] [--connections 16] [--workers 2]
                                    [--database-url postgresql://.../NAME] [--reuse] [--markdown]
                                    [--rounds 1]

Builds two databases: the demo (`flask db upgrade`, `flask cohort demo`), and the same grown to
a national programme by bench/generate.py (1,000 cohorts, about 20,000 people, 1 M board posts,
200 k survey responses, 100 k action items, 500 k reminder deliveries; the demo's own cohorts
grow with the rest). SQLite files in a temporary folder by default; with --database-url a
PostgreSQL server, on which it makes (and replaces) the databases NAME_demo and NAME_large.
--reuse keeps databases a previous run left (PostgreSQL, or SQLite with --folder).

Serves each under gunicorn (sync workers) beside a bare Flask hello world, signs in over HTTP,
and loads each key page with wrk: the hello world, then the page on the demo, then on the
large data, page after page, so that a drift in the machine's speed moves all three. Prints a
Markdown table: per page, requests per second and the 50th and 99th percentile latency on
each data set, the large data's throughput as a share of the demo's and its p99 as a multiple
of the demo's, each one's share of the hello world timed just before it, and the SQL
statements one GET runs on each and the median time of --runs GETs (in-process with the
test client: no network and one at a time, so steadier than wrk on a shared machine). With
--rounds N every page is loaded N times, round after round, and each figure is the median of
its rounds (each ratio taken within a round first): one page's run slowed by something else on
the machine moves no figure. Never passes or fails: the figures are for reading and comparing. Needs wrk (`apt-get install -y wrk`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
from floor import (  # noqa: E402
    FACILITATOR,
    HELLO,
    PARTICIPANT,
    ROOT,
    TURNED,
    TURNED_NOTE,
    cohort_with_status,
    count_queries,
    environment,
    find_tools,
    first_link,
    flask_cli,
    free_port,
    markdown,
    say,
    serve,
    settings,
    sign_in,
    stop,
    time_page,
    wait_until_up,
)
from sqlalchemy import create_engine, text  # noqa: E402

from config import driver_url  # noqa: E402

EVALUATOR = "evaluator@example.org"


def pg_url(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def pg_admin(base: str, *statements: str) -> None:
    engine = create_engine(driver_url(pg_url(base, "postgres")), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def exists(url: str) -> bool:
    engine = create_engine(driver_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM cohort")).scalar_one() > 0
    except Exception:  # noqa: BLE001 - no such database or no tables: build it
        return False
    finally:
        engine.dispose()


def build(args, folder: Path, password: str) -> dict[str, str]:
    """{"demo": url, "large": url}, built unless --reuse finds them."""
    if args.database_url:
        name = urllib.parse.urlsplit(args.database_url).path.strip("/") or "cohort_bench"
        urls = {kind: pg_url(args.database_url, f"{name}_{kind}") for kind in ("demo", "large")}
    else:
        urls = {kind: f"sqlite:///{folder / f'{kind}.sqlite3'}" for kind in ("demo", "large")}
    if args.reuse and all(exists(url) for url in urls.values()):
        say("using the databases already built")
        return urls
    say("building the demo")
    if args.database_url:
        names = [urllib.parse.urlsplit(u).path.strip("/") for u in urls.values()]
        pg_admin(args.database_url, *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names),
                 f'CREATE DATABASE "{names[0]}"')
    else:
        for kind in urls:
            (folder / f"{kind}.sqlite3").unlink(missing_ok=True)
    env = environment(folder, urls["demo"], password)
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "cohort", "demo")
    if args.database_url:
        demo, large = (urllib.parse.urlsplit(u).path.strip("/") for u in urls.values())
        pg_admin(args.database_url, f'CREATE DATABASE "{large}" TEMPLATE "{demo}"')
    else:
        shutil.copyfile(folder / "demo.sqlite3", folder / "large.sqlite3")
    say("growing the large data set (bench/generate.py)")
    generate.grow(urls["large"], args.scale, say=say)
    return urls


def pooled_ids(url: str) -> tuple[int, list[int]]:
    """The demo evaluator's finished cohort, and up to 19 other cohorts they evaluate."""
    engine = create_engine(driver_url(url))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.id, c.status FROM cohort c JOIN membership m ON m.cohort_id = c.id "
            "JOIN \"user\" u ON u.id = m.user_id WHERE u.email = :email AND m.role = "
            "'evaluator' ORDER BY c.id LIMIT 20"), {"email": EVALUATOR}).all()
    engine.dispose()
    finished = next(cohort for cohort, status in rows if status == "finished")
    return finished, [cohort for cohort, _ in rows if cohort != finished]


def pages_of(base: str, cookies: dict[str, str], url: str,
             demo_url: str) -> list[tuple[str, str, str]]:
    cohort = f"/cohorts/{cohort_with_status(base, cookies[FACILITATOR])}"
    finished, others = pooled_ids(url)
    # The demo's cohorts keep their ids in the large data set: pooled over them, the report is
    # the same page on both; pooled over all the evaluator's, it is 20 cohorts' against 2.
    _, demos = pooled_ids(demo_url)
    return [
        ("participant home", "/", PARTICIPANT),
        ("facilitator home", "/", FACILITATOR),
        ("programme", f"{cohort}/programme", FACILITATOR),
        ("board", f"{cohort}/board", PARTICIPANT),
        ("board thread", first_link(base, f"{cohort}/board", cookies[PARTICIPANT],
                                    r"/cohorts/\d+/board/threads/\d+", "thread"), PARTICIPANT),
        ("board search", f"{cohort}/board/search?q=wellbeing", PARTICIPANT),
        ("action plan", first_link(base, f"{cohort}/maturity", cookies[FACILITATOR],
                                   r"/cohorts/\d+/places/\d+/plan", "action plan"), FACILITATOR),
        ("maturity heatmap", f"{cohort}/maturity", FACILITATOR),
        ("reminders", f"{cohort}/reminders", FACILITATOR),
        ("evaluation report, one cohort", f"/cohorts/{finished}/evaluation", EVALUATOR),
        ("evaluation report, pooled over the demo's cohorts",
         f"/cohorts/{finished}/evaluation?cohorts={','.join(map(str, demos))}", EVALUATOR),
        ("evaluation report, pooled (all the evaluator's cohorts, at most 20)",
         f"/cohorts/{finished}/evaluation?cohorts={','.join(map(str, others))}", EVALUATOR),
    ]


def measure(args, wrk: str, folder: Path, urls: dict[str, str], password: str):
    servers: list[subprocess.Popen] = []
    try:
        (folder / "hello.py").write_text(HELLO)
        ports = {}
        for kind in ("demo", "large", "hello"):
            ports[kind] = free_port()
            while list(ports.values()).count(ports[kind]) > 1:
                ports[kind] = free_port()
        envs = {kind: environment(folder, urls[kind], password) for kind in ("demo", "large")}
        for kind in ("demo", "large"):
            servers.append(serve("wsgi:app", ROOT, ports[kind], args.workers, envs[kind],
                                 folder / f"{kind}-gunicorn.log"))
        servers.append(serve("hello:app", folder, ports["hello"], args.workers, envs["demo"],
                             folder / "hello-gunicorn.log"))
        bases = {kind: f"http://127.0.0.1:{port}" for kind, port in ports.items()}
        for server, kind in zip(servers, ("demo", "large", "hello"), strict=True):
            wait_until_up(server, bases[kind] + ("/" if kind == "hello" else "/healthz"),
                          folder / f"{kind}-gunicorn.log")
        cookies = {kind: {who: sign_in(bases[kind], who, password)
                          for who in (FACILITATOR, PARTICIPANT, EVALUATOR)}
                   for kind in ("demo", "large")}
        pages = {kind: pages_of(bases[kind], cookies[kind], urls[kind], urls["demo"])
                 for kind in ("demo", "large")}
        rounds: list[list[dict]] = []
        for number in range(args.rounds):
            if args.rounds > 1:
                say(f"round {number + 1} of {args.rounds}")
            rows = []
            for (label, demo_path, who), (_, large_path, _) in zip(
                    pages["demo"], pages["large"], strict=True):
                floor = time_page(args, wrk, "hello world", f"{bases['hello']}/", None)["rps"]
                demo = time_page(args, wrk, f"{label} (demo)", bases["demo"] + demo_path,
                                 cookies["demo"][who])
                large = time_page(args, wrk, f"{label} (large)", bases["large"] + large_path,
                                  cookies["large"][who])
                rows.append({"title": label, "floor": floor, "demo": demo, "large": large})
            rounds.append(rows)
        return combined(rounds), pages, envs
    finally:
        for server in servers:
            stop(server)


def in_process(env: dict[str, str], password: str, pages, runs: int) -> dict[str, float]:
    """The median time of `runs` GETs of each page through the test client (no network, no
    concurrency), each made afresh (the page cache off): steadier than wrk on a shared
    machine, for comparing what a page costs to make on the two data sets."""
    os.environ.update(env)
    from floor import csrf_token

    from cohort import create_app

    app = create_app()
    app.extensions.pop("cohort_page_cache", None)
    clients, times = {}, {}
    for label, path, who in pages:
        if who not in clients:
            clients[who] = app.test_client()
            token = csrf_token(clients[who].get("/login").get_data(as_text=True))
            clients[who].post("/login", data={"csrf_token": token, "email": who,
                                               "password": password})
        clients[who].get(path)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            clients[who].get(path)
            samples.append((time.perf_counter() - started) * 1000)
        times[label] = statistics.median(samples)
    return times


def _median(values: list) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _ratio(part, whole) -> float | None:
    return part / whole if part and whole else None


def combined(rounds: list[list[dict]]) -> list[dict]:
    """Each page's figures over the rounds: each the median of its rounds, the ratios taken
    within each round (the demo, the large data and the floor timed one after the other)
    before their median, so a drift in the machine's speed between rounds moves none."""
    rows = []
    for same in zip(*rounds, strict=True):
        row = {"title": same[0]["title"], "floor": _median([r["floor"] for r in same])}
        for kind in ("demo", "large"):
            row[kind] = {key: _median([r[kind][key] for r in same]) for key in ("rps", "p50", "p99")}
            row[kind]["notes"] = [note for r in same for note in r[kind]["notes"]]
            # Marked only when the minute turned in most rounds: else the median is a round
            # in which it did not.
            row[kind]["turned"] = sum(bool(r[kind].get("turned")) for r in same) * 2 > len(same)
            row[kind]["share"] = _median([_ratio(r[kind]["rps"], r["floor"]) for r in same])
        row["ratio"] = _median([_ratio(r["large"]["rps"], r["demo"]["rps"]) for r in same])
        row["p99x"] = _median([_ratio(r["large"]["p99"], r["demo"]["p99"]) for r in same])
        rows.append(row)
    return rows


def fmt(value, pattern: str, suffix: str = "") -> str:
    return "-" if value is None else format(value, pattern) + suffix


def table(rows: list[dict]) -> list[str]:
    header = ["page", "demo req/s", "demo p50/p99 ms", "large req/s", "large p50/p99 ms",
              "large/demo req/s", "large/demo p99", "demo, large: share of floor",
              "queries demo -> large", "in-process ms demo -> large"]
    cells = []
    for row in rows:
        demo, large = row["demo"], row["large"]
        ratio, p99 = row["ratio"], row["p99x"]

        def share(r):
            return r["share"] * 100 if r["share"] else None

        notes = "(!)" if demo["notes"] or large["notes"] else ""
        cells.append([
            row["title"] + (f" {notes}" if notes else ""),
            fmt(demo["rps"], ".0f"), f"{fmt(demo['p50'], '.0f')} / {fmt(demo['p99'], '.0f')}"
            + (TURNED if demo.get("turned") else ""),
            fmt(large["rps"], ".0f"), f"{fmt(large['p50'], '.0f')} / {fmt(large['p99'], '.0f')}"
            + (TURNED if large.get("turned") else ""),
            fmt(ratio * 100 if ratio else None, ".0f", "%"), fmt(p99, ".2f", "x"),
            f"{fmt(share(demo), '.1f', '%')}, {fmt(share(large), '.1f', '%')}",
            f"{demo['queries']} -> {large['queries']}",
            f"{fmt(demo.get('ms'), '.1f')} -> {fmt(large.get('ms'), '.1f')}"])
    return markdown(header, cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration a page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server (and a base name) to build the databases on")
    parser.add_argument("--folder", default=None, help="where SQLite files are kept (--reuse)")
    parser.add_argument("--scale", type=float, default=1.0, help="of the large data set")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=15, help="in-process GETs a page")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times every page is loaded, each figure the median of the rounds")
    parser.add_argument("--markdown", action="store_true", help="print the table alone")
    args = parser.parse_args()
    wrk = find_tools()
    started = time.monotonic()
    password = os.environ.get("COHORT_DEMO_PASSWORD", "cohort-demo")
    folder = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="cohort-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        urls = build(args, folder, password)
        rows, pages, envs = measure(args, wrk, folder, urls, password)
        say("counting queries")
        for kind in ("demo", "large"):
            counts = count_queries({**envs[kind], "REQUEST_LOG": "0"}, password, pages[kind])
            for row, (label, _, _) in zip(rows, pages[kind], strict=True):
                row[kind]["queries"] = counts.get(label, "-")
        say("timing in-process")
        for kind in ("demo", "large"):
            times = in_process({**envs[kind], "REQUEST_LOG": "0"}, password, pages[kind],
                               args.runs)
            for row, (label, _, _) in zip(rows, pages[kind], strict=True):
                row[kind]["ms"] = times[label]
    finally:
        if not args.folder:
            shutil.rmtree(folder, ignore_errors=True)
    lines = table(rows)
    if not args.markdown:
        database = "postgresql" if args.database_url else "sqlite"
        rounds = f", the median of {args.rounds} rounds" if args.rounds > 1 else ""
        lines = [*settings(args, database, f"{args.seconds} s a page{rounds}"), "", *lines]
        notes = [f"{row['title']} ({kind}): {note}" for row in rows
                 for kind in ("demo", "large") for note in row[kind]["notes"]]
        if notes:
            lines += ["", *notes]
    if any(row[kind].get("turned") for row in rows for kind in ("demo", "large")):
        lines += ["", TURNED_NOTE]
    print("\n".join(lines))
    say(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
