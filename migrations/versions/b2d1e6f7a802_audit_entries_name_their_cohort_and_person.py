"""Audit entries name the cohort they happened in and the person they concern, so a cohort's
facilitators can read theirs and a person's entries can be found

Revision ID: b2d1e6f7a802
Revises: a1c0d4e5f601
Create Date: 2026-12-06 15:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d1e6f7a802'
down_revision = 'a1c0d4e5f601'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_about_id_user'), 'user',
                                    ['about_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_cohort_id_cohort'), 'cohort',
                                    ['cohort_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_audit_event_about_id'), ['about_id'])
        batch_op.create_index(batch_op.f('ix_audit_event_cohort_id'), ['cohort_id'])
        batch_op.create_index('ix_audit_event_created_id', ['created_at', 'id'])


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_created_id')
        batch_op.drop_index(batch_op.f('ix_audit_event_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_about_id'))
        batch_op.drop_constraint(batch_op.f('fk_audit_event_cohort_id_cohort'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_audit_event_about_id_user'), type_='foreignkey')
        batch_op.drop_column('cohort_id')
        batch_op.drop_column('about_id')
