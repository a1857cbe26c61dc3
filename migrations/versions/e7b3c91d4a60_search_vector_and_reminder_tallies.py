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
# indexed; SQLite's FTS5 table keeps its columns apart already and weighs them in bm25.
VECTOR = ("ALTER TABLE board_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
          "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
          "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED")


def upgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default=sa.text('0'),
                                          nullable=False))
    op.execute(FILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(VECTOR)
        op.execute("CREATE INDEX ix_board_search_vector ON board_search USING gin "
                   "(search_vector)")
        op.execute("DROP INDEX IF EXISTS ix_board_search_text")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_board_search_text ON board_search USING gin "
                   "(to_tsvector('english', title || ' ' || body))")
        op.execute("DROP INDEX IF EXISTS ix_board_search_vector")
        op.execute("ALTER TABLE board_search DROP COLUMN search_vector")
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
