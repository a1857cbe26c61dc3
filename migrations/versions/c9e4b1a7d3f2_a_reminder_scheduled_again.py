"""A reminder already sent when its session moves later is scheduled again for the new time,
once: the new reminder names the one it repeats, one each

Revision ID: c9e4b1a7d3f2
Revises: a3c5e7f9b1d4
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c9e4b1a7d3f2'
down_revision = 'a3c5e7f9b1d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('again_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reminder_again_of_id_reminder'), 'reminder',
                                    ['again_of_id'], ['id'], ondelete='SET NULL')
    op.create_index('uq_reminder_again_of', 'reminder', ['again_of_id'], unique=True)


def downgrade():
    op.drop_index('uq_reminder_again_of', table_name='reminder')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reminder_again_of_id_reminder'),
                                 type_='foreignkey')
        batch_op.drop_column('again_of_id')
