"""Fixtures: app, database, client, sign-in, the demo and callable factories (the helpers they
use, which tests import too, are in tests/helpers.py).

The suite runs on SQLite by default. With COHORT_TEST_BACKEND=url it runs on the database at
COHORT_TEST_DATABASE_URL instead (`make test` does both when that variable is set).
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from cohort import create_app
from cohort.core.database import commit
from cohort.extensions import db as _db
from config import TestingConfig, driver_url
from tests.helpers import (
    DEFAULT_PASSWORD,
    DEMO_PASSWORD,
    IsolatedClient,
    copy_rows,
    new_database,
    put_back,
    sign_in,
)


def _database_url(tmp_path_factory) -> str:
    if os.environ.get("COHORT_TEST_BACKEND") == "url":
        url = os.environ.get("COHORT_TEST_DATABASE_URL")
        if not url:
            raise RuntimeError("COHORT_TEST_BACKEND=url needs COHORT_TEST_DATABASE_URL")
        url = driver_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker and url.startswith("postgresql"):
            url = _worker_database(url, worker)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _worker_database(url: str, worker: str) -> str:
    """With several test workers, each gets a database of its own beside the one named."""
    return new_database(url, worker, Path())[0]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_DIRECTORY = str(tmp_path_factory.mktemp("mail"))

    app = create_app(Config())
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()  # the schema comes from the migrations, as in production
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def migrating_app(database_url, tmp_path):
    """An app on an empty database of the suite's engine, for a test that migrates down."""
    url, drop = new_database(database_url, "migrations", tmp_path)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        MAIL_DIRECTORY = str(tmp_path / "mail")

    app = create_app(Config())
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    drop()


def _clear_tables() -> None:
    _db.session.remove()
    with _db.engine.begin() as conn:
        # DELETE, child tables first: on PostgreSQL it is far quicker than TRUNCATE for the
        # few rows a test leaves. Ids are not reset, so no test may count on them.
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def db(app):
    """A clean database for each test, inside an application context."""
    with app.app_context():
        app.extensions["cohort_mail_outbox"] = []
        yield _db
        _clear_tables()


@pytest.fixture
def client(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def new_client(app):
    """new_client() -> a test client (its own cookies) whose requests do not share `g` or the session."""

    def _new_client():
        return IsolatedClient(app, app.response_class, use_cookies=True)

    return _new_client


@pytest.fixture
def outbox(app):
    """Messages sent through the in-memory mail backend during the test."""
    return app.extensions.setdefault("cohort_mail_outbox", [])


@pytest.fixture
def login(client):
    """login(user_or_email, password=...) signs the test client in and checks it worked."""

    def _login(who, password: str = DEFAULT_PASSWORD, the_client=None):
        email = who if isinstance(who, str) else who.email
        response = sign_in(the_client or client, email, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return _login


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def _make_user(email: str | None = None, name: str | None = None,
                   password: str | None = DEFAULT_PASSWORD, **fields):
        from cohort.accounts.services import create_user

        n = next(counter)
        user = create_user(email or f"user{n}@example.org", name or f"User {n}",
                           password=password, **fields)
        commit()
        return user

    return _make_user


@pytest.fixture
def make_cohort(db):
    counter = iter(range(1, 10_000))

    def _make_cohort(title: str | None = None, **fields):
        from cohort.cohorts.services import create_cohort

        fields.setdefault("status", "running")
        cohort = create_cohort(None, title or f"Cohort {next(counter)}", **fields)
        commit()
        return cohort

    return _make_cohort


@pytest.fixture(scope="session")
def demo_rows(app):
    """The demo, loaded once for the whole run: (its rows, the accounts load() listed)."""
    from cohort import demo

    with app.app_context():
        accounts = demo.load(DEMO_PASSWORD)
        commit()
        rows = copy_rows()
        _clear_tables()
    return rows, accounts


@pytest.fixture
def demo_loaded(db, demo_rows):
    """The demo as `flask cohort demo` leaves it (every account's password DEMO_PASSWORD), put
    back for this test alone, which may change it: the accounts load() listed."""
    rows, accounts = demo_rows
    put_back(rows)
    return accounts


@pytest.fixture
def demo_cohorts(db, demo_loaded):
    """The demo (see demo_loaded): (the 2021 reference cohort, the running cohort)."""
    from cohort.cohorts.models import Cohort

    by_title = {c.title: c for c in db.session.execute(db.select(Cohort)).scalars()}
    return (by_title["Local authority wellbeing policy making cohort 2021"],
            by_title["Workplace wellbeing cohort"])


@pytest.fixture
def make_member(db, make_user, make_cohort):
    """make_member(cohort=None, role="participant", user=None, **fields) -> Membership."""

    def _make_member(cohort=None, role: str = "participant", user=None, **fields):
        from cohort.cohorts.services import add_member

        cohort = cohort or make_cohort()
        user = user or make_user()
        membership = add_member(None, cohort, user, role, **fields)
        commit()
        return membership

    return _make_member


@pytest.fixture
def make_holder(db, make_user, make_cohort):
    """make_holder(cohort=None, user=None, since=timedelta(days=365), **fields) -> the Membership
    of a participant who has held a place since `since` ago, as accepting an application
    leaves it (a place, and a holding in its history)."""

    def _make_holder(cohort=None, user=None, since=timedelta(days=365), organisation=None,
                     **fields):
        from cohort.cohorts.models import PlaceHolding
        from cohort.cohorts.services import add_member, take_place
        from cohort.core.timeutil import utcnow

        cohort = cohort or make_cohort()
        user = user or make_user()
        place = take_place(cohort, organisation, fields.get("area_of_focus"))
        membership = add_member(None, cohort, user, "participant", place=place,
                                organisation=organisation, **fields)
        membership.joined_at = utcnow() - since
        db.session.add(PlaceHolding(place_id=place.id, user_id=user.id,
                                    started_at=utcnow() - since))
        commit()
        return membership

    return _make_holder


# A recruiting cohort, its applications, its facilitator and a place holder (the cohort and
# enrolment tests).


@pytest.fixture
def open_cohort(make_cohort):
    """open_cohort(title=None, capacity=12, **fields) -> a recruiting cohort whose call is open."""

    def _open_cohort(title=None, capacity=12, **fields):
        from cohort.core.timeutil import utcnow

        now = utcnow()
        fields.setdefault("status", "recruiting")
        fields.setdefault("applications_open_at", now - timedelta(days=1))
        fields.setdefault("applications_close_at", now + timedelta(days=30))
        return make_cohort(title, capacity=capacity, **fields)

    return _open_cohort


@pytest.fixture
def apply_to():
    """apply_to(cohort, email, **answers) -> (application, token): a committed application."""
    from cohort.enrolment.services import submit_application
    from tests.helpers import answers

    counter = iter(range(1, 10_000))

    def _apply_to(cohort, email=None, **changes):
        n = next(counter)
        application, token, _created = submit_application(
            cohort, email or f"applicant{n}@example.org",
            **answers(name=changes.pop("name", f"Applicant {n}"), **changes),
        )
        commit()
        return application, token

    return _apply_to


@pytest.fixture
def facilitator(make_member):
    """facilitator(cohort) -> the User who facilitates it."""

    def _facilitator(cohort, user=None):
        return make_member(cohort, "facilitator", user=user).user

    return _facilitator


@pytest.fixture
def holder(make_holder):
    """holder(cohort, user=None, organisation=..., area_of_focus=...) -> the Membership of a
    participant who took a place just now, as accepting an application leaves it."""

    def _holder(cohort, user=None, organisation="Northshire County Council",
                area_of_focus="Employee wellbeing"):
        return make_holder(cohort, user, since=timedelta(0), organisation=organisation,
                           area_of_focus=area_of_focus)

    return _holder


@pytest.fixture
def make_session(db, make_cohort):
    def _make_session(cohort=None, title: str = "Workshop", starts_in=timedelta(days=7), **fields):
        from cohort.core.timeutil import utcnow
        from cohort.programme.services import add_session

        cohort = cohort or make_cohort()
        fields.setdefault("kind", "workshop")
        fields.setdefault("duration_minutes", 150)
        session = add_session(None, cohort, title, starts_at=utcnow() + starts_in, **fields)
        commit()
        return session

    return _make_session


@pytest.fixture
def framework(db):
    """The maturity model Cohort ships with, in the database (every test starts empty)."""
    from cohort.plans.services import DEFAULT_FRAMEWORK, ensure_shipped, frameworks

    ensure_shipped()
    commit()
    return next(f for f in frameworks() if f.key == DEFAULT_FRAMEWORK)


@pytest.fixture
def build_app(database_url, tmp_path):
    """build_app(base=TestingConfig, **settings) -> a separate app on the test database.

    For tests that change an app for good (a throwaway route) or need another configuration;
    the session's shared app is left as it is.
    """
    apps = []

    def _build(base=TestingConfig, **settings):
        settings = {"SQLALCHEMY_DATABASE_URI": database_url,
                    "MAIL_DIRECTORY": str(tmp_path / "mail"), **settings}
        config_class = type("Config", (base,), settings)
        app = create_app(config_class())
        apps.append(app)
        return app

    yield _build
    for app in apps:
        with app.app_context():
            _db.engine.dispose()
