"""Board search ranks a stored weighted text vector (PostgreSQL); each reminder keeps a tally
of its deliveries by state

Revision ID: e7b3c91d4a60
Revises: 3f1c2b7d9e40
Create Date: 2026-12-06 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3c91d4a60'
down_revision = '3f1c2b7d9e40'
branch_labels = None
depends_on = None

COUNTERS = ('pending_count', 'sent_count', 'failed_count', 'skipped_count')
# Each counter's fresh count, as the delivery log derives a delivery's state.
_STATE = ("CASE WHEN d.status = 'skipped' THEN 'skipped' WHEN m.status = 'sent' THEN 'sent' "
          "WHEN m.status = 'failed' THEN 'failed' ELSE 'pending' END")
FILL = ("UPDATE reminder SET " + ", ".join(
    f"{name} = (SELECT count(*) FROM reminder_delivery d LEFT JOIN mail_message m "
    f"ON m.id = d.message_id WHERE d.reminder_id = reminder.id "
    f"AND {_STATE} = '{name.removesuffix('_count')}')" for name in COUNTERS))

# PostgreSQL: the title (weight A) and the body (weight B) parsed once, when written, and
# indexed; SQLite's FTS5 table keeps its columns apart already and weighs them in bm25. Made so
# that the app keeps serving on a large board while this runs: the column is added empty (no
# rewrite of the table under an exclusive lock), a trigger fills it for what is written from
# now on, the rows already there are filled in batches (readers and writers carry on), and the
# index is built concurrently, outside the transaction.
WEIGHTED = ("setweight(to_tsvector('english', coalesce({row}title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce({row}body, '')), 'B')")
TRIGGER = (
    "CREATE OR REPLACE FUNCTION board_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN NEW.search_vector := {WEIGHTED.format(row='NEW.')}; RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS board_search_vector ON board_search",
    "CREATE TRIGGER board_search_vector BEFORE INSERT OR UPDATE OF title, body ON board_search "
    "FOR EACH ROW EXECUTE FUNCTION board_search_vector()",
)
BATCH = 20_000


def upgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default=sa.text('0'),
                                          nullable=False))
    op.execute(FILL)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # Each statement its own transaction: a lock taken is let go at once (in the migration's
    # transaction the column's exclusive lock would be held to its end). Run again after a
    # failure, it picks up where it stopped.
    with op.get_context().autocommit_block():
        op.execute("ALTER TABLE board_search ADD COLUMN IF NOT EXISTS search_vector tsvector")
        for statement in TRIGGER:
            op.execute(statement)
        top = bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM board_search")).scalar()
        fill = sa.text(f"UPDATE board_search SET search_vector = {WEIGHTED.format(row='')} "
                       "WHERE id >= :start AND id < :stop AND search_vector IS NULL")
        for start in range(0, top + 1, BATCH):
            bind.execute(fill, {"start": start, "stop": start + BATCH})
        op.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_board_search_vector "
                   "ON board_search USING gin (search_vector)")
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_board_search_text")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_board_search_text ON board_search USING gin "
                   "(to_tsvector('english', title || ' ' || body))")
        op.execute("DROP INDEX IF EXISTS ix_board_search_vector")
        # Databases migrated by an earlier release have a generated column and no trigger.
        op.execute("DROP TRIGGER IF EXISTS board_search_vector ON board_search")
        op.execute("DROP FUNCTION IF EXISTS board_search_vector()")
        op.execute("ALTER TABLE board_search DROP COLUMN search_vector")
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
