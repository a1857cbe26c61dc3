"""Rules in the schema: statuses checked, one-per rules as partial unique indexes, version
columns where two people decide the same row, indexes on filtered foreign keys and purge clocks

Revision ID: 0267dcb97b2d
Revises: 90ae8d90c83c
Create Date: 2026-12-02 16:21:53.823177

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0267dcb97b2d'
down_revision = '90ae8d90c83c'
branch_labels = None
depends_on = None

# table -> {constraint name: (column, allowed values)}
CHECKS = {
    "account_token": {"ck_account_token_purpose": ("purpose", ("invitation", "reset"))},
    "login_failure": {"ck_login_failure_scope": ("scope", ("account", "address"))},
    "mail_message": {"ck_mail_message_status": ("status", ("pending", "sending", "sent", "failed"))},
    "cohort": {"ck_cohort_status": ("status", ("draft", "recruiting", "running", "finished"))},
    "membership": {
        "ck_membership_role": ("role", ("facilitator", "participant", "evaluator", "colleague")),
        "ck_membership_status": ("status", ("active", "left", "declined")),
    },
    "place": {"ck_place_status": ("status", ("active", "freed"))},
    "place_holding": {
        "ck_place_holding_how_started": ("how_started", ("accepted", "handover")),
        "ck_place_holding_how_ended": ("how_ended", ("handover", "withdrew", "removed")),
    },
    "application": {"ck_application_status": (
        "status", ("submitted", "accepted", "waitlisted", "declined", "withdrawn"))},
    "handover_request": {"ck_handover_request_status": ("status", ("pending", "approved", "declined"))},
    "programme_session": {
        "ck_programme_session_kind": ("kind", ("introduction", "workshop", "deep_dive", "one_to_one")),
        "ck_programme_session_audience": ("audience", ("members", "members_and_colleagues")),
        "ck_programme_session_status": ("status", ("scheduled", "cancelled")),
    },
    "attendance": {"ck_attendance_status": ("status", ("present", "apologies", "absent"))},
}


def _condition(column: str, values: tuple) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, (column, values) in checks.items():
                batch_op.create_check_constraint(op.f(name), _condition(column, values))

    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_token_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_place_id'), ['place_id'], unique=False)
        batch_op.create_index('uq_application_waitlist_position', ['cohort_id', 'waitlist_position'], unique=True, sqlite_where=sa.text('waitlist_position IS NOT NULL'), postgresql_where=sa.text('waitlist_position IS NOT NULL'))

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_membership_id'), ['membership_id'], unique=False)

    with op.batch_alter_table('handover_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch_op.create_index(batch_op.f('ix_handover_request_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('uq_handover_request_pending', ['place_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))
        batch_op.create_index('uq_membership_place_holder', ['place_id'], unique=True, sqlite_where=sa.text("role = 'participant' AND status = 'active'"), postgresql_where=sa.text("role = 'participant' AND status = 'active'"))

    with op.batch_alter_table('objective_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_rating_membership_id'), ['membership_id'], unique=False)

    with op.batch_alter_table('place_holding', schema=None) as batch_op:
        batch_op.create_index('uq_place_holding_open', ['place_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index('ix_user_session_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_session_last_seen_at'), ['last_seen_at'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_last_seen_at'))
        batch_op.drop_index('ix_user_session_created_at')

    with op.batch_alter_table('place_holding', schema=None) as batch_op:
        batch_op.drop_index('uq_place_holding_open')

    with op.batch_alter_table('objective_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_rating_membership_id'))

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('uq_membership_place_holder')
        batch_op.drop_column('version')

    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_created_at')

    with op.batch_alter_table('handover_request', schema=None) as batch_op:
        batch_op.drop_index('uq_handover_request_pending')
        batch_op.drop_index(batch_op.f('ix_handover_request_requested_by_id'))
        batch_op.drop_column('version')

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_membership_id'))

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('uq_application_waitlist_position')
        batch_op.drop_index(batch_op.f('ix_application_place_id'))
        batch_op.drop_index(batch_op.f('ix_application_decided_by_id'))

    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_expires_at'))

    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in checks:
                batch_op.drop_constraint(op.f(name), type_="check")
