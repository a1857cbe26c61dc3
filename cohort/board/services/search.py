"""Full-text search over a cohort's threads, posts and resources, behind one function.

The services keep `board_search` up to date (one row per thread title, visible post and
approved resource; a hidden or deleted post leaves it). SQLite searches it through an FTS5
table (porter stemming, matches marked by snippet()); PostgreSQL through a stored, weighted
text vector with a GIN index (English stemming, ranked by ts_rank, marked by ts_headline). On
both, every word asked for must be there, in any of its forms (a plural finds a singular), and
a match in the title counts four times one in the text. Only the most recent matches
(BOARD_SEARCH_RANKED) are ranked, and only the page's rows are marked. A search only ever
reads the cohorts it is given, which the view limits to the searcher's own.
"""

import re
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, delete, select, text, update

from cohort.board.models import SearchEntry
from cohort.core.pages import Page, fetch_page
from cohort.extensions import db

__all__ = ["index", "unindex", "retitle", "search", "search_page", "SearchHit", "Found", "MAX_QUERY",
           "MAX_WORDS", "words"]

MAX_QUERY = 200
MAX_WORDS = 12  # every word asked for must be found: the search form refuses more
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
    """The words of a query, as the search reads them (it reads the first MAX_WORDS; the
    search form refuses a query of more)."""
    return _WORD.findall(query or "")


class Found(NamedTuple):
    hits: list[SearchHit]
    more: bool  # another page follows
    limited: int | None  # how many matches were ranked, when there were more than that


def search(cohort_ids: list[int], query: str, page: str | int | None = 1) -> Found:
    """The hits of one page (see search_page), as a tuple."""
    found, limited = search_page(cohort_ids, query, page)
    return Found(found.items, found.has_next, limited)


def search_page(cohort_ids: list[int], query: str, raw_page: str | int | None
                ) -> tuple[Page, int | None]:
    """The best matches first, PAGE_SIZE a page of SearchHit. Only the BOARD_SEARCH_RANKED
    most recent matches are ranked, so a common word costs no more than a rare one: the
    second value is that number when there were more matches, else None. The matches are not
    counted: the page fetches one more, which tells whether another page follows."""
    terms = words(query)[:MAX_WORDS]
    bound = current_app.config["BOARD_SEARCH_RANKED"]
    values = {"cohorts": list(cohort_ids), "over": bound + 1, "bound": bound}

    def fetch(limit: int, offset: int) -> list:
        if not terms or not cohort_ids:
            return []
        if db.engine.dialect.name == "postgresql":
            return db.session.execute(_POSTGRESQL, {
                **values, "limit": limit, "offset": offset, "query": " ".join(terms)}).all()
        return _sqlite(terms, {**values, "limit": limit, "offset": offset})

    page = fetch_page(fetch, raw_page, PAGE_SIZE)
    found = page.items[0][-1] if page.items else 0
    page.items = [SearchHit(kind, ref_id, thread_id, title, _marked(snippet))
                  for kind, ref_id, thread_id, title, snippet, _found in page.items]
    return page, bound if found > bound else None


def _marked(snippet: str) -> str:
    snippet = (snippet or "").replace(_LT, "<").replace(_GT, ">")
    return escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>")


# The marks \x02 and \x03 (_START, _STOP) round each match. A title counts four times its
# text, on both databases (ts_rank's weights A and B on PostgreSQL; on SQLite, each entry's
# matches in the title and the text, as FTS5's highlight() marks them). Nothing of a hidden
# thread is found: its title is in every entry of its posts. `recent` takes the matches newest
# first, one more than are ranked (to tell whether there were more); `kept` ranks `bound` of
# them; only the page's rows get a snippet.
# On SQLite the match names the cohorts searched in the FTS5 table's scope column, so FTS5
# reads only their entries: a common word's list of matches across a site of a thousand
# cohorts is never walked, and no rank needs the whole site's statistics (bm25 counted every
# entry holding each word on every search). The snippets are a second statement, in which
# `+rowid` keeps FTS5 to one pass over the matches (a rowid list it would take as one lookup
# per id, each reading the word's whole list again). On PostgreSQL the hidden threads are a
# list the planner can weigh: for a common word it walks the newest entries backwards and
# stops at `over`, for a rare one it takes the GIN index.
_SQLITE_RANKED = text(
    "WITH recent AS (SELECT s.id AS id, "
    "highlight(board_search_fts, 0, char(2), char(3)) AS in_title, "
    "highlight(board_search_fts, 1, char(2), char(3)) AS in_text "
    "FROM board_search_fts JOIN board_search s ON s.id = board_search_fts.rowid "
    "WHERE board_search_fts MATCH :match AND s.cohort_id IN :cohorts "
    "AND NOT EXISTS (SELECT 1 FROM board_thread t WHERE t.id = s.thread_id "
    "AND t.hidden_at IS NOT NULL) "
    "ORDER BY board_search_fts.rowid DESC LIMIT :over), "
    "kept AS (SELECT id, 4 * (length(in_title) - length(replace(in_title, char(2), ''))) "
    "+ (length(in_text) - length(replace(in_text, char(2), ''))) AS hits "
    "FROM recent ORDER BY id DESC LIMIT :bound) "
    "SELECT id, (SELECT count(*) FROM recent) FROM kept ORDER BY hits DESC, id DESC "
    "LIMIT :limit OFFSET :offset"
).bindparams(bindparam("cohorts", expanding=True))
_SQLITE_SNIPPETS = text(
    "SELECT s.id, s.kind, s.ref_id, s.thread_id, s.title, "
    "snippet(board_search_fts, -1, '\x02', '\x03', '…', 24) "
    "FROM board_search_fts JOIN board_search s ON s.id = board_search_fts.rowid "
    "WHERE board_search_fts MATCH :match AND +board_search_fts.rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))
_POSTGRESQL = text(
    "WITH recent AS (SELECT s.id FROM board_search s "
    "WHERE s.search_vector @@ plainto_tsquery('english', :query) AND s.cohort_id IN :cohorts "
    "AND (s.thread_id IS NULL OR s.thread_id NOT IN (SELECT t.id FROM board_thread t "
    "WHERE t.hidden_at IS NOT NULL)) "
    "ORDER BY s.id DESC LIMIT :over), "
    "kept AS (SELECT s.id, ts_rank('{0.1, 0.2, 0.25, 1.0}', s.search_vector, "
    "plainto_tsquery('english', :query)) AS rank "
    "FROM (SELECT id FROM recent ORDER BY id DESC LIMIT :bound) r "
    "JOIN board_search s ON s.id = r.id), "
    "page AS (SELECT id, rank FROM kept ORDER BY rank DESC, id DESC "
    "LIMIT :limit OFFSET :offset) "
    "SELECT s.kind, s.ref_id, s.thread_id, s.title, "
    "ts_headline('english', translate(s.title || ' — ' || s.body, '<>', '\x04\x05'), "
    "plainto_tsquery('english', :query), "
    "'StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12, MaxFragments=2'), "
    "(SELECT count(*) FROM recent) "
    "FROM page JOIN board_search s ON s.id = page.id ORDER BY page.rank DESC, page.id DESC"
).bindparams(bindparam("cohorts", expanding=True))


def _sqlite(terms: list[str], values: dict) -> list:
    # Each word quoted (FTS5 syntax in a query is never the searcher's), in the title and text
    # only; the cohorts in the scope column. The snippet is the title's or the text's: a scope
    # column's one match never scores above a column holding a word asked for, and on a tie
    # snippet() keeps the earlier column.
    words_only = "{title body} : (" + " ".join(f'"{t}"' for t in terms) + ")"
    scope = "scope : (" + " OR ".join(f"c{cohort_id}" for cohort_id in values["cohorts"]) + ")"
    match = f"{scope} AND {words_only}"
    ranked = db.session.execute(_SQLITE_RANKED, {**values, "match": match}).all()
    if not ranked:
        return []
    found = ranked[0][1]
    entries = {row[0]: row[1:] for row in db.session.execute(
        _SQLITE_SNIPPETS, {"match": match, "ids": [entry_id for entry_id, _ in ranked]})}
    return [(*entries[entry_id], found) for entry_id, _ in ranked if entry_id in entries]
