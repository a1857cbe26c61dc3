"""Each person's data rights: an account remembers when it was erased; a cohort says whether
an erased participant's named survey answers are deleted or kept without their name, and when
its personal data expired after its retention period

Revision ID: b5e2d7c81f34
Revises: 5d2e8a41c7b9
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5e2d7c81f34'
down_revision = '5d2e8a41c7b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_deletes_answers', sa.Boolean(),
                                      server_default=sa.text('false'), nullable=False))
        batch_op.add_column(sa.Column('personal_data_expired_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('personal_data_expired_at')
        batch_op.drop_column('erasure_deletes_answers')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
