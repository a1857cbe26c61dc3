"""Each reminder keeps a tally of its deliveries by state

Revision ID: e7b3c91d4a60
Revises: 4be1c0d7f5a2
Create Date: 2026-12-06 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3c91d4a60'
down_revision = '4be1c0d7f5a2'
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


def upgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default=sa.text('0'),
                                          nullable=False))
    op.execute(FILL)


def downgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
