"""Each survey keeps a tally of its submitted answers (survey_tally), filled here from the
answers already given

Revision ID: d8f3a6b2c5e1
Revises: c4a7e2d9b1f3
Create Date: 2026-12-06 21:00:00.000000

"""
import json
from collections import Counter

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8f3a6b2c5e1'
down_revision = 'c4a7e2d9b1f3'
branch_labels = None
depends_on = None

SCALES = ('agreement', 'knowledge', 'rating_0_10', 'rating_1_10')
SUBMITTED = "r.survey_id = :survey AND r.submitted_at IS NOT NULL"


def _json(value):
    return json.dumps(value, ensure_ascii=False)


def _tally(conn, survey, phase, definitions, partners):
    """The survey's tally, as the app counts it (evaluation/services/tallies.py) on the day
    this was written."""
    items = json.loads(definitions[survey])['items']
    choice = {i['key']: i['type'] == 'single' for i in items
              if i['type'] not in ('text', 'multiple')}
    both = {i['key'] for i in items if i['phase'] == 'both' and i['type'] in SCALES}
    looks = {i['key']: i['pairs_with'] for i in items
             if i['pairs_with'] is not None and i['type'] in SCALES}
    words = [i['key'] for i in items if i['type'] == 'text']
    counted = Counter()
    given = conn.execute(sa.text(f"SELECT count(*) FROM survey_response r WHERE {SUBMITTED}"),
                         {'survey': survey}).scalar_one()
    if given:
        counted[survey, 'submitted', '', '', '', ''] = given
    rows = conn.execute(sa.text(
        "SELECT a.item_key, a.number, a.text, count(*) FROM survey_answer a "
        f"JOIN survey_response r ON r.id = a.response_id WHERE {SUBMITTED} "
        "AND a.item_key IN :keys GROUP BY a.item_key, a.number, a.text"
    ).bindparams(sa.bindparam('keys', expanding=True)),
        {'survey': survey, 'keys': list(choice) or ['']})
    for key, number, said, count in rows:
        value = number if number is not None else said if choice[key] else None
        counted[survey, 'answer', key, '', _json(value), ''] += count
    rows = conn.execute(sa.text(
        "SELECT a.item_key, count(*) FROM survey_answer a "
        f"JOIN survey_response r ON r.id = a.response_id WHERE {SUBMITTED} "
        "AND a.item_key IN :words AND a.text != '' GROUP BY a.item_key"
    ).bindparams(sa.bindparam('words', expanding=True)),
        {'survey': survey, 'words': words or ['']})
    for key, count in rows:
        counted[survey, 'words', key, '', '', ''] = count
    rows = conn.execute(sa.text(
        "SELECT l.item_key, n.item_key, l.number, n.number, count(*) FROM survey_answer l "
        "JOIN survey_response r ON r.id = l.response_id "
        f"JOIN survey_answer n ON n.response_id = r.id WHERE {SUBMITTED} "
        "AND l.item_key IN :looks AND l.number IS NOT NULL AND n.number IS NOT NULL "
        "GROUP BY l.item_key, n.item_key, l.number, n.number"
    ).bindparams(sa.bindparam('looks', expanding=True)),
        {'survey': survey, 'looks': list(looks) or ['']})
    for key, now, before, after, count in rows:
        if looks[key] == now:
            counted[survey, 'look', key, now, _json(before), _json(after)] += count
    if phase == 'pre' and both:
        rows = conn.execute(sa.text(
            "SELECT a.item_key, a.number, b.number, count(*) FROM survey_answer a "
            "JOIN survey_response r ON r.id = a.response_id "
            "LEFT JOIN survey_response p ON p.respondent = r.respondent "
            "AND p.survey_id = :post AND p.submitted_at IS NOT NULL "
            "LEFT JOIN survey_answer b ON b.response_id = p.id AND b.item_key = a.item_key "
            f"WHERE {SUBMITTED} AND a.item_key IN :both "
            "GROUP BY a.item_key, a.number, b.number"
        ).bindparams(sa.bindparam('both', expanding=True)),
            {'survey': survey, 'post': partners.get(survey, -1), 'both': list(both)})
        for key, before, after, count in rows:
            counted[survey, 'pair', key, '', _json(before), _json(after)] += count
    return counted


def upgrade():
    op.create_table(
        'survey_tally',
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('submitted', 'answer', 'pair', 'look', 'words', name='kind',
                                  native_enum=False, create_constraint=True, length=10),
                  nullable=False),
        sa.Column('item_key', sa.String(length=60), nullable=False),
        sa.Column('other_key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('other', sa.Text(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'],
                                name=op.f('fk_survey_tally_survey_id_survey'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('survey_id', 'kind', 'item_key', 'other_key', 'value', 'other',
                                name=op.f('pk_survey_tally')),
    )
    conn = op.get_bind()
    surveys = conn.execute(sa.text(
        "SELECT id, cohort_id, instrument_key, phase, definition FROM survey")).all()
    definitions = {row[0]: row[4] for row in surveys}
    phases = {row[0]: row[3] for row in surveys}
    post = {(cohort, key): survey for survey, cohort, key, phase, _d in surveys
            if phase == 'post'}
    partners = {survey: post[cohort, key] for survey, cohort, key, phase, _d in surveys
                if phase == 'pre' and (cohort, key) in post}
    table = sa.table('survey_tally', *(sa.column(name) for name in (
        'survey_id', 'kind', 'item_key', 'other_key', 'value', 'other', 'count')))
    names = ('survey_id', 'kind', 'item_key', 'other_key', 'value', 'other')
    for survey in definitions:
        counted = _tally(conn, survey, phases[survey], definitions, partners)
        if counted:
            conn.execute(table.insert(), [dict(zip(names, key), count=count)
                                          for key, count in counted.items()])


def downgrade():
    op.drop_table('survey_tally')
