"""What backups of either kind share: the refusal, what was written, where a backup goes (a
temporary file renamed into place) and what a database or a backup holds."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection

from cohort.core.errors import UserError
from cohort.extensions import db

NOTHING_CHANGED = "Nothing was changed."


class BackupError(UserError):
    """A backup or restore refused or failed: the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup wrote or a restore left: the file or database, its size in bytes (a
    backup's), its schema's revision and each table's rows."""

    where: str
    size: int
    revision: str
    rows: dict[str, int]
    behind: bool = False  # the schema is older than this code's: `flask db upgrade` next

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class BackupFile:
    """A file read_backup() checked: a Cohort backup this code can restore."""

    path: Path
    kind: str  # "sqlite" or "postgresql"
    revision: str
    behind: bool


def destination(path: Path, force: bool, itself: set[Path]) -> Path:
    """Where a backup asked for at `path` goes, absolute; refused when it is a folder, its
    folder is missing, it is one of the database's own files (`itself`) or it exists
    (unless `force`)."""
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the backup file's name, such as "
                          f"{path / 'cohort-backup'}.")
    folder = path.parent.resolve()
    if not folder.exists():
        raise BackupError(f"The folder {folder} does not exist: create it first.")
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    path = folder / path.name
    if path in itself:
        raise BackupError(f"{path} is the configured database itself: write the backup to "
                          "another file.")
    if path.exists() and not force:
        raise BackupError(f"{path} already exists: give another name, or add --force to "
                          "replace it.")
    return path


@contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A new, empty file readable by its owner only (a backup holds personal data), in
    `path`'s folder so that renaming it to `path` is atomic; removed unless renamed."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                        dir=path.parent)
    except OSError as error:
        raise BackupError(f"Cannot write in {path.parent}: {error.strerror}.") from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    except OSError as error:
        raise BackupError(f"The backup could not be written to {path.parent}: "
                          f"{error.strerror or error}.") from None
    finally:
        temp.unlink(missing_ok=True)


def sync(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename), to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def header(path: Path) -> bytes:
    """A backup file's first 100 bytes (enough to tell its kind); refused when there is no
    such file or it cannot be read."""
    if not path.exists():
        raise BackupError(f"There is no file at {path}.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder, not a backup file.")
    try:
        with path.open("rb") as file:
            return file.read(100)
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror}.") from None


def contents(conn: Connection) -> tuple[str, dict[str, int]]:
    """The schema's revision and the rows of each of Cohort's tables, read in `conn`'s
    transaction."""
    present = set(inspect(conn).get_table_names())
    if "alembic_version" not in present:
        raise BackupError("The database has no alembic_version table: it is not Cohort's, or "
                          "it was never brought up to date (make migrate).")
    revision = ", ".join(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    rows = {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables if table.name in present}
    return revision, rows


def only_revision(path: Path, revisions: list[str]) -> str:
    if len(revisions) != 1:
        raise BackupError(f"{path} is not a Cohort backup: its alembic_version table holds "
                          f"{len(revisions)} revisions, not one.")
    return revisions[0]


def revisions() -> tuple[set[str], set[str]]:
    """Every schema revision this code's migrations know, and the newest (the heads)."""
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {rev.revision for rev in script.walk_revisions()}, set(script.get_heads())
