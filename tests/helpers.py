"""Helpers the tests share: passwords, forms with their CSRF token, signing in, the isolated
test client, counting queries, the demo's rows copied once and put back for each test, and
for the cohort and enrolment tests form answers, page text, mail links and date boxes.
tests/conftest.py holds the fixtures and uses these."""

import contextvars
import html
import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import Integer, create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from cohort.extensions import db as _db

DEFAULT_PASSWORD = "correct horse battery"
DEMO_PASSWORD = "demo password 2021"


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as a real request does.

    The `db` fixture keeps an app context open for the test, and Flask reuses an open context
    of the same app for a request: `g` (the signed-in user, the CSRF token) and the database
    session would carry over from one request to the next. Running each request in an empty
    context gives it a fresh app context, `g` and session. The test's own transaction is
    committed first, so the request sees the test's data and the test then sees the
    request's (on SQLite a transaction that has read cannot write after another has).
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(response) -> str:
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """GET the form page (or `page`) for its CSRF token, then POST the data to `url`."""
    token = csrf_from(client.get(page or url))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client, email: str, password: str = DEFAULT_PASSWORD, **kwargs):
    """POST the sign-in form (extra arguments, like environ_base, go to the POST)."""
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


@contextmanager
def statements_run(parameters: bool = False, cached: bool = False):
    """The SQL statements run inside the block, in order: `with statements_run() as run:
    ...`, then `run` lists them (with `parameters`, as (statement, parameters) pairs). Pages
    are made afresh inside it (see pages_made), unless `cached`."""
    run: list = []

    def _note(_conn, _cursor, statement, given, *_args):
        run.append((statement, given) if parameters else statement)

    event.listen(_db.engine, "before_cursor_execute", _note)
    try:
        with pages_made(not cached):
            yield run
    finally:
        event.remove(_db.engine, "before_cursor_execute", _note)


@contextmanager
def pages_made(afresh: bool = True):
    """Inside the block every page is made afresh, not sent from the page cache: what a page
    costs to read and render is what the statement counts measure (the cache's own tests,
    tests/core/test_page_cache.py, count what a page sent again costs)."""
    extensions = current_app.extensions
    store = extensions.pop("cohort_page_cache", None) if afresh else None
    try:
        yield
    finally:
        if store is not None:
            extensions["cohort_page_cache"] = store


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as n: ...; n[0]`."""
    counter = [0]

    def _count(*_args, **_kwargs):
        counter[0] += 1

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        with pages_made():
            yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _count)



def home_queries(client, path: str = "/") -> tuple[int, str]:
    """(the SQL statements of a second GET of the page, its text): the first GET warms up,
    so nothing first-time (caches, the idle clock) is counted."""
    client.get(path)
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return queries[0], response.get_data(as_text=True)

def copy_rows() -> dict[str, list[dict]]:
    """Every row of every table, by table name, in primary key order (inside an app context)."""
    rows = {}
    for table in _db.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        rows[table.name] = [dict(row._mapping) for row in _db.session.execute(query)]
    # Where each table stands for the page cache is written by the transactions that put the
    # rows back, not copied.
    rows["page_version"] = []
    return rows


def put_back(rows: dict[str, list[dict]]) -> None:
    """Insert rows copied by copy_rows() into empty tables, parents first, with their ids. On
    PostgreSQL each id sequence then continues after the highest id, so new rows do not
    collide with them."""
    with _db.engine.begin() as conn:
        for table in _db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        if conn.dialect.name != "postgresql":
            return
        for table in _db.metadata.sorted_tables:
            for column in table.primary_key.columns:
                if rows[table.name] and column.autoincrement is not False \
                        and isinstance(column.type, Integer):
                    # setval(NULL, ...) does nothing: a column without a sequence.
                    sequence = func.pg_get_serial_sequence(f'"{table.name}"', column.name)
                    conn.execute(select(func.setval(
                        sequence, select(func.max(column)).scalar_subquery())))


ANSWERS = {
    "name": "Asha Patel",
    "organisation_name": "Northshire County Council",
    "job_title": "Policy officer",
    "professional_background": "Ten years in workforce policy.",
    "area_of_focus": "Employee wellbeing",
    "strategy": "The council's workplace wellbeing strategy, due for a refresh.",
    "motivation": "To learn from peers who have done it before.",
}


def answers(**changes) -> dict:
    return {**ANSWERS, **changes}


def text_of(response) -> str:
    """The page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text)).replace(" .", ".").replace(" ,", ",")


def mail_to(outbox, email: str) -> list:
    return [message for message in outbox if message["To"] == email]


def body(message) -> str:
    return message.get_content()


def link_path(message, prefix: str) -> str:
    """The path of the first link in the message that starts with `prefix` (like /invitation/)."""
    match = re.search(rf"http://localhost({re.escape(prefix)}\S+)", body(message))
    assert match, f"no {prefix} link in:\n{body(message)}"
    return match.group(1)


def fresh():
    """End the test's transaction, so what the requests committed is read anew."""
    _db.session.commit()


def version_in(response) -> str:
    """The version a settings form was filled from (its hidden field)."""
    match = re.search(r'name="version" type="hidden" value="(\d+)"', response.get_data(as_text=True))
    assert match, "the form has no version field"
    return match.group(1)


def date_parts(name: str, value) -> dict:
    """The three GOV.UK date boxes of a field, filled from a date (or a (day, month, year))."""
    day, month, year = (value.day, value.month, value.year) if hasattr(value, "day") else value
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def new_database(url: str, name: str, folder: Path) -> tuple[str, Callable[[], None]]:
    """(the URL of a new, empty database of `url`'s engine, what removes it): a SQLite file
    `name` in `folder`, or on PostgreSQL the database `<url's database>_<name>` on the same
    server, replacing one a stopped run left."""
    base = make_url(url)
    if base.get_backend_name() == "sqlite":
        return f"sqlite:///{folder / f'{name}.sqlite3'}", lambda: None
    database = f"{base.database}_{name}"

    def run(statement: str) -> None:
        server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as conn:
                conn.execute(text(statement))
        finally:
            server.dispose()

    run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    run(f'CREATE DATABASE "{database}"')
    return (base.set(database=database).render_as_string(hide_password=False),
            lambda: run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def wait_for(condition: Callable[[], object], seconds: float = 120) -> bool:
    """Whether `condition` came true, waiting as long as a busy machine may take."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def sqlite_write_lock_free() -> bool:
    """Whether another connection could take SQLite's write lock this moment, without
    waiting (a web request's write, beside a job)."""
    other = sqlite3.connect(_db.engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()
