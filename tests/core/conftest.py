"""Fixtures of the core tests: a spare, empty database beside the test database, to restore
backups into."""

import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture
def spare_database(database_url, tmp_path):
    """spare_database() -> the URL of a new, empty database of the test database's kind: a
    new SQLite file, or on PostgreSQL a database made on the same server (dropped after)."""
    made = []
    base = make_url(database_url)

    def _spare() -> str:
        if base.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / f'spare-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"{base.database}_spare_{uuid.uuid4().hex[:8]}"
        with _server(base) as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield _spare
    if made:
        with _server(base) as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def _server(base):
    """A connection to the server's own database, outside any transaction."""
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
