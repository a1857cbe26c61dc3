"""`flask cohort backup` and `flask cohort restore` as an operator meets them: what they print,
and every refusal a clear message with a non-zero exit (never a traceback) that leaves the
database as it was. On SQLite and PostgreSQL alike."""

import os
import sqlite3
import stat
import tempfile
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from cohort.accounts.models import User
from cohort.board.models import Post
from cohort.core.scheduler import leader_lock
from cohort.extensions import db


def cli(app, *args: str, answer: str | None = None):
    """Run `flask cohort ARGS` on `app` (the runner would use any app whose context is open,
    and the test's own is)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["cohort", *map(str, args)], input=answer)
        db.session.remove()
    return result


def refused(result, *words: str) -> str:
    """The refusal's message, once it is known to be one: exit 1, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output
    return result.output


def counts(app) -> tuple[int, int]:
    with app.app_context():
        found = (db.session.execute(select(func.count()).select_from(User)).scalar_one(),
                 db.session.execute(select(func.count()).select_from(Post)).scalar_one())
        db.session.remove()
        return found


@pytest.fixture
def demo_backup(app, demo_loaded, tmp_path):
    """A backup of the demo, made with the command."""
    path = tmp_path / "demo-backup"
    result = cli(app, "backup", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def restored(build_app, spare_database, demo_backup):
    """An app on a spare database into which the demo's backup was restored."""
    spare = build_app(SQLALCHEMY_DATABASE_URI=spare_database())
    result = cli(spare, "restore", "--yes", demo_backup)
    assert result.exit_code == 0, result.output
    return spare


def test_a_backup_is_a_new_file_for_its_owner_alone_and_says_what_it_holds(app, demo_backup):
    users, posts = counts(app)
    result = cli(app, "backup", demo_backup.with_name("second"))
    assert result.exit_code == 0
    assert f"written to {demo_backup.with_name('second')}" in result.output
    assert f"{users} accounts, 2 cohorts" in result.output
    assert f"{posts} board posts" in result.output
    assert stat.S_IMODE(demo_backup.stat().st_mode) == 0o600  # it holds personal data
    assert not [p for p in demo_backup.parent.iterdir() if p.name.endswith(".partial")]


def test_restore_says_what_the_database_now_holds(app, demo_backup, build_app,
                                                  spare_database):
    users, posts = counts(app)
    spare = build_app(SQLALCHEMY_DATABASE_URI=spare_database())
    result = cli(spare, "restore", "--yes", demo_backup)
    assert result.exit_code == 0, result.output
    assert f"Restored {demo_backup}" in result.output
    assert f"{users} accounts, 2 cohorts" in result.output
    assert counts(spare) == (users, posts)


def test_an_existing_file_is_replaced_only_with_force(app, demo_backup):
    kept = demo_backup.read_bytes()
    refused(cli(app, "backup", demo_backup), "already exists", "--force")
    assert demo_backup.read_bytes() == kept
    forced = cli(app, "backup", "--force", demo_backup)
    assert forced.exit_code == 0, forced.output


def _unwritable(tmp_path) -> Path:
    """A folder this user may not write in: a read-only one, or for root, who writes in any,
    a read-only file system."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
        return folder
    try:
        tempfile.TemporaryFile(dir="/sys").close()
    except OSError:
        return Path("/sys")
    pytest.skip("no folder here refuses this user's writes")


def test_bad_places_for_a_backup_are_refused_with_a_message(app, db, tmp_path):
    refused(cli(app, "backup", tmp_path / "missing" / "backup"), "does not exist")
    refused(cli(app, "backup", tmp_path), "is a folder")
    (tmp_path / "a-file").write_text("x")
    refused(cli(app, "backup", tmp_path / "a-file" / "backup"), "is not a folder")
    refused(cli(app, "backup", f"{_unwritable(tmp_path)}/backup"), "Cannot write in")
    if db.engine.dialect.name == "sqlite":
        refused(cli(app, "backup", "--force", db.engine.url.database), "database itself")


def test_a_database_that_is_not_cohorts_is_not_backed_up(build_app, spare_database, tmp_path):
    empty = build_app(SQLALCHEMY_DATABASE_URI=spare_database())
    with empty.app_context():
        kind = db.engine.dialect.name
    refused(cli(empty, "backup", tmp_path / "backup"),
            "does not exist" if kind == "sqlite" else "no alembic_version table")
    assert not (tmp_path / "backup").exists()


def test_what_is_not_a_backup_is_refused_and_nothing_changes(app, demo_loaded, tmp_path):
    before = counts(app)
    refused(cli(app, "restore", "--yes", tmp_path / "none"), "There is no file")
    refused(cli(app, "restore", "--yes", tmp_path), "is a folder")
    (tmp_path / "notes.txt").write_text("Not a backup at all.\n")
    refused(cli(app, "restore", "--yes", tmp_path / "notes.txt"), "not a Cohort backup")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    (tmp_path / "pg.dump").write_bytes(b"PGDMP" + bytes(200))
    if db.engine.dialect.name == "sqlite":
        refused(cli(app, "restore", "--yes", other), "not a Cohort backup",
                "no alembic_version table")
        refused(cli(app, "restore", "--yes", tmp_path / "pg.dump"),
                "is a PostgreSQL backup", "the configured database is SQLite")
        refused(cli(app, "restore", "--yes", db.engine.url.database), "database itself")
    else:
        refused(cli(app, "restore", "--yes", other), "is a SQLite backup",
                "the configured database is PostgreSQL")
    assert counts(app) == before


def test_a_truncated_backup_changes_nothing(restored, demo_backup, app):
    before = counts(restored)
    whole = demo_backup.read_bytes()
    cut = demo_backup.with_name("cut")
    cut.write_bytes(whole[:-1000])
    refused(cli(restored, "restore", "--yes", cut), "truncated", "Nothing was changed")
    assert counts(restored) == before


def _set_revision(revision: str) -> str:
    """Put the test database's schema revision at `revision`; the one it was at."""
    was = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    db.session.commit()
    return was


def test_a_backup_from_newer_code_is_refused(app, demo_loaded, tmp_path):
    was = _set_revision("f0f0f0f0f0f0")
    try:
        assert cli(app, "backup", tmp_path / "newer").exit_code == 0
    finally:
        _set_revision(was)
    before = counts(app)
    refused(cli(app, "restore", "--yes", tmp_path / "newer"),
            "made by a newer version of Cohort", "f0f0f0f0f0f0", "Nothing was changed")
    assert counts(app) == before


def test_an_older_backup_is_restored_and_brought_up_to_date(build_app, spare_database, tmp_path):
    """A backup made at the schema before this code's newest restores, says the schema
    must be brought up to date, and `flask db upgrade` then does so."""
    older_app = build_app(SQLALCHEMY_DATABASE_URI=spare_database())
    with older_app.app_context():
        script = ScriptDirectory(current_app.extensions["migrate"].directory)
        head = script.get_current_head()
        older = script.get_revision(head).down_revision
        upgrade(revision=older)
        db.session.remove()
    assert cli(older_app, "backup", tmp_path / "older").exit_code == 0
    target = build_app(SQLALCHEMY_DATABASE_URI=spare_database())
    result = cli(target, "restore", "--yes", tmp_path / "older")
    assert result.exit_code == 0, result.output
    assert f"schema revision {older}" in result.output
    assert "made by an older version of Cohort" in result.output and "db upgrade" in result.output
    with target.app_context():
        upgrade()
        assert db.session.execute(text("SELECT version_num FROM alembic_version")
                                  ).scalar_one() == head
        db.session.remove()


def test_restore_waits_for_the_scheduler_to_stop(restored, demo_backup):
    before = counts(restored)
    with restored.app_context(), leader_lock(poll_seconds=0.1) as held:
        assert held()
        refused(cli(restored, "restore", "--yes", demo_backup), "A scheduler is running",
                "Nothing was changed")
    assert counts(restored) == before


def test_restore_is_refused_while_another_process_has_the_database_open(restored, demo_backup):
    before = counts(restored)
    with restored.app_context():
        url = db.engine.url
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database)
        other.execute("SELECT count(*) FROM user").fetchall()  # an idle web worker's connection
    else:
        other = psycopg.connect(
            url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        refused(cli(restored, "restore", "--yes", demo_backup), "in use", "Nothing was changed")
    finally:
        other.close()
    assert counts(restored) == before


def test_restore_asks_first(restored, demo_backup):
    before = counts(restored)
    asked = cli(restored, "restore", demo_backup, answer="n\n")
    assert asked.exit_code == 1 and "Replace every record in" in asked.output
    assert "Aborted" in asked.output
    assert counts(restored) == before
    confirmed = cli(restored, "restore", demo_backup, answer="y\n")
    assert confirmed.exit_code == 0 and "Restored" in confirmed.output, confirmed.output
