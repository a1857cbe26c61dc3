"""Mail claims name their holder; anonymous surveys' pseudonym key is kept in the database

Revision ID: 3f1c2b7d9e40
Revises: 4f1d2c7a9b3e
Create Date: 2026-12-06 09:40:00.000000

"""
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '3f1c2b7d9e40'
down_revision = '4f1d2c7a9b3e'
branch_labels = None
depends_on = None


def _pseudonym_key(conn) -> bytes:
    """The key earlier releases derived from SECRET_KEY where anonymous responses were filed
    under it (they keep pairing), otherwise a new random one."""
    anonymous = conn.execute(sa.text(
        "SELECT 1 FROM survey_response JOIN survey ON survey.id = survey_response.survey_id "
        "WHERE survey.anonymous LIMIT 1")).first()
    secret = current_app.config.get("SECRET_KEY")
    if anonymous is not None and secret:
        return hashlib.sha256(b"cohort-survey-pseudonym:" + secret.encode()).digest()
    return secrets.token_bytes(32)


def upgrade():
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=True))

    key = op.create_table('pseudonym_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pseudonym_key'))
    )
    op.bulk_insert(key, [{'id': 1, 'key': _pseudonym_key(op.get_bind())}])


def downgrade():
    # Anonymous responses made after this revision pair up again only if SECRET_KEY derives
    # the key that is dropped here (as it does for a database migrated with responses in it).
    op.drop_table('pseudonym_key')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
