"""Sign-in throttling per account and per address, counted in the database."""

import threading

from sqlalchemy import func, select

from cohort.accounts import services
from cohort.accounts.models import LoginFailure, UserSession
from cohort.accounts.services import signin
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, sign_in

TOO_MANY = "Too many failed attempts"
REFUSED = "Enter a correct email address and password"


def _fail(client, email: str, times: int) -> None:
    for _ in range(times):
        response = sign_in(client, email, "not the password")
        assert response.status_code == 200
        assert REFUSED in response.get_data(as_text=True)


def _failures(scope: str | None = None) -> int:
    db.session.rollback()
    statement = select(func.count(LoginFailure.id))
    if scope:
        statement = statement.where(LoginFailure.scope == scope)
    return db.session.execute(statement).scalar_one()


def test_five_failures_lock_the_account_even_for_the_right_password(app, client, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    assert limit == 5
    _fail(client, user.email, limit)

    response = sign_in(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert TOO_MANY in page
    assert "govuk-error-summary" in page
    assert client.get("/account").status_code == 302
    assert _failures("account") == limit  # the refusal itself is not counted again


def test_four_failures_still_let_the_right_password_in(client, make_user):
    user = make_user()
    _fail(client, user.email, 4)
    assert sign_in(client, user.email).status_code == 302


def test_the_lock_is_per_account(client, new_client, make_user):
    locked, other = make_user(), make_user()
    _fail(client, locked.email, 5)
    assert sign_in(new_client(), other.email).status_code == 302


def test_the_account_count_ignores_how_the_email_is_typed(client, make_user):
    make_user("ada@example.org")
    _fail(client, "ada@example.org", 3)
    _fail(client, "ADA@Example.org", 2)
    assert TOO_MANY in sign_in(client, " Ada@example.ORG ").get_data(as_text=True)


def test_the_account_count_ignores_unicode_spelling(client, make_user):
    """The same address in composed and decomposed form is one account, with one count."""
    composed, decomposed = "zo\u00eb@example.org", "zoe\u0308@example.org"
    make_user(composed)
    _fail(client, composed, 3)
    _fail(client, decomposed, 2)
    assert TOO_MANY in sign_in(client, decomposed).get_data(as_text=True)
    assert TOO_MANY in sign_in(client, composed).get_data(as_text=True)


def test_per_address_limit_covers_many_accounts(app, client, monkeypatch, make_user):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    users = [make_user() for _ in range(4)]
    for user in users[:3]:
        _fail(client, user.email, 1)  # one failure each: no account is near its own limit

    response = sign_in(client, users[3].email, DEFAULT_PASSWORD)
    assert TOO_MANY in response.get_data(as_text=True)
    assert _failures("address") == 3


def test_counts_are_shared_by_every_client(client, new_client, make_user):
    """The count lives in the database, so another browser (or worker) sees the same count."""
    user = make_user()
    _fail(client, user.email, 3)
    other = new_client()
    _fail(other, user.email, 2)
    assert TOO_MANY in sign_in(new_client(), user.email).get_data(as_text=True)


def test_success_clears_the_account_failures(client, new_client, make_user):
    user = make_user()
    _fail(client, user.email, 4)
    assert sign_in(new_client(), user.email).status_code == 302
    assert _failures("account") == 0
    _fail(client, user.email, 4)  # four more: only four count now
    assert sign_in(new_client(), user.email).status_code == 302


def test_old_failures_fall_out_of_the_window(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 5)
    db.session.rollback()
    for row in db.session.execute(select(LoginFailure)).scalars():
        row.created_at = row.created_at - app.config["LOGIN_WINDOW"]
    db.session.commit()
    assert sign_in(client, user.email).status_code == 302


def test_simultaneous_refusals_both_get_an_answer(client, new_client, make_user,
                                                   monkeypatch):
    """Two sign-ins that overlap (one reads the counts, the other writes) both get a page.

    On SQLite a transaction that read before another one wrote cannot write afterwards; a
    request that reads and then writes must take the write lock when it starts.
    """
    email = make_user().email
    first_has_read = threading.Event()
    second_done = threading.Event()
    first_thread = {}
    real_find = signin.find_user_by_email

    def find_user_by_email(email):
        if threading.get_ident() == first_thread.get("id"):
            first_has_read.set()
            second_done.wait(timeout=0.5)  # with SQLite locked, the second waits for the first
        return real_find(email)

    monkeypatch.setattr(signin, "find_user_by_email", find_user_by_email)
    results = {}

    def first():
        first_thread["id"] = threading.get_ident()
        results["first"] = sign_in(client, email, "not the password")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_has_read.wait(timeout=60)
    results["second"] = sign_in(new_client(), email, "not the password either")
    second_done.set()
    thread.join(timeout=120)
    assert not thread.is_alive()

    for name in ("first", "second"):
        assert results[name].status_code == 200, name
        assert REFUSED in results[name].get_data(as_text=True)
    assert _failures() == 4


def test_throttled_service_opens_no_session(app, make_user):
    user = make_user()
    for _ in range(5):
        assert services.sign_in(user.email, "wrong", "192.0.2.1", None).refusal
        db.session.commit()
    result = services.sign_in(user.email, DEFAULT_PASSWORD, "192.0.2.1", None)
    assert result.user is None, "the sixth attempt was let in"
    assert TOO_MANY in result.refusal
    assert db.session.execute(select(func.count()).select_from(UserSession)).scalar_one() == 0
