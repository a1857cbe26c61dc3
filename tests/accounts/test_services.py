"""Account services called directly, as the CLI and the scheduler call them."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.accounts import services
from cohort.accounts.models import AccountToken, LoginFailure, UserSession
from cohort.accounts.services import AccountError
from cohort.core.database import commit
from cohort.core.security import token_hash
from cohort.core.timeutil import utcnow
from cohort.extensions import db


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_normalise_email():
    assert services.normalise_email("  Ada@Example.ORG ") == "ada@example.org"
    with pytest.raises(AccountError, match="Enter your email address") as empty:
        services.normalise_email("   ")
    assert empty.value.field == "email"
    with pytest.raises(AccountError, match="correct format"):
        services.normalise_email("ada@")


def test_one_account_per_address_whatever_the_case(make_user):
    make_user("ada@example.org")
    with pytest.raises(AccountError, match="already exists") as taken:
        services.create_user("ADA@example.org", "Another Ada")
    assert taken.value.field == "email"


def test_sign_in_returns_a_session_token_only_its_hash_is_stored(make_user):
    user = make_user()
    result = services.sign_in(user.email.upper(), "correct horse battery", "192.0.2.1", "UA")
    commit()
    assert result.user.id == user.id
    row = db.session.execute(select(UserSession)).scalar_one()
    assert row.token_hash != result.token
    assert (row.address, row.user_agent) == ("192.0.2.1", "UA")
    assert services.load_session(result.token).id == user.id
    assert services.load_session("not a token") is None
    assert services.load_session("") is None


def test_refused_sign_in_counts_per_account_and_address(make_user):
    user = make_user()
    result = services.sign_in(user.email, "wrong", "192.0.2.1", None)
    assert (result.user, result.refusal) == (None, services.SIGN_IN_REFUSED)
    commit()
    failures = db.session.execute(select(LoginFailure.scope, LoginFailure.key)).all()
    assert sorted(failures) == [("account", user.email), ("address", "192.0.2.1")]


def test_an_idle_session_is_ended_when_next_seen(app, make_user):
    user = make_user()
    token = services.open_session(user, None, None)
    row = db.session.execute(select(UserSession)).scalar_one()
    row.last_seen_at = utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(seconds=1)
    commit()
    assert services.load_session(token) is None
    commit()
    assert _count(UserSession) == 0


def test_end_all_sessions(make_user):
    user, other = make_user(), make_user()
    for who in (user, user, other):
        services.open_session(who, None, None)
    services.end_all_sessions(user)
    commit()
    assert db.session.execute(select(UserSession.user_id)).scalars().all() == [other.id]


def test_token_states(make_user):
    user = make_user()
    token = services.issue_token(user, "reset")
    commit()
    assert services.check_token(token, "reset").user_id == user.id
    with pytest.raises(AccountError, match="invitation link is not valid"):
        services.check_token(token, "invitation")
    with pytest.raises(AccountError, match="password reset link is not valid"):
        services.check_token("nonsense", "reset")

    services.redeem_token(token, "reset", "a fresh pass phrase")
    commit()
    with pytest.raises(AccountError, match="already been used"):
        services.check_token(token, "reset")
    with pytest.raises(AccountError, match="already been used"):
        services.redeem_token(token, "reset", "another pass phrase")

    expired = services.issue_token(user, "reset")
    row = db.session.execute(select(AccountToken).where(AccountToken.used_at.is_(None))).scalar_one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    commit()
    with pytest.raises(AccountError, match="expired"):
        services.check_token(expired, "reset")


def test_purge_removes_only_what_has_expired(app, make_user):
    user = make_user()
    live, stale = (services.open_session(user, None, None) for _ in range(2))
    stale_row = db.session.get(UserSession, token_hash(stale))
    stale_row.created_at = utcnow() - app.config["SESSION_ABSOLUTE_TIMEOUT"] - timedelta(seconds=1)
    db.session.add_all([
        LoginFailure(scope="account", key="a@example.org"),
        LoginFailure(scope="account", key="b@example.org",
                     created_at=utcnow() - app.config["LOGIN_WINDOW"] - timedelta(seconds=1)),
    ])
    services.issue_token(user, "reset")
    services.issue_token(user, "invitation")
    old = db.session.execute(
        select(AccountToken).where(AccountToken.purpose == "invitation")
    ).scalar_one()
    old.expires_at = utcnow() - app.config["INVITATION_LIFETIME"] - timedelta(days=1)
    commit()

    assert services.purge_expired() == 3
    commit()
    assert services.load_session(live) is not None
    assert db.session.execute(select(LoginFailure.key)).scalars().all() == ["a@example.org"]
    assert db.session.execute(select(AccountToken.purpose)).scalars().all() == ["reset"]
