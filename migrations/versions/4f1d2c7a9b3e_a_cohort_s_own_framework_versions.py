"""A cohort's own frameworks: a framework belongs to the site's library (no cohort) or to one
cohort, and a cohort's own framework has versions

Revision ID: 4f1d2c7a9b3e
Revises: 4be1c0d7f5a2
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f1d2c7a9b3e'
down_revision = '4be1c0d7f5a2'
branch_labels = None
depends_on = None

_LIBRARY = sa.text("cohort_id IS NULL")


def upgrade():
    # Every framework so far is the library's: the shipped ones, and those imported before a
    # cohort's import stayed its own (other cohorts may use them, so they stay shared).
    with op.batch_alter_table('framework', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'),
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_framework_cohort_id_cohort'), 'cohort',
                                    ['cohort_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(batch_op.f('uq_framework_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_framework_cohort_id_key_version'),
                                          ['cohort_id', 'key', 'version'])
    op.create_index('uq_framework_library_key', 'framework', ['key'], unique=True,
                    sqlite_where=_LIBRARY, postgresql_where=_LIBRARY)


def downgrade():
    # A cohort's own frameworks cannot share the one-per-key rule: they stay, under their key
    # with the cohort's id and version appended.
    op.drop_index('uq_framework_library_key', table_name='framework')
    op.execute("UPDATE framework SET key = substr(key, 1, 40) || '-' || cohort_id || '-' || version "
               "WHERE cohort_id IS NOT NULL")
    with op.batch_alter_table('framework', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_framework_cohort_id_key_version'),
                                 type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_framework_key'), ['key'])
        batch_op.drop_constraint(batch_op.f('fk_framework_cohort_id_cohort'),
                                 type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('cohort_id')
