"""The database edge: engine settings (SQLite in WAL mode with a busy timeout and foreign keys
on, BEGIN IMMEDIATE for writers) and commit(), which only the edges call."""

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from flask import Flask, has_request_context, request
from sqlalchemy import bindparam, event, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from cohort.core import outbox
from cohort.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE_INTENT: ContextVar[bool] = ContextVar("cohort_write_intent", default=False)
_READ_FIRST: ContextVar[bool] = ContextVar("cohort_read_first", default=False)


class _WriterQueue:
    """Writers of this process, in turn. SQLite admits one writer at a time and wakes the
    others by polling, so among many threads (the development server, a crowd of sign-ins) one
    waiter can miss its turn for seconds; here they queue first and go in order. Other
    processes still meet at SQLite's busy timeout."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._taken = False
        self._holder: int | None = None

    def enter(self, timeout: float) -> bool:
        """Wait for this thread's turn (True), or give up after `timeout` (False). A thread
        that holds the turn already does not queue behind itself (False: SQLite decides)."""
        me = threading.get_ident()
        with self._guard:
            if self._taken and self._holder == me:
                return False
            if not self._taken:
                self._taken, self._holder = True, me
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            self._holder = me
            return True
        with self._guard:
            if turn.is_set():
                self._holder = me
                return True
            self._waiting.remove(turn)
            return False

    def leave(self) -> None:
        with self._guard:
            self._holder = None
            if self._waiting:
                self._waiting.popleft().set()  # the turn passes straight to the next
            else:
                self._taken = False


_WRITERS = _WriterQueue()
_WRITER_KEY = "cohort_writer"


def _writer_done(conn) -> None:
    try:
        info = conn.info
    except SQLAlchemyError:
        return  # an invalidated connection: its pool record's "invalidate" gave the turn back
    if info.pop(_WRITER_KEY, False):
        _WRITERS.leave()


def _writer_reset(dbapi_connection, connection_record, reset_state) -> None:
    """A connection back in the pool with its transaction still open gives the turn back."""
    if connection_record is not None and connection_record.info.pop(_WRITER_KEY, False):
        _WRITERS.leave()


def _writer_invalidated(dbapi_connection, connection_record, exception) -> None:
    _writer_reset(dbapi_connection, connection_record, None)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgresql_settings(dbapi_connection, _record) -> None:
    """No JIT compilation: the app's statements are short, and where PostgreSQL estimates one
    as long (a union of many small reads) it spends longer compiling it than running it."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.commit()  # kept for the connection's life, not rolled back with its first


def init_app(app: Flask) -> None:
    app.teardown_request(lambda _error: _READ_FIRST.set(False))
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgresql_settings)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            # Let SQLAlchemy, not the driver, open transactions, so BEGIN IMMEDIATE can be used
            # where a write must not race (see write_intent below).
            event.listen(engine, "connect", _disable_pysqlite_begin)
            event.listen(engine, "begin", _emit_begin)
            event.listen(engine, "commit", _writer_done)
            event.listen(engine, "rollback", _writer_done)
            event.listen(engine, "reset", _writer_reset)
            event.listen(engine, "invalidate", _writer_invalidated)


def _disable_pysqlite_begin(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _emit_begin(conn) -> None:
    mode = conn.info.pop("sqlite_begin", None)
    if mode is None and _READ_FIRST.get():
        _READ_FIRST.set(False)  # this transaction only reads; the next one may write
        mode = "DEFERRED"
    if mode is None:
        # In WAL mode a transaction that has read cannot write once another connection has
        # committed ("database is locked", with no wait), so a request that may write takes
        # the write lock with its first statement and waits its turn instead.
        writing = _WRITE_INTENT.get() or (
            has_request_context() and request.method not in SAFE_METHODS
        )
        mode = "IMMEDIATE" if writing else "DEFERRED"
    if mode == "IMMEDIATE" and _WRITERS.enter(timeout=30):
        conn.info[_WRITER_KEY] = True
    conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside the block take SQLite's write lock first, as a state-changing
    request's do: for a job, a command or a test thread that writes outside a request. Enter
    it before the session's first statement. No effect on other engines."""
    token = _WRITE_INTENT.set(True)
    try:
        yield
    finally:
        _WRITE_INTENT.reset(token)


def commit() -> None:
    """Commit the work of a request, a job or a command, then deliver the mail it queued."""
    db.session.commit()
    outbox.send_committed()


_WROTE = "cohort_wrote"
_KEPT = "cohort_kept"


@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    session.info[_WROTE] = True
    session.info.pop(_KEPT, None)


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True
        state.session.info.pop(_KEPT, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(_KEPT, None)


@event.listens_for(Session, "after_transaction_create")
def _began(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEPT, None)


def kept(name: str) -> dict:
    """A dict in which a read keeps what it found under `name`, so that another part of the
    same page asking the same is answered without a statement (the home's reasons from two
    modules both ask where the person's places stand). Emptied as soon as the session flushes
    or writes, and when a transaction begins or ends: what it holds is never older than the
    transaction's own reads. Whoever reads from it must not change what it holds."""
    return db.session().info.setdefault(_KEPT, {}).setdefault(name, {})


def kept_by(name: str, keys: Iterable, read: Callable[[list], dict]) -> dict:
    """What was found for each of `keys`, kept under `name` (see kept) and read at most once a
    transaction: `read` is called, when any key is missing, with the keys not yet kept, and
    returns {key: what was found} for each of them. The dict returned holds at least `keys`;
    read it, do not change it."""
    known = kept(name)
    missing = [key for key in dict.fromkeys(keys) if key not in known]
    if missing:
        known.update(read(missing))
    return known


def read_before_write() -> None:
    """The transaction the next statement begins will only read, and end with end_read()
    before anything is written: on SQLite it takes no write lock, so a crowd of such requests
    (sign-ins) reads side by side. Call it before the session's first statement."""
    _READ_FIRST.set(True)


def end_read() -> None:
    """End the current transaction if it has only read, so that slow work which follows (a
    password hash) holds no database lock (SQLite's write lock is taken at a writing request's
    first statement); the next statement begins a new transaction, and objects loaded so far
    are reloaded when next used. Once anything was written it does nothing."""
    session = db.session()  # the request's own Session, not the scoped proxy
    wrote = session.info.get(_WROTE) or session.new or session.dirty or session.deleted
    if session.in_transaction() and not wrote:
        session.rollback()


@contextmanager
def read_apart() -> Iterator[None]:
    """What the block reads is read in a transaction of its own, ended with the block, when
    none is open and the database is SQLite: it takes no write lock, so the writes after it
    (begun afresh, as a sweep's pieces of work are: core/turns.py) hold the lock only while
    they write. Inside an open transaction, or on another engine, the block just runs."""
    apart = not db.session().in_transaction() and db.engine.dialect.name == "sqlite"
    if apart:
        read_before_write()
    try:
        yield
    finally:
        if apart:
            end_read()


def commit_bookkeeping(note: Callable[[], object] | None = None) -> tuple[bool, object]:
    """Commit what a page that only reads has noted (a session's idle clock, how far a member
    has read), after calling `note` to note it: (True, what `note` returned). When the
    database is busy, drop it instead and return (False, None): the next request notes it
    again (as `attempt` gives a form's action)."""
    session = db.session()
    noted = None
    try:
        if note is not None:
            noted = note()
        if not (session.new or session.dirty or session.deleted or session.info.get(_WROTE)):
            return True, noted  # nothing noted (a look within the minute): nothing to commit
        # What the page has read stays loaded: expiring it would read each object again.
        expiring, session.expire_on_commit = session.expire_on_commit, False
        try:
            commit()
        finally:
            session.expire_on_commit = expiring
    except OperationalError:
        db.session.rollback()
        return False, None
    return True, noted


def prepared(build: Callable[..., object]) -> Callable[..., object]:
    """A statement built once per process and reused: `build()` makes it with `bindparam`s
    for what varies (`expanding=True` for a list), and each caller passes the values:

        @prepared
        def _unread():
            return select(func.count(Notice.id)).where(Notice.user_id == bindparam("user"))

        db.session.execute(_unread(), {"user": user.id})

    SQLAlchemy compiles a statement once and finds it again by its cache key, but building
    the statement and working out that key is Python work on every call, most of a short
    query's time (a few hundred microseconds each); a statement built once keeps its key.
    Built on first use, when every model is mapped. For statements on the pages everyone
    opens. A statement whose shape depends on a number (an `OR` over a person's cohorts) is
    built once for each: `build(n)` names its parameters `cohort0`, `cohort1`, ...; one with
    a few shapes, once for each (`build(kind, moderator)`: the board's list); one whose
    shape depends on the values themselves stays built where it is used."""
    return cache(build)


def get(model, key):
    """`db.session.get(model, key)` for the look-ups every page makes (the sign-in session, a
    loader's object by id): the object already in the session, else one statement by primary
    key built once per model. session.get builds its statement on each call, as long as the
    look-up itself. A composite key is a tuple, in the order of the model's primary key."""
    session = db.session()
    values = key if isinstance(key, tuple) else (key,)
    found = session.identity_map.get(inspect(model).identity_key_from_primary_key(values))
    if found is not None and not inspect(found).expired:
        return found
    # Not loaded, or expired by a commit: read it (again), None if it has gone meanwhile.
    return session.execute(_by_key(model), {f"key{i}": value for i, value in enumerate(values)}
                           ).scalar_one_or_none()


@cache
def _by_key(model):
    columns = inspect(model).primary_key
    return select(model).where(*(column == bindparam(f"key{i}")
                                 for i, column in enumerate(columns)))


def contains(column, text: str):
    """A condition: the column holds `text`, in any case, with `%`, `_` and `\\` taken as
    themselves rather than as wildcards (a search for "50%" finds "50%")."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace(
        "_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")
