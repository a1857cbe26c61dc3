"""The schema the migrations build matches the models; SQLite runs with its safety settings."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, delete, text, update

from cohort.accounts.models import User
from cohort.core import database
from cohort.core.database import commit
from cohort.core.notices import tell
from cohort.extensions import db, include_object
from tests.helpers import statements_run

# The same comparison `flask db migrate` makes (see the Migrate options in cohort/extensions.py).
COMPARE = {"compare_type": True, "render_as_batch": True, "include_object": include_object}


def _differences(metadata) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARE)
        return compare_metadata(context, metadata)


def test_migrations_build_the_schema_the_models_describe():
    """Fails when a model changes without a migration: run `flask db migrate` and review it."""
    differences = _differences(db.metadata)
    assert differences == [], "the models and the migrations differ:\n" + "\n".join(
        map(repr, differences)
    )


def test_the_comparison_sees_a_column_without_a_migration():
    copy = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.tables["user"].append_column(Column("nickname", String(50)))

    differences = _differences(copy)
    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "user", "nickname")]


def _pragma(name: str):
    with db.engine.connect() as connection:
        return connection.execute(text(f"PRAGMA {name}")).scalar()


# As tests/conftest.py chooses the database: SQLite unless a URL to another engine is given.
ON_SQLITE = os.environ.get("COHORT_TEST_BACKEND") != "url" or os.environ.get(
    "COHORT_TEST_DATABASE_URL", ""
).startswith("sqlite")


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite's pragmas; this run uses another engine")
def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout():
    assert db.engine.dialect.name == "sqlite"
    assert _pragma("journal_mode") == "wal"
    assert _pragma("foreign_keys") == 1
    assert _pragma("busy_timeout") > 0


@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL's settings; this run uses SQLite")
def test_postgresql_connections_compile_no_statement_and_keep_it_so():
    # Two connections at once, each used and given back: the setting outlives a rollback.
    for _ in range(2):
        with db.engine.connect() as first, db.engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("SHOW jit")).scalar() == "off"
                connection.rollback()



def test_a_look_up_by_key_reads_the_row_once_and_then_from_the_session(make_user):
    user_id = make_user("lookup@example.org").id
    db.session.expunge_all()
    with statements_run() as statements:
        found = database.get(User, user_id)
        assert found.email == "lookup@example.org" and len(statements) == 1
        assert database.get(User, user_id) is found and len(statements) == 1
        assert database.get(User, user_id + 10_000) is None
        commit()  # which expires what the session holds
        with db.engine.begin() as elsewhere:
            elsewhere.execute(delete(User).where(User.id == user_id))
        assert database.get(User, user_id) is None  # gone meanwhile: read again, not kept


def test_a_prepared_statement_is_built_once_and_answers_for_each_value(make_user):
    from cohort.home.services.notifications import _unread, unread_count

    assert _unread() is _unread()
    first, second = make_user("first@example.org"), make_user("second@example.org")
    tell(first.id, "mention", "Something for the first")
    commit()
    assert (unread_count(first), unread_count(second)) == (1, 0)


def test_what_a_read_kept_is_let_go_when_the_session_writes_or_its_transaction_ends(make_user):
    user = make_user("kept@example.org")
    commit()

    def keep():
        database.kept("a look-up")["answer"] = 42

    keep()
    assert database.kept("a look-up") == {"answer": 42}
    user.name = "Someone else"
    db.session.flush()  # an object written
    assert database.kept("a look-up") == {}
    keep()
    db.session.execute(update(User).where(User.id == user.id).values(name="Another"))
    assert database.kept("a look-up") == {}  # a statement that writes
    keep()
    commit()  # the transaction's end
    assert database.kept("a look-up") == {}
    keep()  # between transactions: let go when the next one begins
    db.session.execute(text("SELECT 1"))
    assert database.kept("a look-up") == {}
    keep()
    db.session.rollback()
    assert database.kept("a look-up") == {}


def test_a_read_kept_by_key_is_asked_only_for_the_keys_not_yet_read(app):
    asked = []

    def read(keys):
        asked.append(keys)
        return {key: key * 10 for key in keys}

    db.session.execute(text("SELECT 1"))  # in a transaction, as a page's reads are
    assert database.kept_by("tens", [2, 1, 2], read) == {2: 20, 1: 10}
    found = database.kept_by("tens", [3, 1], read)
    assert (found[3], found[1]) == (30, 10)
    database.kept_by("tens", [1, 2, 3], read)  # all read already: no read
    assert asked == [[2, 1], [3]]
    db.session.rollback()  # the transaction's end lets them go
    database.kept_by("tens", [1], read)
    assert asked[-1] == [1]
