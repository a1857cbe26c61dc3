"""Archived cohorts: a finished cohort a site admin has put away, out of the lists and homes

Revision ID: c4a7e2d9b1f3
Revises: b5e2d7c81f34
Create Date: 2026-12-20 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e2d9b1f3'
down_revision = 'b5e2d7c81f34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
