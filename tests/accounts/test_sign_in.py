"""Signing in and out, the server-side session behind the cookie, and its timeouts."""

from datetime import timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from sqlalchemy import func, select, update

from cohort.accounts.models import LoginFailure, User, UserSession
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, csrf_from, post_form, sign_in

COOKIE = "cohort_session"
REFUSED = "Enter a correct email address and password"


def _cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def _signed_in(client) -> bool:
    """Whether the client's cookie still opens a page for signed-in users."""
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def _sessions(user=None) -> int:
    db.session.rollback()  # end the test's read transaction, to see what requests wrote
    statement = select(func.count()).select_from(UserSession)
    if user is not None:
        statement = statement.where(UserSession.user_id == user.id)
    return db.session.execute(statement).scalar_one()


def test_the_front_page_shows_a_visitor_the_open_calls_and_the_way_in(client, make_cohort):
    now = utcnow()
    make_cohort("Open call", status="recruiting", applications_open_at=now - timedelta(days=1),
                applications_close_at=now + timedelta(days=9))
    make_cohort("Closed call", status="recruiting", applications_open_at=now - timedelta(days=9),
                applications_close_at=now - timedelta(days=1))
    make_cohort("Draft", status="draft", applications_open_at=now - timedelta(days=1),
                applications_close_at=now + timedelta(days=9))
    page = client.get("/").get_data(as_text=True)
    assert "Open call" in page and "/apply/open-call" in page
    assert "Closed call" not in page and "Draft" not in page
    assert 'href="/login"' in page
    login_page = client.get("/login").get_data(as_text=True)
    assert "See the cohorts open for applications" in login_page


def test_pages_for_members_need_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_in_opens_a_server_side_session(client, make_user):
    user = make_user("ada@example.org")
    response = sign_in(client, "ada@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _signed_in(client)
    assert _sessions(user) == 1
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_email_typed_in_another_case_signs_in(client, make_user):
    make_user("grace.hopper@example.org")
    response = sign_in(client, "  Grace.Hopper@EXAMPLE.org ")
    assert response.status_code == 302
    assert _signed_in(client)


def test_signed_in_user_visiting_login_goes_home(client, login, make_user):
    login(make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def _row_counts() -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.org", "not the password"), ("nobody@example.org", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_refused_sign_in_gives_one_message_and_writes_only_the_failure(
    client, make_user, email, password
):
    user = make_user("ada@example.org")
    before = _row_counts()
    hash_before = user.password_hash

    response = sign_in(client, email, password)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert REFUSED in page
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    # The failure is counted (per account and per address) and audited; nothing else changes.
    after = _row_counts()
    grown = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert grown == {"login_failure": 2, "audit_event": 1}, grown
    assert db.session.execute(select(AuditEvent.action)).scalar_one() == "sign_in_failed"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.last_login_at is None
    assert user.password_hash == hash_before
    assert not _signed_in(client)


def test_wrong_password_and_unknown_email_read_the_same(client, make_user):
    make_user("ada@example.org")
    wrong = sign_in(client, "ada@example.org", "not the password").get_data(as_text=True)
    unknown = sign_in(client, "nobody@example.org", "not the password").get_data(as_text=True)

    def error_part(page: str) -> str:
        return page[page.index("govuk-error-summary"): page.index("<form")]

    assert REFUSED in error_part(wrong)
    assert error_part(wrong) == error_part(unknown)


def test_account_without_a_password_cannot_sign_in(client, make_user):
    make_user("invited@example.org", password=None)
    response = sign_in(client, "invited@example.org", "")
    assert response.status_code == 200
    assert "Enter your password" in response.get_data(as_text=True)
    response = sign_in(client, "invited@example.org", "anything at all")
    assert REFUSED in response.get_data(as_text=True)
    assert _sessions() == 0


def test_deactivated_account_cannot_sign_in(client, make_user):
    user = make_user("gone@example.org")
    user.is_active_account = False
    commit()
    response = sign_in(client, "gone@example.org")
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    assert _sessions() == 0


def test_empty_form_says_what_to_enter(client):
    response = post_form(client, "/login", {"email": "", "password": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert db.session.execute(select(func.count(LoginFailure.id))).scalar_one() == 0


# The `next` parameter ----------------------------------------------------------------------


def test_sign_in_returns_to_the_page_asked_for(client, make_member):
    member = make_member()
    path = f"/cohorts/{member.cohort_id}"
    response = client.get(path)
    assert response.status_code == 302
    login_page = response.headers["Location"]
    assert login_page.startswith("/login?next=")

    response = post_form(client, login_page, {"email": member.user.email,
                                              "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == path


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
     "javascript:alert(1)", "/\t/evil.example/", " //evil.example/"],
)
def test_sign_in_never_redirects_to_another_site(client, make_user, target):
    user = make_user()
    response = post_form(client, "/login?" + urlencode({"next": target}),
                         {"email": user.email, "password": DEFAULT_PASSWORD}, page="/login")
    assert response.status_code == 302
    # Read the Location the way a browser does: backslashes count as slashes, tabs vanish.
    location = response.headers["Location"].replace("\\", "/")
    location = "".join(c for c in location if c not in "\t\r\n")
    assert urlsplit(urljoin("http://localhost/login", location)).netloc == "localhost", location


# Signing out -------------------------------------------------------------------------------


def test_sign_out_ends_the_server_side_session(client, login, make_user):
    user = make_user()
    login(user)
    home = client.get("/")
    stolen = _cookie(client)
    assert stolen and _sessions(user) == 1

    response = client.post("/logout", data={"csrf_token": csrf_from(home)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert _sessions(user) == 0
    assert not _signed_in(client)

    # The old cookie, replayed, no longer opens anything: the row behind it is gone.
    client.set_cookie(COOKIE, stolen)
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_out_leaves_other_browsers_signed_in(new_client, client, login, make_user):
    user = make_user()
    other = new_client()
    login(user)
    login(user, the_client=other)
    assert _sessions(user) == 2

    client.post("/logout", data={"csrf_token": csrf_from(client.get("/"))})
    assert not _signed_in(client)
    assert _signed_in(other)


def test_sign_out_without_a_token_is_refused_and_keeps_the_session(client, login, make_user):
    login(make_user())
    response = client.post("/logout")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem with your request" in page
    assert "security token" in page
    assert _signed_in(client)


def test_sign_out_link_is_a_form_not_a_get(client, login, make_user):
    login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert 'action="/logout"' in page
    assert client.get("/logout").status_code == 405


# A fresh session at sign-in ------------------------------------------------------------------


def test_sign_in_starts_a_fresh_session(client, make_user):
    user = make_user()
    token = csrf_from(client.get("/login"))
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "set before sign-in"
    before = _cookie(client)

    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": DEFAULT_PASSWORD})
    assert response.status_code == 302

    assert _cookie(client) != before
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session
        assert flask_session.get("csrf_token") is None  # the pre-sign-in CSRF secret is not kept


def test_each_sign_in_gets_its_own_session_token(new_client, make_user, login):
    user = make_user()
    first, second = new_client(), new_client()
    login(user, the_client=first)
    login(user, the_client=second)
    assert _cookie(first) != _cookie(second)
    db.session.rollback()
    hashes = db.session.execute(select(UserSession.token_hash)).scalars().all()
    assert len(set(hashes)) == 2


# Timeouts ----------------------------------------------------------------------------------


def _age_sessions(**shift: timedelta) -> None:
    """Move every session's clocks into the past by the given amounts."""
    db.session.rollback()  # start from what the requests committed
    # Datetime arithmetic differs between engines, so move each row in Python.
    for row in db.session.execute(select(UserSession)).scalars():
        for name, amount in shift.items():
            setattr(row, name, getattr(row, name) - amount)
    commit()


def test_idle_session_expires(app, client, login, make_user):
    user = make_user()
    login(user)
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    _age_sessions(last_seen_at=idle + timedelta(minutes=1))

    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert _sessions(user) == 0  # the expired row is removed, not just ignored


def test_session_just_inside_the_idle_timeout_still_works(app, client, login, make_user):
    login(make_user())
    _age_sessions(last_seen_at=app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=2))
    assert _signed_in(client)


def test_activity_keeps_the_session_alive(app, client, login, make_user):
    """Pages that only read still move the idle clock, so an active user is not signed out."""
    login(make_user())
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    _age_sessions(last_seen_at=idle - timedelta(minutes=10))
    assert _signed_in(client)  # activity now

    db.session.rollback()
    seen = db.session.execute(select(UserSession.last_seen_at)).scalar_one()
    assert utcnow() - seen < timedelta(minutes=2)

    # Twenty minutes later: well inside the idle timeout counted from that activity.
    _age_sessions(last_seen_at=timedelta(minutes=20))
    assert _signed_in(client)


def test_absolute_timeout_ends_even_an_active_session(app, client, login, make_user):
    user = make_user()
    login(user)
    _age_sessions(created_at=app.config["SESSION_ABSOLUTE_TIMEOUT"] + timedelta(minutes=1))
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert _sessions(user) == 0


def test_deactivating_an_account_signs_it_out(client, login, make_user):
    user = make_user()
    login(user)
    db.session.rollback()
    db.session.execute(update(User).where(User.id == user.id).values(is_active_account=False))
    commit()
    assert not _signed_in(client)
