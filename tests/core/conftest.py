"""Fixtures of the core tests: a spare, empty database beside the test database, to restore
backups into."""

import uuid

import pytest

from tests.helpers import new_database


@pytest.fixture
def spare_database(database_url, tmp_path):
    """spare_database() -> the URL of a new, empty database of the test database's kind: a
    new SQLite file, or on PostgreSQL a database made on the same server (dropped after)."""
    made = []

    def _spare() -> str:
        url, drop = new_database(database_url, f"spare_{uuid.uuid4().hex[:8]}", tmp_path)
        made.append(drop)
        return url

    yield _spare
    for drop in made:
        drop()
