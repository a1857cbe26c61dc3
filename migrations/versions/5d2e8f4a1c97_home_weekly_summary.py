"""Home: the weekly summary, a person's choice of it (home_weekly_choice) and one row per
person and week considered (home_weekly_summary)

Revision ID: 5d2e8f4a1c97
Revises: b2d1e6f7a802
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8f4a1c97'
down_revision = 'b2d1e6f7a802'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('home_weekly_choice',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hour BETWEEN 0 AND 23', name=op.f('ck_home_weekly_choice_hour_range')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_home_weekly_choice_weekday_range')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_home_weekly_choice_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_home_weekly_choice'))
    )
    op.create_table('home_weekly_summary',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('considered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mailed', sa.Boolean(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['mail_message.id'], name=op.f('fk_home_weekly_summary_message_id_mail_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_home_weekly_summary_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_weekly_summary')),
    sa.UniqueConstraint('user_id', 'week', name=op.f('uq_home_weekly_summary_user_id_week'))
    )
    with op.batch_alter_table('home_weekly_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_weekly_summary_message_id'), ['message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('home_weekly_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_weekly_summary_message_id'))

    op.drop_table('home_weekly_summary')
    op.drop_table('home_weekly_choice')
