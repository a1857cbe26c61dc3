"""Links that outlive their purpose, reset mails that could flood a mailbox, kept copies of
secret links, and a lock-out scheme that stops guessing without handing strangers a lock-out."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from cohort.accounts import services
from cohort.accounts.models import AccountToken, LoginFailure
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD, post_form, sign_in

NEW = "a brand new passphrase"


def _live_tokens(user) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count(AccountToken.id)).where(
        AccountToken.user_id == user.id, AccountToken.used_at.is_(None))).scalar_one()


def test_changing_the_password_spends_every_reset_and_invitation_link(client, login, make_user):
    user = make_user()
    reset = services.issue_token(user, "reset")
    invitation = services.issue_token(user, "invitation")
    commit()
    login(user)
    post_form(client, "/account/password", {"current_password": DEFAULT_PASSWORD,
                                            "password": NEW, "confirm": NEW})
    assert _live_tokens(user) == 0
    for path in (f"/reset-password/{reset}", f"/invitation/{invitation}"):
        assert client.get(path).status_code == 410


def test_a_reset_spends_the_invitation_too(client, make_user):
    user = make_user(password=None)
    invitation = services.issue_token(user, "invitation")
    reset = services.issue_token(user, "reset")
    commit()
    response = post_form(client, f"/reset-password/{reset}", {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get(f"/invitation/{invitation}").status_code == 410


def test_reset_mails_are_limited_per_address_and_per_client(app, client, make_user, outbox):
    make_user("ada@example.org")
    for _ in range(5):
        response = post_form(client, "/forgot-password", {"email": "ada@example.org"})
        assert "Check your email" in response.get_data(as_text=True)
    assert len([m for m in outbox if m["To"] == "ada@example.org"]) == \
        app.config["RESET_LIMIT_PER_EMAIL"]
    # From one client, mails to many addresses stop too: its five requests above count.
    for n in range(12):
        post_form(client, "/forgot-password", {"email": f"someone{n}@example.org"})
    assert len(outbox) == (app.config["RESET_LIMIT_PER_EMAIL"]
                           + app.config["RESET_LIMIT_PER_CLIENT"] - 5)


def test_the_mail_log_keeps_no_live_link_in_production(build_app, make_user):
    app = build_app(MAIL_LOG_REDACTS_LINKS=True)
    with app.app_context():
        user = make_user()
        services.request_password_reset(user.email)
        commit()
        sent = app.extensions["cohort_mail_outbox"][-1].get_content()
        kept = db.session.execute(select(MailMessage.body)).scalar_one()
    token = re.search(r"/reset-password/(\S+)", sent).group(1)
    assert token not in kept
    assert "/reset-password/[link removed]" in kept


def _fail(client, email: str, times: int, address: str) -> None:
    for _ in range(times):
        sign_in(client, email, "wrong password", environ_base={"REMOTE_ADDR": address})


def test_failures_from_elsewhere_do_not_lock_out_an_address_the_account_uses(
        client, new_client, make_user):
    user = make_user()
    home = new_client()
    assert sign_in(home, user.email, environ_base={"REMOTE_ADDR": "198.51.100.7"}
                   ).status_code == 302
    _fail(client, user.email, 6, "203.0.113.9")
    # The stranger's address is held back...
    refused = sign_in(new_client(), user.email, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    # ... and so is any address the account has not signed in from,
    other = sign_in(new_client(), user.email, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert "Too many failed attempts" in other.get_data(as_text=True)
    # but not the owner's usual one.
    assert sign_in(new_client(), user.email, environ_base={"REMOTE_ADDR": "198.51.100.7"}
                   ).status_code == 302


def test_a_reset_lifts_a_lock_out(client, new_client, make_user):
    user = make_user()
    _fail(client, user.email, 5, "203.0.113.9")
    reset = services.issue_token(user, "reset")
    commit()
    post_form(new_client(), f"/reset-password/{reset}", {"password": NEW, "confirm": NEW})
    db.session.rollback()
    assert db.session.execute(select(func.count(LoginFailure.id)).where(
        LoginFailure.scope == "account")).scalar_one() == 0
    assert sign_in(new_client(), user.email, NEW,
                   environ_base={"REMOTE_ADDR": "192.0.2.44"}).status_code == 302


def test_known_addresses_expire(app, make_user):
    from cohort.accounts.models import KnownAddress

    user = make_user()
    services.sign_in(user.email, DEFAULT_PASSWORD, "198.51.100.7", None)
    commit()
    row = db.session.execute(select(KnownAddress)).scalar_one()
    row.last_seen_at = row.last_seen_at - app.config["KNOWN_ADDRESS_DAYS"] - timedelta(days=1)
    commit()
    assert services.purge_expired() >= 1
    commit()
    assert db.session.execute(select(func.count()).select_from(KnownAddress)).scalar_one() == 0
