"""The restore drill (issue 22): a backup of the demo taken while writers keep adding board
posts and audit entries, restored into a new database, holds every row there was before it
began, just the rows it counted, each writer's records up to a point and none after a gap,
and the app signs a participant in and shows the board from it. On SQLite and PostgreSQL
alike (`make test` runs both)."""

import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from cohort.board.models import Post, Thread
from cohort.board.services import reply
from cohort.board.services.threads import POSTS_A_PAGE
from cohort.cohorts.models import Cohort, Membership
from cohort.core.audit import record
from cohort.core.backup import backup, read_backup, restore
from cohort.core.database import commit, write_intent
from cohort.core.models import AuditEvent
from cohort.extensions import db
from tests.helpers import DEMO_PASSWORD, IsolatedClient, sign_in, text_of, wait_for

RUNNING = "Workplace wellbeing cohort"
# Compared column by column, not only counted: the people, the cohorts, what was said on the
# board and the files shared there (kept in the database), and the answers to surveys.
KEY_TABLES = ("user", "cohort", "board_post", "board_attachment", "survey_response")


class Writer:
    """A thread that keeps adding numbered records through the services, each in a
    transaction of its own, as requests would, until stopped."""

    def __init__(self, app, write):
        self.app, self.write = app, write
        self.written, self.errors = 0, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        with self.app.app_context():
            while not self.stop.is_set():
                try:
                    with write_intent():
                        self.write(self.written + 1)
                        commit()
                except Exception as error:  # noqa: BLE001 (the test reports it)
                    db.session.rollback()
                    self.errors.append(repr(error))
                    return
                self.written += 1

    def end(self):
        self.stop.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "a writer did not stop"
        assert self.errors == []


def _post_writer(membership_id: int, thread_id: int):
    def write(n):
        membership = db.session.get(Membership, membership_id)
        reply(membership.user, membership, db.session.get(Thread, thread_id), f"Drill post {n}")
    return write


def _audit_writer(n):
    record(None, "drill", subject=f"Drill entry {n}")


def _keys(table) -> set[tuple]:
    return set(db.session.execute(select(*table.primary_key.columns)).all())


def _rows(table) -> dict[tuple, dict]:
    key = list(table.primary_key.columns)
    return {tuple(row[c.name] for c in key): dict(row)
            for row in db.session.execute(select(table)).mappings()}


def _numbers(texts, prefix: str) -> list[int]:
    return sorted(int(t.removeprefix(prefix)) for t in texts if t.startswith(prefix))


def test_a_backup_taken_under_load_restores_every_record_into_a_new_database(
        app, demo_loaded, build_app, spare_database, tmp_path):
    cohort_id = db.session.execute(select(Cohort.id).where(Cohort.title == RUNNING)).scalar_one()
    thread = db.session.execute(select(Thread).where(
        Thread.cohort_id == cohort_id, Thread.kind == "discussion", Thread.hidden_at.is_(None),
        Thread.locked_at.is_(None)).order_by(Thread.id)).scalars().first()
    thread_id, title = thread.id, thread.title
    member_id = db.session.execute(select(Membership.id).where(
        Membership.cohort_id == cohort_id,
        Membership.user.has(email="participant01@example.org"))).scalar_one()
    db.session.commit()

    writers = [Writer(app, _post_writer(member_id, thread_id)), Writer(app, _audit_writer)]
    try:
        assert wait_for(lambda: all(w.written >= 3 for w in writers)), "the writers did not start"
        tables = db.metadata.sorted_tables
        before = {table.name: _keys(table) for table in tables}
        key_rows = {name: _rows(db.metadata.tables[name]) for name in KEY_TABLES}
        db.session.commit()
        written_before = [w.written for w in writers]  # committed before the backup began
        summary = backup(tmp_path / "drill-backup")
        written_after = [w.written for w in writers]
        assert wait_for(lambda: all(w.written >= n + 3 for w, n in zip(writers, written_after,
                                                                     strict=True)))
    finally:
        for writer in writers:
            writer.end()

    restored = build_app(SQLALCHEMY_DATABASE_URI=spare_database())
    with restored.app_context():
        done = restore(read_backup(tmp_path / "drill-backup"))
        assert done.rows == summary.rows  # just what the backup counted, table by table
        for table in tables:
            missing = before[table.name] - _keys(table)
            assert not missing, f"{table.name} lost {len(missing)} rows"
        for name in KEY_TABLES:
            now = _rows(db.metadata.tables[name])
            assert {key: now.get(key) for key in key_rows[name]} == key_rows[name], name
        # One moment's state: each writer's records run from 1 with no gap, and hold at
        # least what was committed before the backup began.
        posts = _numbers(db.session.execute(select(Post.body)).scalars(), "Drill post ")
        entries = _numbers(db.session.execute(select(AuditEvent.subject).where(
            AuditEvent.action == "drill")).scalars(), "Drill entry ")
        assert posts == list(range(1, len(posts) + 1)) and len(posts) >= written_before[0]
        assert entries == list(range(1, len(entries) + 1)) and len(entries) >= written_before[1]
        first = db.session.execute(select(Post.number).where(Post.body == "Drill post 1")
                                   ).scalar_one()
        db.session.remove()

    client = IsolatedClient(restored, restored.response_class, use_cookies=True)
    assert sign_in(client, "participant01@example.org", DEMO_PASSWORD).status_code == 302
    board = client.get(f"/cohorts/{cohort_id}/board")
    assert board.status_code == 200 and title in text_of(board)
    page = client.get(f"/cohorts/{cohort_id}/board/threads/{thread_id}"
                      f"?page={(first - 1) // POSTS_A_PAGE + 1}")
    assert page.status_code == 200 and "Drill post 1" in text_of(page)


def _postgresql_only(database_url):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL's programs: the suite runs here on SQLite")


def test_the_password_reaches_pg_dump_and_pg_restore_only_through_their_environment(
        database_url, build_app, spare_database, tmp_path, monkeypatch, demo_loaded):
    """The process list shows every program's arguments to every user of the host."""
    _postgresql_only(database_url)
    secret = "Never-in-argv-7"  # the server trusts this host, so any password will do
    calls = []
    real = subprocess.run

    def watched(arguments, **kwargs):
        calls.append((arguments, kwargs["env"]))
        return real(arguments, **kwargs)

    monkeypatch.setattr("cohort.core.backup.postgresql.subprocess.run", watched)
    source = build_app(SQLALCHEMY_DATABASE_URI=make_url(database_url).set(password=secret))
    target = build_app(SQLALCHEMY_DATABASE_URI=make_url(spare_database()).set(password=secret))
    with source.app_context():
        backup(tmp_path / "backup")
    with target.app_context():
        restore(read_backup(tmp_path / "backup"))
        db.session.remove()
    programs = [Path(arguments[0]).name for arguments, _env in calls]
    assert "pg_dump" in programs and "pg_restore" in programs
    assert all(secret not in " ".join(arguments) for arguments, _env in calls)
    touching = [env for arguments, env in calls if any(a.startswith("--dbname=") for a in arguments)]
    assert len(touching) == 2 and all(env["PGPASSWORD"] == secret for env in touching)


def test_without_postgresqls_programs_the_commands_say_what_to_install(
        app, database_url, tmp_path, monkeypatch):
    _postgresql_only(database_url)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = app.test_cli_runner().invoke(args=["cohort", "backup", str(tmp_path / "backup")])
    assert result.exit_code == 1
    assert "pg_dump was not found on PATH" in result.output
    assert "postgresql-client" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_database_in_memory_has_nothing_to_back_up(build_app, tmp_path):
    memory = build_app(SQLALCHEMY_DATABASE_URI="sqlite://")
    with memory.app_context():
        result = memory.test_cli_runner().invoke(args=["cohort", "backup",
                                                       str(tmp_path / "backup")])
    assert result.exit_code == 1 and "held in memory" in result.output
