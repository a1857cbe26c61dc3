"""Where each table stands for the page cache: one row a table, written by every transaction
that writes the table (page_version)

Revision ID: d4f7a2c9e815
Revises: c9e4b1a7d3f2
Create Date: 2026-12-07 19:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd4f7a2c9e815'
down_revision = 'c9e4b1a7d3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_version',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_page_version'))
    )


def downgrade():
    op.drop_table('page_version')
