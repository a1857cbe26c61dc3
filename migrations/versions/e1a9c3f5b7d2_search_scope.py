"""Board search on SQLite: each entry's FTS5 row names its cohort (a `scope` column), so a
search reads only the matches of the cohorts searched, however many cohorts the site holds

Revision ID: e1a9c3f5b7d2
Revises: d8f3a6b2c5e1
Create Date: 2026-12-06 23:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1a9c3f5b7d2'
down_revision = 'd8f3a6b2c5e1'
branch_labels = None
depends_on = None

_DROP = (
    "DROP TRIGGER IF EXISTS board_search_ai",
    "DROP TRIGGER IF EXISTS board_search_ad",
    "DROP TRIGGER IF EXISTS board_search_au",
    "DROP TABLE IF EXISTS board_search_fts",
)

# The FTS5 table reads its text through a view that adds the scope: "c" and the cohort's id,
# one token (board/services/search.py matches it in the scope column only).
SCOPED = (
    "CREATE VIEW board_search_fts_source AS "
    "SELECT id, title, body, 'c' || cohort_id AS scope FROM board_search",
    "CREATE VIRTUAL TABLE board_search_fts USING fts5(title, body, scope, "
    "content='board_search_fts_source', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER board_search_ai AFTER INSERT ON board_search BEGIN "
    "INSERT INTO board_search_fts(rowid, title, body, scope) "
    "VALUES (new.id, new.title, new.body, 'c' || new.cohort_id); END",
    "CREATE TRIGGER board_search_ad AFTER DELETE ON board_search BEGIN "
    "INSERT INTO board_search_fts(board_search_fts, rowid, title, body, scope) "
    "VALUES ('delete', old.id, old.title, old.body, 'c' || old.cohort_id); END",
    "CREATE TRIGGER board_search_au AFTER UPDATE ON board_search BEGIN "
    "INSERT INTO board_search_fts(board_search_fts, rowid, title, body, scope) "
    "VALUES ('delete', old.id, old.title, old.body, 'c' || old.cohort_id); "
    "INSERT INTO board_search_fts(rowid, title, body, scope) "
    "VALUES (new.id, new.title, new.body, 'c' || new.cohort_id); END",
    "INSERT INTO board_search_fts(board_search_fts) VALUES ('rebuild')",
)

# As the board's migration made it (72afb107fb5d).
UNSCOPED = (
    "CREATE VIRTUAL TABLE board_search_fts USING fts5(title, body, content='board_search', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER board_search_ai AFTER INSERT ON board_search BEGIN "
    "INSERT INTO board_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER board_search_ad AFTER DELETE ON board_search BEGIN "
    "INSERT INTO board_search_fts(board_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER board_search_au AFTER UPDATE ON board_search BEGIN "
    "INSERT INTO board_search_fts(board_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO board_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO board_search_fts(board_search_fts) VALUES ('rebuild')",
)


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's search reads the cohort's rows through their own index
    for statement in (*_DROP, *SCOPED):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in (*_DROP, "DROP VIEW IF EXISTS board_search_fts_source", *UNSCOPED):
        op.execute(statement)
