"""PostgreSQL: pg_dump in its custom format, from a snapshot whose rows are counted in the same
transaction, and pg_restore in one transaction. The password in DATABASE_URL reaches the
programs through PGPASSWORD in their environment, never their arguments, which any user of
the host can read in the process list."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine

from cohort.core.backup.files import NOTHING_CHANGED, BackupError, contents, only_revision
from cohort.core.scheduler import ADVISORY_LOCK_KEY

MAGIC = b"PGDMP"
# Other sessions on the database, but the one holding the scheduler's lock for the restore.
_OTHERS = text(
    "SELECT application_name, client_addr FROM pg_stat_activity WHERE datname = "
    "current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
    "AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND (classid::bigint << 32) + objid::bigint = :key) ORDER BY pid")


def dump(engine: Engine, temp: Path) -> tuple[str, dict[str, int]]:
    """pg_dump the database into the file `temp`; its revision and rows."""
    program = _program("pg_dump")
    conninfo, env = _connection(engine.url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the snapshot this transaction sees, so the rows counted here are
            # the rows in the file.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            revision, rows = contents(conn)
            try:
                _run([program, "--format=custom", "--no-password", f"--snapshot={snapshot}",
                      f"--file={temp}", f"--dbname={conninfo}"], env)
            except BackupError as error:
                raise BackupError(f"pg_dump failed: {error}") from None
    try:
        _tables(temp)  # the archive reads back
    except BackupError as error:
        raise BackupError(f"pg_dump's archive does not read back ({error}): no backup was "
                          "written.") from None
    return revision, rows


def revision_of(path: Path) -> str:
    """The schema revision of the archive at `path`, read from it without a database."""
    if "alembic_version" not in _tables(path):
        raise BackupError(f"{path} is a PostgreSQL backup but not of Cohort's database: it has "
                          "no alembic_version table.")
    script = _read(path, "--data-only", "--table=alembic_version", "--file=-")
    found = re.search(r"^COPY public\.alembic_version .*? FROM stdin;\n(.*?)^\\\.$", script,
                      re.MULTILINE | re.DOTALL)
    return only_revision(path, found.group(1).split() if found else [])


def load(path: Path, engine: Engine) -> None:
    """Replace what the backup at `path` holds in the database, in one transaction: all of
    it, or, on any failure, nothing."""
    with engine.connect() as conn:
        extra = sorted(set(inspect(conn).get_table_names()) - _tables(path))
        others = conn.execute(_OTHERS, {"key": ADVISORY_LOCK_KEY}).all()
    if others:
        raise BackupError(f"The database is in use by {len(others)} other connection"
                          f"{'' if len(others) == 1 else 's'} ("
                          + ", ".join(f"{name or 'a program'} from {address or 'this host'}"
                                      for name, address in others)
                          + "): stop the web servers and close them, then restore. "
                          f"{NOTHING_CHANGED}")
    if extra:
        # pg_restore --clean drops and makes again only what the backup holds: these would
        # stay beside it, and the next `flask db upgrade` would fail on them.
        raise BackupError(f"The database has tables the backup does not ({', '.join(extra)}), "
                          "made by a newer version's migrations: restore into a new, empty "
                          f"database and point DATABASE_URL at it. {NOTHING_CHANGED}")
    program = _program("pg_restore")
    conninfo, env = _connection(engine.url)
    try:
        _run([program, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", "--no-password", f"--dbname={conninfo}", str(path)], env)
    except BackupError as error:
        damaged = f"{path} is damaged or truncated: " if "input file" in str(error) else ""
        raise BackupError(f"{damaged}The restore failed and was rolled back: {error}. "
                          f"{NOTHING_CHANGED}") from None


def _tables(path: Path) -> set[str]:
    """The tables of the public schema the archive holds, from its table of contents."""
    listing = _read(path, "--list")
    return set(re.findall(r"^\d+; \d+ \d+ TABLE public (\S+) ", listing, re.MULTILINE))


def _read(path: Path, *options: str) -> str:
    """What pg_restore writes out of the archive with `options`, touching no database."""
    program = _program("pg_restore")
    try:
        return _run([program, *options, str(path)], dict(os.environ))
    except BackupError as error:
        raise BackupError(f"{path} is damaged or truncated: {error}. {NOTHING_CHANGED}") from None


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH: install PostgreSQL's client programs "
                          "(on Debian or Ubuntu: apt-get install postgresql-client), of the "
                          "server's major version or newer.")
    return found


def _connection(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq connection string for `url` without its password, and an environment that
    gives the password to a child process."""
    query = {key: value if isinstance(value, str) else value[-1]
             for key, value in url.query.items()}
    password = query.pop("password", None) or url.password
    parts = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database,
             **query}
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo("", **{k: v for k, v in parts.items() if v is not None}), env


def _run(arguments: list[str], env: dict[str, str]) -> str:
    """Run one of PostgreSQL's programs: its output, or BackupError with what it said."""
    # A list of arguments, no shell: a file name or a setting cannot become a command.
    done = subprocess.run(arguments, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        said = [line.removeprefix(f"{Path(arguments[0]).name}: ").strip()
                for line in done.stderr.splitlines() if line.strip()]
        raise BackupError("; ".join(said[-3:]) or f"exit status {done.returncode}")
    return done.stdout
