"""SQLite: an online copy through SQLite's backup API, in one read transaction, so it is the
database as it was at one moment while the app goes on writing (in WAL mode writers carry on
beside a reader); a restore copies a checked backup into the database in one write
transaction, so the database holds all of the backup or what it held before."""

import sqlite3
import struct
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from cohort.core.backup.files import NOTHING_CHANGED, BackupError, contents, only_revision

MAGIC = b"SQLite format 3\x00"


def own_files(live: Path) -> set[Path]:
    """The database's file and those SQLite keeps beside it."""
    return {Path(f"{live}{end}") for end in ("", "-wal", "-shm", "-journal")}


def dump(live: Path, temp: Path) -> tuple[str, dict[str, int]]:
    """Copy the database at `live` into the empty file `temp`; its revision and rows."""
    if not live.exists():
        raise BackupError(f"The database {live} does not exist: there is nothing to back up.")
    try:
        with closing(sqlite3.connect(live, timeout=30)) as source, \
                closing(sqlite3.connect(temp)) as copy:
            # Every page in one step: one read transaction, so the copy is the database as it
            # was at one moment, and writers carry on meanwhile.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            if problem := _problem(copy):
                raise BackupError(f"The copy fails SQLite's check ({problem}): the database "
                                  "itself may be damaged. No backup was written.")
    except sqlite3.Error as error:
        raise BackupError(f"The backup could not be written: {error}.") from None
    engine = create_engine(f"sqlite:///{temp}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return contents(conn)
    finally:
        engine.dispose()


def revision_of(path: Path, head: bytes) -> str:
    """The schema revision of the backup at `path` (whose first bytes are `head`), once it is
    known to be a whole, readable Cohort backup."""
    _check_length(path, head)
    try:
        with closing(_read_only(path)) as conn:
            if problem := _problem(conn):
                raise BackupError(f"{path} is damaged: SQLite's check says {problem}. "
                                  f"{NOTHING_CHANGED}")
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'alembic_version'").fetchone() is None:
                raise BackupError(f"{path} is a SQLite database but not a Cohort backup: it "
                                  "has no alembic_version table.")
            found = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error as error:
        raise BackupError(f"{path} is damaged or is not a Cohort backup: {error}. "
                          f"{NOTHING_CHANGED}") from None
    return only_revision(path, found)


def load(path: Path, live: Path) -> None:
    """Replace the database at `live` with the backup at `path`, all of it or nothing.
    Refused while another process has the database open (a web server's connections)."""
    try:
        with closing(_read_only(path)) as source, \
                closing(sqlite3.connect(live, timeout=2)) as target:
            # Leaving WAL mode needs the database to itself: another process's connection,
            # even idle, keeps it, which is how a web server still serving it is told.
            try:
                left = target.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            except sqlite3.OperationalError:
                left = None
            if left != "delete":
                raise BackupError(f"The database {live} is in use by another process (a web "
                                  "server or a command still running): stop it, then restore. "
                                  f"{NOTHING_CHANGED}")
            # Every page in one step, so in one write transaction of the target: a failure
            # part-way, or a crash, leaves it as it was (its rollback journal undoes it).
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"The restore failed: {error}. {NOTHING_CHANGED}") from None


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _check_length(path: Path, head: bytes) -> None:
    """A file shorter than its header says has lost its end (a copy cut short)."""
    if len(head) < 100:
        raise BackupError(f"{path} is truncated: it ends inside SQLite's header. "
                          f"{NOTHING_CHANGED}")
    page_size, = struct.unpack(">H", head[16:18])
    counter, pages, valid_for = (struct.unpack(">I", head[at:at + 4])[0] for at in (24, 28, 92))
    expected = (65536 if page_size == 1 else page_size) * pages
    size = path.stat().st_size
    if counter == valid_for and size < expected:
        raise BackupError(f"{path} is truncated: it holds {size} bytes where its header says "
                          f"{expected}. {NOTHING_CHANGED}")


def _problem(conn: sqlite3.Connection) -> str | None:
    """The first thing SQLite's check of every page finds wrong, or None."""
    found = [row[0] for row in conn.execute("PRAGMA quick_check")]
    return None if found == ["ok"] else found[0]
