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
# while this runs; run again after a failure, it picks up where it stopped.
STEPS = (
    ("CREATE INDEX {how}IF NOT EXISTS ix_audit_event_action_created "
     "ON audit_event (action, created_at, id)"),
    "DROP INDEX {how}IF EXISTS ix_audit_event_action",
    ("CREATE INDEX {how}IF NOT EXISTS ix_audit_event_cohort_created "
     "ON audit_event (cohort_id, created_at, id)"),
    "DROP INDEX {how}IF EXISTS ix_audit_event_cohort_id",
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for step in STEPS:
                op.execute(step.format(how="CONCURRENTLY "))
    else:
        for step in STEPS:
            op.execute(step.format(how=""))


def downgrade():
    op.execute("CREATE INDEX IF NOT EXISTS ix_audit_event_action ON audit_event (action)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_audit_event_cohort_id ON audit_event (cohort_id)")
    op.execute("DROP INDEX IF EXISTS ix_audit_event_action_created")
    op.execute("DROP INDEX IF EXISTS ix_audit_event_cohort_created")
