"""Audit entries indexed by action and by cohort in the log's order (newest first): a page of
the log filtered by either, and the CSV read a part at a time, walk their entries in order
instead of sorting all of them on every page and every part

Revision ID: a3c5e7f9b1d4
Revises: f2b8d4e6a1c3
Create Date: 2026-12-07 11:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d4'
down_revision = 'f2b8d4e6a1c3'
branch_labels = None
depends_on = None

# Each new index serves every read the one it replaces served (the actions the log holds, a
# cohort's entries, a cohort's deletion setting its entries' cohort to NULL). On PostgreSQL they
# are built and dropped CONCURRENTLY, each its own transaction, so the app keeps writing the log
# while this runs. A concurrent build that fails leaves its index behind marked invalid: run
# again, this drops that one and builds it afresh before the old index goes, so a second run
# picks up where the first stopped and never leaves the log without an index.
INDEXES = (  # (new index, its columns, the index it replaces)
    ("ix_audit_event_action_created", "action, created_at, id", "ix_audit_event_action"),
    ("ix_audit_event_cohort_created", "cohort_id, created_at, id", "ix_audit_event_cohort_id"),
)
INVALID = ("SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
           "WHERE c.relname = '{name}' AND NOT i.indisvalid")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    how = "CONCURRENTLY " if postgresql else ""
    if postgresql:
        with op.get_context().autocommit_block():
            for name, columns, old in INDEXES:
                if op.get_bind().exec_driver_sql(INVALID.format(name=name)).first():
                    op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
                op.execute(f"CREATE INDEX {how}IF NOT EXISTS {name} ON audit_event ({columns})")
                op.execute(f"DROP INDEX {how}IF EXISTS {old}")
    else:
        for name, columns, old in INDEXES:
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON audit_event ({columns})")
            op.execute(f"DROP INDEX IF EXISTS {old}")


def downgrade():
    op.execute("CREATE INDEX IF NOT EXISTS ix_audit_event_action ON audit_event (action)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_audit_event_cohort_id ON audit_event (cohort_id)")
    op.execute("DROP INDEX IF EXISTS ix_audit_event_action_created")
    op.execute("DROP INDEX IF EXISTS ix_audit_event_cohort_created")
