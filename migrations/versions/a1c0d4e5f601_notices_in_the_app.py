"""Notices in the app (what happened for a person: the header's count and the notifications
page); a survey remembers when its participants were told it opened

Revision ID: a1c0d4e5f601
Revises: e7b3c91d4a60
Create Date: 2026-12-06 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c0d4e5f601'
down_revision = 'e7b3c91d4a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=400), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'],
                                name=op.f('fk_notice_cohort_id_cohort'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_notice_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    )
    op.create_index('ix_notice_user_created', 'notice', ['user_id', 'created_at'])
    op.create_index('ix_notice_user_unread', 'notice', ['user_id', 'read_at'])
    op.create_index('ix_notice_subject', 'notice', ['subject', 'subject_id'])
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True))
    # Surveys already open were made known before notices existed: none is announced again.
    op.execute("UPDATE survey SET announced_at = opens_at WHERE opens_at <= CURRENT_TIMESTAMP")


def downgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('announced_at')
    op.drop_index('ix_notice_subject', table_name='notice')
    op.drop_index('ix_notice_user_unread', table_name='notice')
    op.drop_index('ix_notice_user_created', table_name='notice')
    op.drop_table('notice')
