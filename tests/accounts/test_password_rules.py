"""The rules for a new password, on every form that sets one: invitation, reset and change."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from cohort.accounts import services
from cohort.accounts.models import AccountToken, User, UserSession
from cohort.core.database import commit
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, post_form

LONG_ENOUGH = "a long and unusual pass phrase, sixty-four characters in all: ok"
assert len(LONG_ENOUGH) == 64


@dataclass
class PasswordForm:
    client: Any
    url: str
    user: User
    extra: dict
    signs_in: bool

    def post(self, password: str, confirm: str | None = None):
        data = {"password": password, "confirm": password if confirm is None else confirm}
        return post_form(self.client, self.url, {**self.extra, **data})

    def snapshot(self) -> tuple:
        """What a refused post must leave as it was."""
        db.session.rollback()
        user = db.session.get(User, self.user.id)
        tokens = db.session.execute(
            select(AccountToken.id, AccountToken.used_at).order_by(AccountToken.id)
        ).all()
        sessions = db.session.execute(
            select(UserSession.token_hash).order_by(UserSession.token_hash)
        ).scalars().all()
        return user.password_hash, tokens, sessions


@pytest.fixture(params=["invitation", "reset", "change"])
def password_form(request, client, login, make_user) -> PasswordForm:
    kind = request.param
    if kind == "invitation":
        user = make_user("new@example.org", password=None)
        token = services.issue_token(user, "invitation")
        commit()
        return PasswordForm(client, f"/invitation/{token}", user, {}, signs_in=True)
    user = make_user("someone@example.org")
    if kind == "reset":
        token = services.issue_token(user, "reset")
        commit()
        return PasswordForm(client, f"/reset-password/{token}", user, {}, signs_in=False)
    login(user)
    return PasswordForm(client, "/account/password", user,
                        {"current_password": DEFAULT_PASSWORD}, signs_in=True)


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("Tr0ub4d", None, "Password must be 8 characters or more"),
        ("Xy7$" * 50, None, "Password must be 128 characters or fewer"),
        ("password1", None, "Password is too common"),
        ("Password1", None, "Password is too common"),
        ("aaaaaaaaaaaa", None, "Password is too common"),
        (LONG_ENOUGH, LONG_ENOUGH + "x", "The passwords do not match"),
        ("", "", "Enter a new password"),
    ],
    ids=["7-characters", "200-characters", "common", "common-capitalised", "one-letter",
         "mismatch", "empty"],
)
def test_a_refused_password_says_why_and_changes_nothing(password_form, password, confirm,
                                                         message):
    before = password_form.snapshot()
    response = password_form.post(password, confirm)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "govuk-error-summary" in page
    assert "govuk-error-message" in page  # the message is also beside the field
    assert "<title>Error:" in page
    assert password_form.snapshot() == before


def test_the_email_address_is_refused_as_a_password(password_form):
    before = password_form.snapshot()
    response = password_form.post(password_form.user.email)
    assert response.status_code == 200
    assert "Password must not be your email address" in response.get_data(as_text=True)
    assert password_form.snapshot() == before


def test_a_64_character_password_is_accepted(password_form, new_client):
    response = password_form.post(LONG_ENOUGH)
    assert response.status_code == 302
    assert (password_form.client.get("/account").status_code == 200) is password_form.signs_in
    # And it is the password from now on.
    fresh = new_client()
    response = post_form(fresh, "/login", {"email": password_form.user.email,
                                            "password": LONG_ENOUGH})
    assert response.status_code == 302


def test_password_problem_rules():
    assert services.password_problem("x" * 7) is not None
    assert services.password_problem("Xy7$abcd") is None
    assert services.password_problem("Xy7$" * 32) is None  # 128 characters
    assert services.password_problem("Xy7$" * 32 + "x") is not None
    assert services.password_problem("letmein1") is not None
    assert services.password_problem("ada@example.org", "Ada@Example.org") is not None


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user(password=LONG_ENOUGH)
    assert user.password_hash.startswith("$argon2id$")
    assert LONG_ENOUGH not in user.password_hash
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 1
