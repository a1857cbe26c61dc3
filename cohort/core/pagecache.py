"""The page cache: a key page a person opens again, while nothing it read has changed and the
minute has not turned, is sent as it was rendered, without reading or rendering it again.

How it stays true, on one host or many:

- Every statement the engine runs is noted by the tables its text names: those a transaction
  writes, and, while a kept page is being made, those it reads.
- A transaction that wrote a table writes, as it commits and inside the same transaction, a
  new random number for that table in `page_version`. Every worker, host, the scheduler and the
  commands write the same rows, so a page kept by one worker is let go when anyone changes a
  table it read. Numbers are random, not counted up, so a database restored from a backup
  never meets a page kept for a later state under the same numbers.
- A request for a kept page reads `page_version` with its first statement, before its
  sign-in and its objects: the numbers of the tables the page kept for it read, when there is
  one (sent again if each is the same), else every table's. On PostgreSQL each statement sees
  what was committed before it, so what a page made now reads is never older than the
  numbers it is kept under; on SQLite the whole request reads one snapshot.
- Some tables are read only by their own people's pages (a model's `__page_owner__`: a
  person's notices, read marks, board visits). A row of one written through the ORM gets a
  number for its person alone (`~notice:17`), so someone reading the board, or being told of
  a reply, lets their own pages go and no one else's; a statement that writes such a table
  in bulk gives the whole table a new number.
- A page is kept for one browser's sign-in (the session's token and its CSRF token), its full
  address and the current minute (UTC), so what it says about the time (what is next, what is
  overdue, "2 minutes ago") is at most a minute old. It is sent again only while the number of
  each table it read is the one it was made with.
- Not kept: a page with a message to show (a flash), anything but a 200 HTML page, a
  response that sets a cookie or changes the browser's session.

A hit still signs the person in (their session must be alive: signing out, or being signed
out, ends it at once) and reads where that person's own rows stand, then skips the route's
objects, rules and rendering, which were checked with the same data. Each process keeps its
own pages (cohort/core/pagestore.py), compressed, least recently used first out, up to
PAGE_CACHE_MB (0 turns the cache off).

Views opt in with `@cached` above their `@guard`: the pages people open most, whose content
comes from the database, the person, the address and the time alone.
"""

import re
import secrets
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import lru_cache, wraps

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cohort.core.database import prepared
from cohort.core.models import PageVersion
from cohort.core.pagestore import Page, Store
from cohort.core.timeutil import utcnow
from cohort.extensions import db

# Tables whose writes change no kept page: the sign-in's idle clock (a session that ended is
# refused before the cache is asked), the scheduler's heartbeat, and these numbers themselves.
UNTRACKED = frozenset({"user_session", "scheduler_beat", "page_version"})
# Columns no kept page shows, whose change alone (a sign-in's bookkeeping) lets no page go.
QUIET = {"user": frozenset({"last_login_at", "session_token", "password_hash"})}
# Tables SQLite changes through triggers, named by what they mirror.
MIRRORS = {"board_search_fts": "board_search"}

_READING: ContextVar[set | None] = ContextVar("cohort_page_reading", default=None)
# The tables being written, during a flush, whose every row written has a known person.
_COVERED: ContextVar[frozenset] = ContextVar("cohort_page_covered", default=frozenset())
# Tables only their rows' own people's pages read (a model's `__page_owner__`: the attribute
# giving that person's id), so a row written lets that person's pages alone go.
_OWNED: dict[str, str] = {}
_PAUSED: ContextVar[bool] = ContextVar("cohort_page_paused", default=False)
# Whether each engine's database has the page_version table, once looked at (not yet, or no
# longer, while it is being migrated): without it nothing is written or kept.
_PRESENT: "weakref.WeakKeyDictionary[Engine, bool]" = weakref.WeakKeyDictionary()
_WRITTEN = "cohort_page_written"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|REPLACE|ALTER|DROP|CREATE)\b", re.IGNORECASE)
_KNOWN: dict[str, str] = {}
_UPDATE = re.compile(r'UPDATE\s+"?(\w+)"?\s+SET\s+(.*?)\s+WHERE\s', re.IGNORECASE | re.DOTALL)
_ASSIGNED = re.compile(r'(?:^|,)\s*"?(\w+)"?\s*=')


def cached(view: Callable) -> Callable:
    """A view whose page the cache may keep (see above), above its `@guard`: a person signed
    in is sent the page kept for them when it is still true, before the route's objects load;
    else the view (its guard first) answers, and its page is kept."""

    @wraps(view)
    def cached_view(**arguments):
        page = g.pop("page_hit", None)
        if current_user.is_authenticated:  # the browser's sign-in is alive
            if page is not None:
                return page.response()  # made for this sign-in, from the same data, this minute
            _note_own_numbers()
        return _kept(view(**arguments))

    cached_view.cached = True
    return cached_view


@lru_cache(maxsize=4096)
def _tables(statement: str) -> tuple[bool, frozenset[str]]:
    """Whether a statement may write, and the tables its text names."""
    head = statement.lstrip()[:6].upper()
    names = frozenset(_KNOWN[word] for word in _WORD.findall(statement) if word in _KNOWN)
    if head.startswith(("SELECT", "BEGIN", "PRAGMA", "SAVEPO", "RELEAS", "ROLLBA", "COMMIT",
                        "SET ", "SHOW")):
        return False, names
    if head == "UPDATE" and (update := _UPDATE.match(statement.lstrip())) is not None:
        table, assignments = update.groups()
        columns = set(_ASSIGNED.findall(assignments))
        if table in QUIET and columns and columns <= QUIET[table] \
                and "SELECT" not in assignments.upper():
            return False, names
    return bool(_WRITES.search(statement)), names


def _noted(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    if _PAUSED.get():
        return
    writes, names = _tables(statement)
    if writes and names:
        conn.info.setdefault(_WRITTEN, set()).update(names - _COVERED.get())
    reading = _READING.get()
    if reading is not None:
        reading.update(names)


def _bump(conn) -> None:
    """A transaction that wrote tables gives each a new number, as it commits. Through the
    driver's own cursor, inside the transaction being committed: one statement, the tables in
    one order, so two writers never wait on each other's rows in turn."""
    written = conn.info.pop(_WRITTEN, None)
    names = sorted((written or set()) - UNTRACKED)
    if names and _present(conn.engine, conn.connection.dbapi_connection):
        _renew(conn.connection.dbapi_connection, conn.dialect.paramstyle, names)


def _present(engine: Engine, dbapi_connection) -> bool:
    """Whether the database has page_version, looked at once through the connection at hand
    (no connection of its own, so an app made for a database that does not exist yet, as
    a backup's check is, creates nothing)."""
    present = _PRESENT.get(engine)
    if present is None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                           "'page_version'" if engine.dialect.name == "sqlite" else
                           "SELECT count(*) FROM (SELECT to_regclass('page_version') AS t) AS r "
                           "WHERE t IS NOT NULL")
            present = cursor.fetchone()[0] > 0
        finally:
            cursor.close()
        _PRESENT[engine] = present
    return present


def _renew(dbapi_connection, paramstyle: str, names: list[str]) -> None:
    mark = "?" if paramstyle == "qmark" else "%s"
    rows = ", ".join([f"({mark}, {mark})"] * len(names))  # placeholders only: names are bound
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(
            f"INSERT INTO page_version (name, n) VALUES {rows} "  # noqa: S608
            "ON CONFLICT (name) DO UPDATE SET n = excluded.n",
            [value for name in names for value in (name, secrets.randbits(62))])
    finally:
        cursor.close()


def _owner_name(table: str, owner) -> str:
    """The number of one person's rows of an owned table: after every table's name ("~"
    sorts after letters), so the tables' own numbers are read as one range of the index."""
    return f"~{table}:{owner}"


@event.listens_for(Session, "before_flush")
def _flushing(session, _context, _instances) -> None:
    """Rows of owned tables about to be written are noted for their people alone; a table
    with a row whose person is not known is noted whole, by its statements."""
    if _PAUSED.get() or not _OWNED:
        return
    people: dict[str, set] = {}
    for row in (*session.new, *session.dirty, *session.deleted):
        table = getattr(row, "__tablename__", None)
        if table in _OWNED:
            owner = getattr(row, _OWNED[table], None)
            if people.get(table, set()) is not None:
                people[table] = None if owner is None else people.get(table, set()) | {owner}
    known = {table: owners for table, owners in people.items() if owners is not None}
    if known:
        session.connection().info.setdefault(_WRITTEN, set()).update(
            _owner_name(table, owner) for table, owners in known.items() for owner in owners)
    _COVERED.set(frozenset(known))


@event.listens_for(Session, "after_flush_postexec")
def _flushed(_session, _context) -> None:
    _COVERED.set(frozenset())


@event.listens_for(Session, "after_soft_rollback")
def _flush_failed(_session, _previous_transaction) -> None:
    """A flush that failed rolls back: what it covered is let go, so no later write of the
    table is taken for one person's."""
    _COVERED.set(frozenset())


def _forget(conn) -> None:
    # An invalidated connection has no info: its pool record's "reset" lets the note go.
    with suppress(SQLAlchemyError):
        conn.info.pop(_WRITTEN, None)


def _forget_returned(_dbapi_connection, record, _reset_state) -> None:
    if record is not None:
        record.info.pop(_WRITTEN, None)


@prepared
def _all_versions():
    return select(PageVersion.name, PageVersion.n).where(PageVersion.name < "~")


@prepared
def _versions_of():
    return select(PageVersion.name, PageVersion.n).where(
        PageVersion.name.in_(bindparam("names", expanding=True)))


def _store() -> Store | None:
    return current_app.extensions.get("cohort_page_cache")


def _start() -> None:
    """A GET of a kept page looks for the page kept for this browser, address and minute, and
    reads where the tables it read stand, first of all: when each is the same, the page is
    sent again once the sign-in is checked. Else it reads where every table stands, and notes
    what the page made now reads."""
    _READING.set(None)
    if request.method != "GET" or _store() is None or "_user_id" not in session:
        return  # only a signed-in browser's pages are kept
    if not getattr(current_app.view_functions.get(request.endpoint), "cached", False):
        return
    if session.get("_flashes"):
        return  # a message to show: the page is made now, and not kept
    if not _present(db.engine, db.session.connection().connection.dbapi_connection):
        return
    minute = utcnow().replace(second=0, microsecond=0)
    g.page_key = (session.get("_user_id"), session.get("csrf_token"), request.url, minute)
    page = _store().get(g.page_key)
    if page is not None:
        now = dict(db.session.execute(_versions_of(), {"names": [
            name for name, _ in page.versions]}).tuples().all())
        if all(now.get(name, 0) == n for name, n in page.versions):
            g.page_hit = page
            return
    g.page_versions = dict(db.session.execute(_all_versions()).tuples().all())
    _READING.set(set())


def _note_own_numbers() -> None:
    """Where the signed-in person's own rows stand (see _OWNED), read now that the sign-in
    is known, before the page reads them."""
    versions = g.get("page_versions")
    if versions is not None and _OWNED:
        versions.update(db.session.execute(_versions_of(), {"names": [
            _owner_name(table, current_user.id) for table in sorted(_OWNED)]}).tuples().all())


def _kept(rv):
    """The view's answer as a response, kept for next time when it may be."""
    response = current_app.make_response(rv)
    versions, reading = g.pop("page_versions", None), _READING.get()
    _READING.set(None)
    if (versions is None or reading is None or "page_key" not in g
            or response.status_code != 200
            or response.mimetype != "text/html" or response.direct_passthrough
            or response.is_streamed or "Set-Cookie" in response.headers
            or session.modified or session.get("_flashes")):
        return response
    tables = reading - UNTRACKED
    names = sorted(tables | {_owner_name(table, current_user.id) for table in tables & _OWNED.keys()})
    page = Page.of(response, tuple((name, versions.get(name, 0)) for name in names))
    _store().put(g.page_key, page)
    return page.sent_as(response)


@contextmanager
def migrating(engine: Engine) -> Iterator[None]:
    """Around a migration: nothing is noted while the schema changes (page_version may not
    exist yet, or be dropped); afterwards every table gets a new number, so no page kept
    before the migration is sent again."""
    _PRESENT.pop(engine, None)
    token = _PAUSED.set(True)
    try:
        yield
    finally:
        _PAUSED.reset(token)
        _PRESENT.pop(engine, None)
    token = _PAUSED.set(True)
    try:
        with engine.begin() as conn:
            dbapi_connection = conn.connection.dbapi_connection
            if _present(engine, dbapi_connection):
                _renew(dbapi_connection, engine.dialect.paramstyle,
                       sorted(set(_KNOWN.values()) - UNTRACKED))
    finally:
        _PAUSED.reset(token)


def init_app(app: Flask) -> None:
    budget = int(app.config.get("PAGE_CACHE_MB", 32) * 2**20)
    if budget > 0:
        app.extensions["cohort_page_cache"] = Store(budget)
    with app.app_context():
        engine: Engine = db.engine
        if not _KNOWN:
            _KNOWN.update({name: name for name in db.metadata.tables})
            _KNOWN.update(MIRRORS)
            _OWNED.update({mapper.local_table.name: mapper.class_.__page_owner__
                           for mapper in db.Model.registry.mappers
                           if getattr(mapper.class_, "__page_owner__", None)})
        if engine.dialect.paramstyle not in ("qmark", "format", "pyformat"):
            raise RuntimeError(f"the page cache cannot write with {engine.dialect.paramstyle}")
        event.listen(engine, "before_cursor_execute", _noted)
        # Before the SQLite writers' queue hands the turn on: the numbers are part of the write.
        event.listen(engine, "commit", _bump, insert=True)
        event.listen(engine, "rollback", _forget)
        event.listen(engine, "reset", _forget_returned)
    app.before_request(_start)
    app.teardown_request(_end)


def _end(_error) -> None:
    _READING.set(None)
    _COVERED.set(frozenset())
