"""The admin's invite page, the invitation email and accepting it."""

import re

import pytest
from sqlalchemy import func, select

from cohort.accounts.models import AccountToken, User
from cohort.cohorts.models import Membership
from cohort.cohorts.services import holder_of, invite, places_taken
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.extensions import db
from tests.helpers import csrf_from, post_form

PASSWORD = "my own pass phrase"
LINK = re.compile(r"http://localhost(/invitation/[A-Za-z0-9_-]+)")


@pytest.fixture
def admin(client, login, make_user):
    user = make_user("admin@example.org", name="Ann Admin", is_admin=True)
    login(user)
    return user


def _invite(client, **fields):
    data = {"email": "", "name": "", "organisation": "", "job_title": "", "cohort": "",
            "role": "participant", **fields}
    return post_form(client, "/admin/invite", data)


def _counts() -> dict[str, int]:
    db.session.rollback()
    return {
        model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (User, Membership, AccountToken, MailMessage)
    }


def _invitation_link(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def test_inviting_a_new_person_into_a_cohort(client, new_client, admin, outbox, make_cohort):
    cohort = make_cohort("Data maturity 2026")
    response = _invite(client, email="Nia@Example.org", name="Nia Jones",
                       organisation="Anytown Council", cohort=str(cohort.id), role="facilitator")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/invite"
    assert "Invitation sent to nia@example.org" in client.get("/admin/invite").get_data(as_text=True)

    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == "nia@example.org"
    assert message["Subject"] == "You are invited to Cohort"
    body = message.get_content()
    assert "Ann Admin has invited you to Data maturity 2026 as facilitator" in body
    link = _invitation_link(message)

    # The invitee opens the link in their own browser, chooses a password, and is signed in.
    invitee = new_client()
    page = invitee.get(link)
    assert page.status_code == 200
    assert "Welcome to Cohort, Nia Jones" in page.get_data(as_text=True)
    response = post_form(invitee, link, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = invitee.get("/").get_data(as_text=True)
    assert "Welcome to Cohort. Your password is set." in home
    assert "Data maturity 2026" in home
    assert "Facilitator" in home

    db.session.rollback()
    user = db.session.execute(select(User).where(User.email == "nia@example.org")).scalar_one()
    assert user.organisation == "Anytown Council"
    membership = db.session.execute(select(Membership)).scalar_one()
    assert (membership.user_id, membership.role) == (user.id, "facilitator")
    assert membership.organisation.name == "Anytown Council"


def test_an_invitation_link_works_once(client, new_client, admin, outbox):
    _invite(client, email="nia@example.org", name="Nia Jones")
    link = _invitation_link(outbox[0])
    invitee = new_client()
    token = csrf_from(invitee.get(link))
    data = {"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD}
    assert invitee.post(link, data=data).status_code == 302

    # Opened again by the invitee or anyone else, or posted again, the link is refused.
    stranger = new_client()
    again = {**data, "csrf_token": csrf_from(stranger.get("/login"))}
    for response in (invitee.get(link), stranger.get(link), stranger.post(link, data=again)):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "This invitation link has already been used" in page
        assert "sign in" in page


def test_a_refused_password_leaves_the_invitation_open(client, new_client, admin, outbox):
    _invite(client, email="nia@example.org", name="Nia Jones")
    link = _invitation_link(outbox[0])
    invitee = new_client()
    response = post_form(invitee, link, {"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert invitee.get("/account").status_code == 302
    response = post_form(invitee, link, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302


def test_an_account_invited_to_nothing_is_refused_not_mailed(client, admin, outbox,
                                                             make_user):
    make_user("grace@example.org", name="Grace Hopper")
    before = _counts()
    response = _invite(client, email="grace@example.org", cohort="")
    assert response.status_code == 200
    assert ("Grace Hopper already has an account: choose a cohort to add them to, or make "
            "them a site administrator") in response.get_data(as_text=True)
    assert outbox == [] and _counts() == before


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u2060 \ufeff"])
def test_a_name_of_nothing_visible_is_asked_for(client, admin, outbox, name):
    before = _counts()
    response = _invite(client, email="nia@example.org", name=name)
    assert response.status_code == 200
    assert "Enter the person" in response.get_data(as_text=True)
    assert outbox == [] and _counts() == before


def test_inviting_again_someone_who_has_not_accepted_says_a_new_link_went(
        client, admin, outbox):
    _invite(client, email="nia@example.org", name="Nia Jones")
    response = _invite(client, email="nia@example.org", name="Nia Jones")
    assert response.status_code == 302
    page = client.get("/admin/invite").get_data(as_text=True)
    assert ("Nia Jones had not accepted their invitation yet: a new one has been sent to "
            "nia@example.org.") in page
    assert len(outbox) == 2 and "already had an account" not in page


def test_inviting_an_existing_user_adds_the_membership_and_tells_them(
    client, admin, outbox, make_user, make_cohort
):
    person = make_user("grace@example.org", name="Grace Hopper")
    cohort = make_cohort("Evaluation cohort")
    before = _counts()

    response = _invite(client, email="GRACE@example.org", cohort=str(cohort.id),
                       role="evaluator", organisation="Somewhere", job_title="Analyst")
    assert response.status_code == 302
    assert "Grace Hopper already had an account" in client.get("/admin/invite").get_data(
        as_text=True
    )

    after = _counts()
    assert after["User"] == before["User"]
    assert after["Membership"] == before["Membership"] + 1
    assert after["AccountToken"] == before["AccountToken"]  # no invitation link
    membership = db.session.execute(select(Membership)).scalar_one()
    assert (membership.user_id, membership.cohort_id, membership.role) == (
        person.id, cohort.id, "evaluator"
    )
    assert membership.organisation.name == "Somewhere"

    assert len(outbox) == 1
    body = outbox[0].get_content()
    assert outbox[0]["Subject"] == "You have been added to Evaluation cohort as evaluator"
    assert "/invitation/" not in body
    assert "http://localhost/login" in body


def test_inviting_someone_already_in_the_cohort_is_refused(
    client, admin, outbox, make_member
):
    member = make_member(role="participant")
    before = _counts()
    response = _invite(client, email=member.user.email, cohort=str(member.cohort_id),
                       role="facilitator")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"{member.user.name} is already in this cohort as participant" in page
    assert "govuk-error-summary" in page
    assert _counts() == before
    assert outbox == []


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.org", "nia@", "@example.org"])
def test_a_malformed_email_is_refused(client, admin, outbox, email):
    before = _counts()
    response = _invite(client, email=email, name="Nia Jones")
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)
    assert _counts() == before
    assert outbox == []


def test_a_new_person_needs_a_name(client, admin, outbox):
    before = _counts()
    response = _invite(client, email="nia@example.org")
    assert response.status_code == 200
    assert "Enter the person&#39;s name" in response.get_data(as_text=True)
    assert _counts() == before
    assert outbox == []


def test_an_unknown_cohort_is_refused(client, admin, outbox):
    response = _invite(client, email="nia@example.org", name="Nia Jones", cohort="999")
    assert response.status_code == 200
    assert "Choose a cohort from the list, or No cohort" in response.get_data(as_text=True)
    assert outbox == []


def test_the_invite_page_is_for_admins_only(client, new_client, login, make_member):
    member = make_member(role="facilitator")
    login(member.user)
    assert client.get("/admin/invite").status_code == 403
    token = csrf_from(client.get("/"))
    response = client.post("/admin/invite", data={"csrf_token": token, "email": "x@example.org",
                                                  "name": "X", "cohort": "", "role": "participant"})
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)
    assert _counts()["User"] == 1

    anonymous = new_client().get("/admin/invite")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")


def test_invite_service_can_grant_admin(client, admin, make_user):
    response = _invite(client, email="second@example.org", name="Second Admin", is_admin="y")
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.execute(select(User).where(User.email == "second@example.org")).scalar_one()
    assert user.is_admin


def test_reinviting_someone_who_never_accepted_sends_a_new_link(admin, make_user, outbox):
    pending = make_user("late@example.org", password=None)
    user, created = invite(admin, "late@example.org", "")
    commit()
    assert (user.id, created) == (pending.id, False)
    assert "/invitation/" in outbox[-1].get_content()


def test_a_participant_invited_into_a_cohort_takes_one_of_its_places(client, admin, outbox,
                                                                      make_cohort):
    """As an accepted application does: each participant has a place for the plan, and the
    cohort holds no more participants than its places."""
    cohort = make_cohort("Data maturity 2026", capacity=2)
    for email in ("nia@example.org", "omar@example.org"):
        response = _invite(client, email=email, name="Someone", organisation="Anytown Council",
                           cohort=str(cohort.id), role="participant")
        assert response.status_code == 302
    db.session.rollback()
    places = {m.user.email: m.place for m in db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id)).scalars()}
    assert sorted(place.slot for place in places.values()) == [1, 2]
    assert places["nia@example.org"].organisation.name == "Anytown Council"
    assert places_taken(cohort) == 2 and all(holder_of(place) for place in places.values())

    before, mail_before = _counts(), len(outbox)
    response = _invite(client, email="pat@example.org", name="Pat Full", cohort=str(cohort.id),
                       role="participant")
    assert response.status_code == 200
    assert ("The cohort is full: all 2 places are taken. Raise its capacity first, or invite "
            "them into another role.") in response.get_data(as_text=True)
    assert _counts() == before and len(outbox) == mail_before
    # Staff take no place.
    assert _invite(client, email="pat@example.org", name="Pat Full", cohort=str(cohort.id),
                   role="evaluator").status_code == 302
    assert places_taken(cohort) == 2
