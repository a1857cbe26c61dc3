"""The migrations upgrade a database that holds a programme in place, keeping every row, and
the rules they add (statuses, one-per rules) are enforced by the database itself."""

import hashlib

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from cohort import demo
from cohort.cohorts.models import Membership
from cohort.core.database import commit
from cohort.core.mail import queue_mail
from cohort.evaluation.models import PseudonymKey, Response, Survey
from cohort.evaluation.services import surveys as survey_services
from cohort.extensions import db

# The revision before the schema rules: databases made by earlier releases are at it.
BEFORE_RULES = "90ae8d90c83c"


def _present() -> dict[str, set[str]]:
    """The tables and columns the database has now."""
    inspector = inspect(db.engine)
    return {name: {c["name"] for c in inspector.get_columns(name)}
            for name in inspector.get_table_names() if name != "alembic_version"}


def _rows(present: dict[str, set[str]]) -> dict[str, list[tuple]]:
    """Every row of the tables and columns in `present` (those of the older schema)."""
    tables = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name not in present:
                continue
            columns = [c for c in table.columns if c.name in present[table.name]]
            order = list(table.primary_key.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(
                table.select().with_only_columns(*columns).order_by(*order))]
    return tables


def test_the_rules_migration_upgrades_a_demo_database_in_place(migrating_app):
    """The demo, loaded at the newest schema, survives a step back to the schema before the
    rules and the step forward again: every row of the older schema is kept, nothing is
    cascaded away, and the rules are in force afterwards."""
    with migrating_app.app_context():
        upgrade()
        demo.load("migration-demo-password")
        commit()
        # Versions past 1, as after edits: the round trip resets them, and nothing else.
        db.session.execute(update(Membership).values(version=Membership.version + 1))
        commit()
        db.session.remove()

        downgrade(revision=BEFORE_RULES)
        db.session.remove()
        older = _present()
        assert "version" not in older["membership"]
        before = _rows(older)
        assert len(before["membership"]) > 20 and len(before["attendance"]) > 50

        upgrade()
        db.session.remove()
        assert _rows(older) == before  # nothing lost, nothing cascaded away
        versions = db.session.execute(text("SELECT DISTINCT version FROM membership")).scalars()
        assert set(versions) == {1}
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            declared = {c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
            present = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert declared <= present, f"{table.name} lacks {declared - present}"
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.parametrize(("table", "column"), [
    ("membership", "status"), ("membership", "role"), ("mail_message", "status"),
    ("cohort", "status"), ("place", "status"),
])
def test_the_database_refuses_a_status_it_does_not_know(make_member, outbox, table, column):
    membership = make_member()
    queue_mail("someone@example.org", "Hello", "Body")
    commit()
    db.session.execute(text("INSERT INTO place (cohort_id, status, created_at) VALUES "
                            "(:cohort, 'active', CURRENT_TIMESTAMP)"),
                       {"cohort": membership.cohort_id})
    commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))  # noqa: S608
    db.session.rollback()


def _found(survey_ids) -> int:
    """How many anonymous responses a member of the survey's cohort is recognised as having."""
    surveys = db.session.execute(select(Survey).where(Survey.id.in_(survey_ids))).scalars()
    return sum(survey_services.response_of(survey, member) is not None for survey in surveys
               for member in db.session.execute(select(Membership).where(
                   Membership.cohort_id == survey.cohort_id)).scalars())


def test_anonymous_responses_of_an_earlier_release_keep_pairing(migrating_app):
    """An earlier release keyed pseudonyms by a key derived from SECRET_KEY: the migration that
    keeps the key in the database keeps that one where responses use it."""
    with migrating_app.app_context():
        upgrade()
        demo.load("migration-demo-password")
        commit()
        survey_ids = list(db.session.execute(select(Survey.id).where(Survey.anonymous)).scalars())
        filed = db.session.execute(select(func.count(Response.id)).where(
            Response.survey_id.in_(survey_ids))).scalar_one()
        assert filed > 10 and _found(survey_ids) == filed
        # Filed as the earlier release filed them: under the key it derived from SECRET_KEY.
        earlier = hashlib.sha256(b"cohort-survey-pseudonym:" +
                                 migrating_app.config["SECRET_KEY"].encode()).digest()
        pairs = [(survey, member)
                 for survey in db.session.execute(select(Survey).where(Survey.anonymous)).scalars()
                 for member in db.session.execute(select(Membership).where(
                     Membership.cohort_id == survey.cohort_id)).scalars()]
        now_filed = [survey_services.respondent_key(s, m) for s, m in pairs]
        db.session.execute(update(PseudonymKey).values(key=earlier))
        db.session.expire_all()
        for (survey, member), current in zip(pairs, now_filed, strict=True):
            db.session.execute(update(Response).where(
                Response.survey_id == survey.id, Response.respondent == current).values(
                respondent=survey_services.respondent_key(survey, member)))
        commit()
        db.session.remove()

        downgrade(revision="4f1d2c7a9b3e")  # the revision before the key was kept
        upgrade()
        db.session.remove()
        assert _found(survey_ids) == filed
        assert db.session.execute(select(PseudonymKey.key)).scalar_one() == earlier


def test_an_index_migration_run_again_after_a_failed_build_leaves_working_indexes(
        migrating_app):
    """On PostgreSQL an index is built CONCURRENTLY, and a build that fails leaves an index of
    that name marked invalid. Run again, the migration builds that index afresh before the one
    it replaces goes: the log is never left with only an invalid index."""
    with migrating_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite builds an index in one transaction: a failure leaves none")
        upgrade(revision="f2b8d4e6a1c3")
        db.session.remove()
        auto = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        with auto.connect() as conn:
            conn.execute(text("INSERT INTO audit_event (action, created_at) "
                              "VALUES ('sign_in', now()), ('sign_in', now())"))
            # A build that fails part way: a unique index the rows break, left invalid.
            with pytest.raises(IntegrityError):
                conn.execute(text("CREATE UNIQUE INDEX CONCURRENTLY "
                                  "ix_audit_event_action_created ON audit_event (action)"))
        upgrade()
        db.session.remove()
        with auto.connect() as conn:
            indexes = dict(conn.execute(text(
                "SELECT c.relname, i.indisvalid FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'audit_event'::regclass")).all())
        assert indexes["ix_audit_event_action_created"] is True
        assert indexes["ix_audit_event_cohort_created"] is True
        assert "ix_audit_event_action" not in indexes


def test_the_migrations_after_an_index_built_concurrently_keep_the_lock_timeout(
        migrating_app, tmp_path):
    """A migration that builds an index CONCURRENTLY commits the transaction it runs in; the
    migrations after it, in the same upgrade, still give up waiting for a table's lock after
    MIGRATION_LOCK_TIMEOUT_SECONDS (the timeout is set again after each migration), and no
    pooled connection keeps it afterwards."""
    import shutil
    from pathlib import Path

    from alembic.script import ScriptDirectory

    with migrating_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's lock timeout; SQLite has one write lock and a busy timeout")
        upgrade(revision="f2b8d4e6a1c3")
        db.session.remove()
        # The release's migrations, then one that notes the timeout it runs under.
        folder = tmp_path / "migrations"
        shutil.copytree(Path(__file__).resolve().parents[2] / "migrations", folder)
        head = ScriptDirectory(str(folder)).get_current_head()
        (folder / "versions" / "ffff0000a001_probe.py").write_text(
            '"""Note the lock timeout a migration runs under."""\n'
            "from alembic import op\n\n"
            f"revision = 'ffff0000a001'\ndown_revision = '{head}'\n"
            "branch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n"
            "    op.execute(\"CREATE TABLE lock_probe AS \"\n"
            "               \"SELECT current_setting('lock_timeout') AS value\")\n\n\n"
            "def downgrade():\n"
            "    op.execute('DROP TABLE lock_probe')\n")
        upgrade(directory=str(folder))
        db.session.remove()
        seconds = migrating_app.config["MIGRATION_LOCK_TIMEOUT_SECONDS"]
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT value FROM lock_probe")).scalar_one() == f"{seconds}s"
            assert conn.execute(text("SHOW lock_timeout")).scalar_one() == "0"
