"""Time the evaluator's report as its responses grow: none, 10, 1,000, 100,000 and 200,000,
in one cohort or pooled over several.

    .venv/bin/python bench/report.py [--runs 5] [--sizes 0,10,1000,100000,200000] [--cohorts 1]
        [--database-url URL]

Builds, in a fresh database (a temporary SQLite file by default), for each size `--cohorts`
cohorts sharing its responses, each with a session and its learning objectives, the knowledge
survey given before and after the programme and the programme evaluation after it, all named.
A size's responses are all submitted: two fifths answer the knowledge survey before and two
fifths after (the same people, so their answers pair), one fifth the programme evaluation
(with free-text advice); answers are drawn at random with a fixed seed, knowledge rising a
little on average. Rows are written in bulk, not through the forms: the figures are for the
report, not for answering. On PostgreSQL the tables' statistics are then gathered (ANALYZE),
as autovacuum would soon after such a load: without them its planner takes them for empty.

Prints, per size, the median time of the report's figures (`evaluation.services.report` of the
size's cohorts), of a GET of the report page by the evaluator (test client, no network; with
several cohorts, the first pooling the others with `?cohorts=`; charts are cached by their
figures, so the first view, which draws them, is timed apart), of the CSV download, the SQL
statements the page runs, and each median as a multiple of the smallest size's. Never passes
or fails: the figures are for reading and comparing.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import fresh_app  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from cohort.core.database import commit  # noqa: E402
from cohort.evaluation.views.report import MAX_POOLED  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402

PASSWORD = "bench-report-password"
EVALUATOR = "evaluator@example.org"
CHUNK = 5_000
ADVICE = ("Bring a draft, not a finished plan.", "Block the time out in your diary.",
          "Ask the others early: they have solved it before.", "Take notes for your team.")


def _chunks(rows: list[dict]):
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def _people(cohort, count: int, label: str) -> list[int]:
    """`count` participants of the cohort, written in bulk; their membership ids."""
    from cohort.accounts.models import User
    from cohort.cohorts.models import Membership

    emails = [f"{label}-{n}@bench.example.org" for n in range(count)]
    for part in _chunks([{"email": e, "name": f"Participant {n}"} for n, e in enumerate(emails)]):
        db.session.execute(insert(User), part)
    ids = dict(db.session.execute(select(User.email, User.id).where(
        User.email.like(f"{label}-%@bench.example.org"))).all())
    now = datetime.now(UTC)
    for part in _chunks([{"cohort_id": cohort.id, "user_id": ids[e], "role": "participant",
                          "status": "active", "approved": True, "joined_at": now}
                         for e in emails]):
        db.session.execute(insert(Membership), part)
    return list(db.session.execute(select(Membership.id).where(
        Membership.cohort_id == cohort.id, Membership.role == "participant")
        .order_by(Membership.id)).scalars())


def _answers(survey, members: list[int], draw) -> None:
    """A submitted response from each member, each item answered by `draw(item, n)`."""
    from cohort.evaluation.models import Answer, Response
    from cohort.evaluation.services import instrument_of

    now = datetime.now(UTC)
    for part in _chunks([{"survey_id": survey.id, "respondent": f"m{m}", "membership_id": m,
                          "started_at": now, "submitted_at": now, "updated_at": now}
                         for m in members]):
        db.session.execute(insert(Response), part)
    ids = dict(db.session.execute(select(Response.respondent, Response.id).where(
        Response.survey_id == survey.id)).all())
    items = instrument_of(survey).items_at(survey.phase)
    rows = []
    for n, member in enumerate(members):
        for item in items:
            value = draw(item, n)
            row = {"response_id": ids[f"m{member}"], "item_key": item.key, "number": None,
                   "text": None}
            row["number" if isinstance(value, int) else "text"] = value
            rows.append(row)
    for part in _chunks(rows):
        db.session.execute(insert(Answer), part)


def _draw(phase: str, seed: int):
    chance = random.Random(seed)

    def draw(item, n: int):
        if item.type == "text":
            return f"{ADVICE[n % len(ADVICE)]} ({n})"
        if item.type in ("single", "multiple"):
            return item.choices[0] if item.type == "single" else json.dumps([item.choices[0]])
        low, high = item.scale[0], item.scale[-1]
        base = chance.randint(low, high - 1)
        return min(high, base + (chance.random() < 0.6)) if phase == "post" else base
    return draw


def build(url: str, sizes: list[int], pooled: int = 1):
    """The app, and for each size the ids of the `pooled` cohorts that share its responses."""
    app = fresh_app(TestingConfig, url)
    with app.app_context():
        from cohort.accounts.models import User
        from cohort.accounts.services.passwords import hash_password
        from cohort.cohorts.models import Membership
        from cohort.cohorts.services import create_cohort
        from cohort.evaluation.services import attach_survey
        from cohort.evaluation.services.tallies import recount
        from cohort.programme.services import add_session

        evaluator = User(email=EVALUATOR, name="Evaluator", password_hash=hash_password(PASSWORD))
        db.session.add(evaluator)
        cohorts = {}
        opens = datetime.now(UTC) - timedelta(days=30)
        for size in sizes:
            cohorts[size] = []
            for part in range(pooled):
                share = size // pooled + (part < size % pooled)
                title = f"Cohort of {size:,} responses" + (f", part {part + 1}" if pooled > 1
                                                           else "")
                cohort = create_cohort(None, title, status="running")
                db.session.add(Membership(cohort=cohort, user=evaluator, role="evaluator"))
                add_session(None, cohort, "Workshop 1", "workshop", opens + timedelta(days=3),
                            210, objectives=["Understand wellbeing and its drivers",
                                             "Measure wellbeing locally", "Apply the evidence"],
                            outside_dates_ok=True)
                pre, post, programme = (
                    attach_survey(None, cohort, key, phase, opens, opens + timedelta(days=60),
                                  False)
                    for key, phase in (("knowledge", "pre"), ("knowledge", "post"),
                                       ("programme-evaluation", "post")))
                knowledge, evaluated = share * 2 // 5, share - 2 * (share * 2 // 5)
                members = _people(cohort, max(knowledge, evaluated), f"c{size}-{part}")
                seed = size * pooled + part
                _answers(pre, members[:knowledge], _draw("pre", seed))
                _answers(post, members[:knowledge], _draw("post", seed + 1))
                _answers(programme, members[:evaluated], _draw("post", seed + 2))
                recount([pre, post, programme])  # written in bulk: the tallies counted afresh
                commit()
                cohorts[size].append(cohort.id)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        return app, cohorts


def _median(run, times: int) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(app, client, cohort_ids: list[int], runs: int) -> dict:
    from cohort.cohorts.models import Cohort
    from cohort.evaluation.services import report

    first, others = cohort_ids[0], ",".join(str(cohort_id) for cohort_id in cohort_ids[1:])
    query = f"?cohorts={others}" if others else ""
    page = f"/cohorts/{first}/evaluation{query}"
    download = f"/cohorts/{first}/evaluation.csv{query}"

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    figures = {}
    with app.app_context():
        cohorts = [db.session.get(Cohort, cohort_id) for cohort_id in cohort_ids]
        figures["figures"] = _median(lambda: report(cohorts), runs)
        db.session.remove()
    started = time.perf_counter()
    get(page)
    figures["first view"] = time.perf_counter() - started
    figures["page"] = _median(lambda: get(page), runs)
    figures["csv"] = _median(lambda: get(download), runs)
    queries = [0]

    def count(*_args, **_kwargs):
        queries[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    get(page)
    event.remove(engine, "before_cursor_execute", count)
    figures["queries"] = queries[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each measure")
    parser.add_argument("--sizes", default="0,10,1000,100000,200000",
                        help="responses of each report, comma-separated; the first is the base")
    parser.add_argument("--cohorts", type=int, default=1,
                        help=f"cohorts sharing each size's responses, pooled in its report "
                             f"(1 to {MAX_POOLED})")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if not 1 <= args.cohorts <= MAX_POOLED:
        parser.error(f"--cohorts: from 1 to {MAX_POOLED}, as many as a report pools")
    sizes = [int(size) for size in args.sizes.split(",")]
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench-report.sqlite3"
    started = time.perf_counter()
    app, cohorts = build(url, sizes, args.cohorts)
    pooled = f", each pooled over {args.cohorts} cohorts" if args.cohorts > 1 else ""
    print(f"database: {url.split('://')[0]}, built in {time.perf_counter() - started:.0f} s; "
          f"median of {args.runs} runs; times in ms, (×) against {sizes[0]:,} responses"
          f"{pooled}")
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "email": EVALUATOR, "password": PASSWORD})
    print(f"{'responses':>10} {'figures':>16} {'first view':>12} {'page':>16} {'csv':>16} "
          f"{'queries':>8}")
    base = None
    for size in sizes:
        row = measure(app, client, cohorts[size], args.runs)
        base = base or row

        def cell(key: str, row=row, base=base) -> str:
            return f"{row[key] * 1000:8.1f} ({row[key] / base[key]:5.1f}×)"
        print(f"{size:>10,} {cell('figures'):>16} {row['first view'] * 1000:12.0f} "
              f"{cell('page'):>16} {cell('csv'):>16} {row['queries']:>8}")


if __name__ == "__main__":
    main()
