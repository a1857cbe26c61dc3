"""Password reset through an emailed link, and changing the password when signed in."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.accounts import services
from cohort.accounts.models import AccountToken, User, UserSession
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, csrf_from, post_form, sign_in

NEW_PASSWORD = "a brand new pass phrase"
LINK = re.compile(r"http://localhost/reset-password/([A-Za-z0-9_-]+)")


def _reset_link(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(0).removeprefix("http://localhost")


def _ask_for_reset(client, email: str):
    response = post_form(client, "/forgot-password", {"email": email})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    return response


def _password_hash(user) -> str | None:
    db.session.rollback()
    return db.session.get(User, user.id).password_hash


def _count(model) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_forgot_password_sends_one_link(client, outbox, make_user):
    user = make_user("ada@example.org", name="Ada Lovelace")
    _ask_for_reset(client, "Ada@Example.org")

    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Reset your Cohort password"
    assert "Hello Ada Lovelace" in message.get_content()
    _reset_link(message)
    # Only the token's hash is kept: the link's token is nowhere in the database.
    token = LINK.search(message.get_content()).group(1)
    row = db.session.execute(select(AccountToken)).scalar_one()
    assert row.purpose == "reset" and row.user_id == user.id
    assert token not in row.token_hash
    mail = db.session.execute(select(MailMessage)).scalar_one()
    assert mail.status == "sent"
    assert mail.message_id == message["Message-ID"]


def test_unknown_address_gets_the_same_page_and_a_mail_without_a_link(client, outbox,
                                                                        make_user):
    """The same page and the same work (one mail) either way, so neither tells a stranger
    whether the address has an account; the unknown address is told it has none."""
    make_user("ada@example.org")
    known = _ask_for_reset(client, "ada@example.org").get_data(as_text=True)
    outbox.clear()
    unknown = _ask_for_reset(client, "nobody@example.org").get_data(as_text=True)

    [note] = outbox
    assert note["To"] == "nobody@example.org"
    assert "there is no account with this address" in note.get_content()
    assert "/reset-password/" not in note.get_content()
    assert _count(MailMessage) == 2
    assert _count(AccountToken) == 1

    def body(page: str) -> str:
        return page[page.index("<h1"): page.index("ask for another link")]

    assert body(known).replace("ada@", "X@") == body(unknown).replace("nobody@", "X@")


def test_malformed_address_is_refused_on_the_form(client, outbox):
    response = post_form(client, "/forgot-password", {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)
    assert outbox == []


def test_following_the_link_sets_a_new_password(client, new_client, outbox, make_user):
    user = make_user("ada@example.org")
    _ask_for_reset(client, "ada@example.org")
    link = _reset_link(outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Choose a new password" in page.get_data(as_text=True)
    assert "ada@example.org" in page.get_data(as_text=True)

    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Your password has been changed" in client.get("/login").get_data(as_text=True)

    old = sign_in(new_client(), "ada@example.org", DEFAULT_PASSWORD)
    assert old.status_code == 200
    assert "Enter a correct email address and password" in old.get_data(as_text=True)
    assert sign_in(new_client(), "ada@example.org", NEW_PASSWORD).status_code == 302
    assert _password_hash(user).startswith("$argon2id$")


def test_a_reset_signs_out_every_browser(client, new_client, login, outbox, make_user):
    user = make_user()
    elsewhere = new_client()
    login(user, the_client=elsewhere)
    _ask_for_reset(client, user.email)
    link = _reset_link(outbox[0])
    post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _count(UserSession) == 0
    assert elsewhere.get("/account").status_code == 302


def test_the_link_works_once(client, outbox, make_user):
    user = make_user()
    _ask_for_reset(client, user.email)
    link = _reset_link(outbox[0])
    token = csrf_from(client.get(link))
    data = {"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    assert client.post(link, data=data).status_code == 302
    changed = _password_hash(user)

    again = client.post(link, data={**data, "password": "yet another phrase",
                                    "confirm": "yet another phrase"})
    assert again.status_code == 410
    assert "This password reset link has already been used" in again.get_data(as_text=True)
    assert _password_hash(user) == changed
    assert client.get(link).status_code == 410


def test_a_second_link_is_spent_by_the_first(client, outbox, make_user):
    user = make_user()
    _ask_for_reset(client, user.email)
    _ask_for_reset(client, user.email)
    first, second = (_reset_link(message) for message in outbox)
    post_form(client, second, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.get(first)
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)


def test_an_expired_link_says_so(client, outbox, make_user):
    user = make_user()
    _ask_for_reset(client, user.email)
    link = _reset_link(outbox[0])
    token = csrf_from(client.get(link))
    before = _password_hash(user)
    row = db.session.execute(select(AccountToken)).scalar_one()
    row.expires_at = row.expires_at - timedelta(hours=3)
    commit()

    response = client.get(link)
    assert response.status_code == 410
    assert "This password reset link has expired" in response.get_data(as_text=True)
    posted = client.post(link, data={"csrf_token": token, "password": NEW_PASSWORD,
                                     "confirm": NEW_PASSWORD})
    assert posted.status_code == 410
    assert _password_hash(user) == before


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43])
def test_an_unknown_link_is_not_valid(client, token):
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This password reset link is not valid" in page
    assert "Ask for a new password reset link" in page


def test_a_reset_token_does_not_open_an_invitation(client, make_user):
    user = make_user()
    token = services.issue_token(user, "reset")
    commit()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)


# Changing the password while signed in --------------------------------------------------


def test_change_password_keeps_this_browser_and_ends_the_others(client, new_client, login,
                                                                make_user):
    user = make_user()
    other = new_client()
    login(user)
    login(user, the_client=other)
    assert _count(UserSession) == 2

    response = post_form(client, "/account/password", {
        "current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "signed out everywhere else" in client.get("/account").get_data(as_text=True)

    assert client.get("/account").status_code == 200
    response = other.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert _count(UserSession) == 1
    assert sign_in(new_client(), user.email, NEW_PASSWORD).status_code == 302


def test_change_password_needs_the_current_password(client, new_client, login, make_user):
    user = make_user()
    other = new_client()
    login(user)
    login(user, the_client=other)
    before = _password_hash(user)

    response = post_form(client, "/account/password", {
        "current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your current password is not correct" in page
    assert "govuk-error-summary" in page
    assert _password_hash(user) == before
    assert _count(UserSession) == 2
    assert other.get("/account").status_code == 200


def test_change_password_needs_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
