"""The account's own part of a person's data (accounts/personal_data.py): who they are and
what the sign-in pages remember of them, and an erasure that leaves the account "A former
member", closed for good and signed out everywhere."""

from sqlalchemy import func, select

from cohort.accounts import personal_data as part
from cohort.accounts.models import (
    AccountToken,
    KnownAddress,
    LoginFailure,
    ResetRequest,
    User,
    UserSession,
)
from cohort.accounts.services import issue_token, request_password_reset, sign_in
from cohort.core.database import commit
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD


def _signed_in_twice_and_forgetful(make_user):
    ann = make_user("ann@example.org", "Ann Lee", organisation="Anytown Council",
                    job_title="Policy lead")
    bob = make_user("bob@example.org", "Bob Stone")
    for person in (ann, bob):  # each commits what it counts
        for password, address, browser in ((DEFAULT_PASSWORD, "192.0.2.7", "Firefox"),
                                           ("not the password", "198.51.100.9", "Curl")):
            sign_in(person.email, password, address, browser)
            commit()
        request_password_reset(person.email, "192.0.2.7")
        commit()
    issue_token(ann, "invitation")
    commit()
    return ann, bob


def _rows(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def test_her_download_holds_her_account_and_what_signing_in_remembers(make_user):
    ann, _bob = _signed_in_twice_and_forgetful(make_user)
    mine = part.export(ann)
    assert (mine["email"], mine["name"], mine["organisation"], mine["job_title"]) == (
        "ann@example.org", "Ann Lee", "Anytown Council", "Policy lead")
    assert [(b["address"], b["browser"]) for b in mine["signed_in_browsers"]] == [
        ("192.0.2.7", "Firefox")]
    assert [a["address"] for a in mine["addresses_signed_in_from"]] == ["192.0.2.7"]
    assert [r["address"] for r in mine["password_reset_requests"]] == ["192.0.2.7"]
    assert [f["address"] for f in mine["failed_sign_ins"]] == ["198.51.100.9"]


def test_her_erasure_closes_the_account_and_forgets_her_sign_ins_only(make_user):
    ann, bob = _signed_in_twice_and_forgetful(make_user)
    ann_id = ann.id
    part.erase(ann)
    commit()
    erased = db.session.get(User, ann_id)
    assert (erased.name, erased.organisation, erased.job_title, erased.timezone) == (
        "A former member", None, None, None)
    assert erased.email == f"erased-{ann_id}@erased.invalid"
    assert erased.erased_at is not None and not erased.is_active_account
    assert erased.password_hash is None and not erased.is_admin
    for model in (UserSession, AccountToken, KnownAddress):
        assert _rows(model, user_id=ann_id) == 0
    assert _rows(ResetRequest, email="ann@example.org") == 0
    assert _rows(LoginFailure, key="ann@example.org") == 0
    # Bob's stay
    assert _rows(UserSession, user_id=bob.id) == 1 and _rows(KnownAddress, user_id=bob.id) == 1
    assert _rows(ResetRequest, email=bob.email) == 1 and _rows(LoginFailure, key=bob.email) == 1
    # her password, and her address, open nothing
    refused = sign_in("ann@example.org", DEFAULT_PASSWORD, "192.0.2.7", "Firefox").refusal
    commit()
    assert refused
