"""The migration that scopes SQLite's search index by cohort (e1a9c3f5b7d2) rebuilds the index
from the entries already there; taken down, it leaves the earlier index, also rebuilt."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from cohort import demo
from cohort.board import services
from cohort.board.models import SearchEntry
from cohort.core.database import commit
from cohort.extensions import db

BEFORE_SCOPE = "d8f3a6b2c5e1"


def _found_everywhere(word: str) -> dict[int, set[int]]:
    cohorts = db.session.execute(select(SearchEntry.cohort_id).distinct()).scalars().all()
    return {cohort_id: {hit.thread_id for hit in services.search([cohort_id], word).hits}
            for cohort_id in cohorts}


def _indexed(match: str) -> int:
    return db.session.execute(text(
        "SELECT count(*) FROM board_search_fts WHERE board_search_fts MATCH :m"), {"m": match}
    ).scalar_one()


def test_the_entries_already_written_are_found_after_the_upgrade(migrating_app):
    with migrating_app.app_context():
        upgrade()
        demo.load("migration-demo-password")
        commit()
        found = _found_everywhere("plan")
        assert sum(map(len, found.values())) >= 2
        sqlite = db.engine.dialect.name == "sqlite"
        indexed = _indexed("{title body} : plan") if sqlite else None
        db.session.remove()
        downgrade(revision=BEFORE_SCOPE)
        if sqlite:  # the earlier index holds every entry again, without a scope
            assert _indexed("plan") == indexed
        db.session.remove()
        upgrade()
        assert _found_everywhere("plan") == found
