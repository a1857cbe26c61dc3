"""The national-size generator (bench/generate.py), built small: its copies are whole programmes
their own people can use, and each total grows as the generator says."""

import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

from cohort import create_app
from cohort.core.database import commit
from cohort.evaluation.models import TALLY_KINDS, Survey
from cohort.evaluation.services.tallies import fresh, stored
from cohort.extensions import db
from config import TestingConfig
from tests.helpers import DEMO_PASSWORD, sign_in

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import generate  # noqa: E402

SCALE = 0.01  # 10 cohorts, about 200 people, 10,000 posts


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {table: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
                  for table in ("cohort", "user", "board_post", "survey_response",
                                "action_item", "reminder_delivery", "board_search")}
    engine.dispose()
    return counts


def _rows(url: str, statement: str, **params) -> list:
    """The rows of one SQL statement, read apart from the app's requests."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(statement), params).all()
    engine.dispose()
    return rows


def test_a_small_national_programme(tmp_path):
    url = f"sqlite:///{tmp_path / 'grown.sqlite3'}"
    config = type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config())
    with app.app_context():
        from flask_migrate import upgrade

        from cohort import demo

        upgrade()
        demo.load(DEMO_PASSWORD)
        commit()
        db.session.remove()
        db.engine.dispose()
    before = _counts(url)
    # A page the evaluator's browser keeps (the page cache) is not sent again once the
    # generator has given them 19 more cohorts.
    evaluator = app.test_client()
    sign_in(evaluator, "evaluator@example.org", DEMO_PASSWORD)
    kept = [evaluator.get("/").get_data(as_text=True) for _ in range(3)][-1]
    said = []
    totals = generate.grow(url, SCALE, say=said.append)
    after = _counts(url)

    targets = {"cohort": 10, "user": 200, "board_post": 10_000, "survey_response": 2_000,
               "action_item": 1_000, "reminder_delivery": 5_000}
    for table, target in targets.items():
        assert target <= after[table] < target * 1.5, (table, after[table])
    assert after["board_search"] > before["board_search"] * 100  # posts are found by search
    assert totals["posts"] == after["board_post"]
    assert said[-1].startswith("built in")

    # The third copy's participant01 signs in with the demo's password, sees their own
    # cohort's board, its posts grown, and not the demo's cohort.
    client = app.test_client()
    sign_in(client, "participant01.3@example.org", DEMO_PASSWORD)
    home = client.get("/").get_data(as_text=True)
    [(own,)] = _rows(url, "SELECT c.id FROM cohort c JOIN membership m ON m.cohort_id = c.id "
                     "JOIN \"user\" u ON u.id = m.user_id "
                     "WHERE u.email = 'participant01.3@example.org' AND c.status = 'running'")
    [(demo_running,)] = _rows(url, "SELECT min(id) FROM cohort WHERE status = 'running'")
    assert own != demo_running
    assert f"/cohorts/{own}" in home and f'href="/cohorts/{demo_running}"' not in home
    board = client.get(f"/cohorts/{own}/board")
    assert board.status_code == 200
    search = client.get(f"/cohorts/{own}/board/search?q=wellbeing")
    assert search.status_code == 200
    assert client.get(f"/cohorts/{demo_running}/board").status_code == 404
    [thread] = _rows(url, "SELECT t.id, t.post_count FROM board_thread t WHERE t.cohort_id = :c "
                          "ORDER BY t.post_count DESC LIMIT 1", c=own)
    [(posts,)] = _rows(url, "SELECT count(*) FROM board_post WHERE thread_id = :t", t=thread.id)
    assert thread.post_count == posts > 10
    assert client.get(f"/cohorts/{own}/board/threads/{thread.id}").status_code == 200

    # The demo's evaluator pools the finished cohort with its copies.
    home = evaluator.get("/").get_data(as_text=True)
    assert home != kept
    finished = [row[0] for row in _rows(
        url, "SELECT c.id FROM cohort c JOIN membership m ON m.cohort_id = c.id "
        "JOIN \"user\" u ON u.id = m.user_id WHERE u.email = 'evaluator@example.org' "
        "AND c.status = 'finished' ORDER BY c.id")]
    assert len(finished) == 5  # the demo's and its four copies
    assert all(f'href="/cohorts/{cohort}"' in home for cohort in finished)
    assert not all(f'href="/cohorts/{cohort}"' in kept for cohort in finished)
    pooled = evaluator.get(f"/cohorts/{finished[0]}/evaluation?cohorts="
                           + ",".join(map(str, finished[1:])))
    assert pooled.status_code == 200
    assert "Response rate" in pooled.get_data(as_text=True)

    # The surveys' tallies grew with their answers: each is a fresh count of them.
    with app.app_context():
        surveys = list(db.session.execute(db.select(Survey)).scalars())
        kept = Counter({row[:6]: row[6] for row in stored([s.id for s in surveys],
                                                          TALLY_KINDS)})
        assert kept == fresh(surveys)
        assert sum(count for key, count in kept.items() if key[1] == "submitted") == \
            after["survey_response"] - _rows(url, "SELECT count(*) FROM survey_response "
                                                  "WHERE submitted_at IS NULL")[0][0]
