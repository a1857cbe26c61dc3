"""Backups of the whole database and their restore (`flask cohort backup` and `restore`):
SQLite through its backup API (sqlite.py), PostgreSQL through pg_dump and pg_restore
(postgresql.py). Uploaded files live in the database (board attachments, session materials),
so a backup holds them too."""

import os
from pathlib import Path

from sqlalchemy.engine import Engine

from cohort.core.backup import postgresql, sqlite
from cohort.core.backup.files import (
    NOTHING_CHANGED,
    BackupError,
    BackupFile,
    Summary,
    contents,
    destination,
    header,
    revisions,
    sync,
    temporary_beside,
)
from cohort.core.scheduler import leader_lock
from cohort.extensions import db

__all__ = ["BackupError", "BackupFile", "Summary", "backup", "database_name", "read_backup",
           "restore"]


def database_name() -> str:
    """The configured database as it may be shown: a SQLite file, or a URL without its
    password."""
    if db.engine.dialect.name == "sqlite":
        return str(db.engine.url.database)
    return db.engine.url.render_as_string(hide_password=True)


def backup(target: str | Path, force: bool = False) -> Summary:
    """Write a consistent copy of the configured database to `target` while the app serves:
    first to a temporary file beside it, renamed into place once complete, so `target` is
    never a partial copy. Refuses an existing `target` unless `force`. Raises BackupError."""
    engine = db.engine
    kind = _kind(engine)
    itself = sqlite.own_files(_live_file(engine)) if kind == "sqlite" else set()
    path = destination(Path(target).expanduser(), force, itself)
    with temporary_beside(path) as temp:
        if kind == "sqlite":
            revision, rows = sqlite.dump(_live_file(engine), temp)
        else:
            revision, rows = postgresql.dump(engine, temp)
        sync(temp)
        os.replace(temp, path)
    sync(path.parent)
    return Summary(str(path), path.stat().st_size, revision, rows)


def read_backup(source: str | Path) -> BackupFile:
    """Check that `source` is a backup of Cohort's database that this code can restore into
    the configured database: of the database's kind, whole, at a schema revision this code
    knows. Changes nothing; raises BackupError."""
    engine = db.engine
    kind = _kind(engine)
    path = Path(source).expanduser().resolve()
    if kind == "sqlite" and path in sqlite.own_files(_live_file(engine)):
        # Refused before it is opened: closing another handle on a database file drops the
        # locks this process's SQLite connections hold on it.
        raise BackupError(f"{path} is the configured database itself, not a backup.")
    head = header(path)
    if kind == "sqlite":
        if head.startswith(postgresql.MAGIC):
            raise BackupError(f"{path} is a PostgreSQL backup (pg_dump's custom format), and "
                              "the configured database is SQLite.")
        if not head.startswith(sqlite.MAGIC):
            raise BackupError(f"{path} is not a Cohort backup: it is not a SQLite database.")
        revision = sqlite.revision_of(path, head)
    else:
        if head.startswith(sqlite.MAGIC):
            raise BackupError(f"{path} is a SQLite backup, and the configured database is "
                              "PostgreSQL.")
        if not head.startswith(postgresql.MAGIC):
            raise BackupError(f"{path} is not a Cohort backup: it is not in pg_dump's custom "
                              "format (a plain SQL dump is restored with psql).")
        revision = postgresql.revision_of(path)
    known, heads = revisions()
    if revision not in known:
        raise BackupError(f"{path} was made by a newer version of Cohort: its schema is at "
                          f"revision {revision}, which this code does not know. Restore it with "
                          f"the version that made it. {NOTHING_CHANGED}")
    return BackupFile(path, kind, revision, behind=revision not in heads)


def restore(backup_file: BackupFile) -> Summary:
    """Replace everything in the configured database with the backup read_backup() checked:
    all of it or, on any failure, nothing. Refused while a scheduler runs (a restore holds
    the scheduler's lock, so none starts meanwhile) or another process has the database open
    (a web server: what it wrote during the restore would be lost). Raises BackupError."""
    engine = db.engine
    db.session.remove()
    engine.dispose()  # this process's own connections are not in the way
    with leader_lock(wait=False) as held:
        if held is None:
            raise BackupError("A scheduler is running on this database: stop it and the web "
                              f"servers, then restore. {NOTHING_CHANGED}")
        if backup_file.kind == "sqlite":
            sqlite.load(backup_file.path, _live_file(engine))
        else:
            postgresql.load(backup_file.path, engine)
    with engine.connect() as conn:
        revision, rows = contents(conn)
    return Summary(database_name(), 0, revision, rows, behind=backup_file.behind)


def _kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Cohort backs up SQLite and PostgreSQL; the configured database is "
                          f"{name}: use its own backup tools.")
    if name == "sqlite" and (engine.url.database or ":memory:") == ":memory:":
        raise BackupError("The configured database is held in memory: there is no file to "
                          "back up or restore into.")
    return name


def _live_file(engine: Engine) -> Path:
    return Path(engine.url.database).resolve()
