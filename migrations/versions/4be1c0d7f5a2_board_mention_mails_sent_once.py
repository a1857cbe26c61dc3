"""Board: one mention mail per post and person, recorded in board_mention_sent

Revision ID: 4be1c0d7f5a2
Revises: 9a59a9851fa2
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4be1c0d7f5a2'
down_revision = '9a59a9851fa2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_mention_sent',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['board_post.id'], name=op.f('fk_board_mention_sent_post_id_board_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_board_mention_sent_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_board_mention_sent'))
    )
    with op.batch_alter_table('board_mention_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_mention_sent_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('board_mention_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_mention_sent_user_id'))

    op.drop_table('board_mention_sent')
