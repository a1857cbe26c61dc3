"""Action items indexed by plan and status: a cohort's blocked and overdue items are found
through its plans' own entries, not through every blocked item of the site

Revision ID: f2b8d4e6a1c3
Revises: e1a9c3f5b7d2
Create Date: 2026-12-07 06:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2b8d4e6a1c3'
down_revision = 'e1a9c3f5b7d2'
branch_labels = None
depends_on = None

# (plan, status, due date) serves every read by plan alone as the plan's index did, so that one
# goes. On PostgreSQL both are built and dropped CONCURRENTLY, each its own transaction, so the
# app keeps writing action items while this runs; run again after a failure, it picks up where
# it stopped (a failed concurrent build leaves its index marked invalid: that one is dropped and
# built afresh before the old index goes).
CREATE = "CREATE INDEX {how}IF NOT EXISTS ix_action_item_plan ON action_item (plan_id, status, due_on)"
DROP = "DROP INDEX {how}IF EXISTS ix_action_item_plan_id"
INVALID = ("SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
           "WHERE c.relname = 'ix_action_item_plan' AND NOT i.indisvalid")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            if op.get_bind().exec_driver_sql(INVALID).first():
                op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_action_item_plan")
            op.execute(CREATE.format(how="CONCURRENTLY "))
            op.execute(DROP.format(how="CONCURRENTLY "))
    else:
        op.execute(CREATE.format(how=""))
        op.execute(DROP.format(how=""))


def downgrade():
    op.execute("CREATE INDEX IF NOT EXISTS ix_action_item_plan_id ON action_item (plan_id)")
    op.execute("DROP INDEX IF EXISTS ix_action_item_plan")
