"""Full-text search over a cohort's threads, posts and resources, behind one function.

The services keep `board_search` up to date (one row per thread title, visible post and
approved resource; a hidden or deleted post leaves it). SQLite searches it through an FTS5
table (porter stemming, ranked by bm25, matches marked by snippet()); PostgreSQL through an
expression GIN index (English stemming, ranked by ts_rank, marked by ts_headline). A search
only ever reads the cohorts it is given, which the view limits to the searcher's own.
"""

import re
from dataclasses import dataclass
from html import escape

from sqlalchemy import bindparam, delete, select, text, update

from cohort.board.models import SearchEntry
from cohort.extensions import db

__all__ = ["index", "unindex", "retitle", "search", "SearchHit", "MAX_QUERY"]

MAX_QUERY = 200
PAGE_SIZE = 20
_START, _STOP = "\x02", "\x03"  # marks round a match, turned into <mark> after escaping
# PostgreSQL's ts_headline drops what looks like an HTML tag: < and > reach it as these.
_LT, _GT = "\x04", "\x05"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchHit:
    kind: str
    ref_id: int
    thread_id: int | None
    title: str
    snippet: str  # HTML: escaped text with <mark> round the matches


def index(cohort_id: int, kind: str, ref_id: int, title: str, body: str,
          thread_id: int | None = None) -> None:
    entry = db.session.execute(select(SearchEntry).where(
        SearchEntry.kind == kind, SearchEntry.ref_id == ref_id)).scalar_one_or_none()
    if entry is None:
        entry = SearchEntry(cohort_id=cohort_id, kind=kind, ref_id=ref_id)
        db.session.add(entry)
    entry.thread_id, entry.title, entry.body = thread_id, title[:200], body
    db.session.flush()


def unindex(kind: str, ref_id: int) -> None:
    db.session.execute(delete(SearchEntry).where(SearchEntry.kind == kind,
                                                 SearchEntry.ref_id == ref_id))


def retitle(thread_id: int, title: str) -> None:
    """A thread's new title, on its own entry and on its posts'."""
    db.session.execute(update(SearchEntry).where(SearchEntry.thread_id == thread_id)
                       .values(title=title[:200]))


def words(query: str) -> list[str]:
    return _WORD.findall(query or "")[:12]


def search(cohort_ids: list[int], query: str, page: int = 1) -> tuple[list[SearchHit], bool]:
    """The best matches first, PAGE_SIZE a page; and whether there are more."""
    terms = words(query)
    if not terms or not cohort_ids:
        return [], False
    offset = (max(1, page) - 1) * PAGE_SIZE
    if db.engine.dialect.name == "postgresql":
        rows = _postgresql(cohort_ids, " ".join(terms), offset)
    else:
        rows = _sqlite(cohort_ids, terms, offset)
    hits = [SearchHit(kind, ref_id, thread_id, title, _marked(snippet))
            for kind, ref_id, thread_id, title, snippet in rows[:PAGE_SIZE]]
    return hits, len(rows) > PAGE_SIZE


def _marked(snippet: str) -> str:
    snippet = (snippet or "").replace(_LT, "<").replace(_GT, ">")
    return escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>")


# The marks \x02 and \x03 (_START, _STOP) round each match. A title counts four times its
# text, on both databases (bm25's column weights; ts_rank's weights B and D). Nothing of a
# hidden thread is found: its title is in every entry of its posts.
_SQLITE = text(
    "SELECT s.kind, s.ref_id, s.thread_id, s.title, "
    "snippet(board_search_fts, -1, '\x02', '\x03', '…', 24) "
    "FROM board_search_fts JOIN board_search s ON s.id = board_search_fts.rowid "
    "WHERE board_search_fts MATCH :match AND s.cohort_id IN :cohorts "
    "AND NOT EXISTS (SELECT 1 FROM board_thread t WHERE t.id = s.thread_id "
    "AND t.hidden_at IS NOT NULL) "
    "ORDER BY bm25(board_search_fts, 4.0, 1.0), s.id DESC LIMIT :limit OFFSET :offset"
).bindparams(bindparam("cohorts", expanding=True))
_POSTGRESQL = text(
    "SELECT s.kind, s.ref_id, s.thread_id, s.title, "
    "ts_headline('english', translate(s.title || ' — ' || s.body, '<>', '\x04\x05'), q, "
    "'StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12, MaxFragments=2') "
    "FROM board_search s, plainto_tsquery('english', :query) q "
    "WHERE to_tsvector('english', s.title || ' ' || s.body) @@ q "
    "AND s.cohort_id IN :cohorts "
    "AND NOT EXISTS (SELECT 1 FROM board_thread t WHERE t.id = s.thread_id "
    "AND t.hidden_at IS NOT NULL) "
    "ORDER BY ts_rank(setweight(to_tsvector('english', s.title), 'B') "
    "|| setweight(to_tsvector('english', s.body), 'D'), q) DESC, s.id DESC "
    "LIMIT :limit OFFSET :offset"
).bindparams(bindparam("cohorts", expanding=True))


def _sqlite(cohort_ids: list[int], terms: list[str], offset: int) -> list:
    # Each word quoted (FTS5 syntax in a query is never the searcher's), the last a prefix.
    match = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
    return db.session.execute(_SQLITE, {"match": match.strip(), "cohorts": list(cohort_ids),
                                        "limit": PAGE_SIZE + 1, "offset": offset}).all()


def _postgresql(cohort_ids: list[int], query: str, offset: int) -> list:
    return db.session.execute(_POSTGRESQL, {"query": query, "cohorts": list(cohort_ids),
                                            "limit": PAGE_SIZE + 1, "offset": offset}).all()
