"""People to talk to: a member may keep others from being told to talk to them; a place may
share its plan's outline with the cohort

Revision ID: 5d2e8a41c7b9
Revises: 5d2e8f4a1c97
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8a41c7b9'
down_revision = '5d2e8f4a1c97'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggest_me', sa.Boolean(), server_default=sa.text('true'),
                                      nullable=False))
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        batch_op.drop_column('shared')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('suggest_me')
