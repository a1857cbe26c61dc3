"""Reviewing applications: the list, decisions, capacity and the waitlist."""

import pytest
from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership, Place, PlaceHolding
from cohort.cohorts.services import CohortError, leave_place, places_taken
from cohort.core.database import commit
from cohort.enrolment.models import Application
from cohort.enrolment.services import (
    EnrolmentError,
    accept_application,
    applications_page,
    decline_application,
    next_on_waitlist,
    waitlist_application,
    withdraw_application,
)
from cohort.extensions import db
from tests.helpers import body, fresh, link_path, mail_to, post_form, text_of


def count(model) -> int:
    return db.session.execute(select(func.count(model.id))).scalar_one()


@pytest.fixture
def reviewing(client, login, open_cohort, facilitator):
    """reviewing(capacity=12) -> (cohort, facilitator): the client is signed in as them."""

    def _reviewing(capacity=12, **fields):
        cohort = open_cohort(capacity=capacity, **fields)
        user = facilitator(cohort)
        login(user)
        return cohort, user

    return _reviewing


def decide(client, cohort, application, decision, message=""):
    url = f"/cohorts/{cohort.id}/applications/{application.id}"
    return post_form(client, url, {"decision": decision, "message": message})


# The list ---------------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_searches_names_and_organisations(open_cohort, apply_to,
                                                                         make_user):
    cohort = open_cohort()
    asha, _ = apply_to(cohort, name="Asha Patel", organisation_name="Northshire Council")
    ben, _ = apply_to(cohort, name="Ben Okafor", organisation_name="Southby Borough")
    cara, _ = apply_to(cohort, name="Cara Lewis", organisation_name="NORTHSHIRE Health")
    decline_application(make_user(), ben)
    commit()

    def names(status=None, query=None):
        return [a.name for a in applications_page(cohort, status, query, None).items]

    assert sorted(names()) == ["Asha Patel", "Ben Okafor", "Cara Lewis"]
    assert names("declined") == ["Ben Okafor"]
    assert sorted(names("submitted")) == ["Asha Patel", "Cara Lewis"]
    assert names("no-such-status") == names()  # an unknown filter shows everything
    assert sorted(names(query="northshire")) == ["Asha Patel", "Cara Lewis"]
    assert names(query="OKAFOR") == ["Ben Okafor"]
    assert names("submitted", "okafor") == []
    assert names(query="%") == []  # wildcards are searched for as they are
    assert names(query="_") == []


def test_the_list_is_paginated_by_25(client, reviewing, apply_to):
    cohort, _ = reviewing()
    for n in range(30):
        apply_to(cohort, name=f"Person {n:02}")
    first = applications_page(cohort, None, None, "1")
    assert (first.pages, len(first.items)) == (2, 25)
    assert len(applications_page(cohort, None, None, "2").items) == 5
    rows = f'href="/cohorts/{cohort.id}/applications/'
    page_two = client.get(f"/cohorts/{cohort.id}/applications?page=2")
    assert "30 applications" in text_of(page_two)
    assert page_two.get_data(as_text=True).count(rows) == 5
    for bad in ("abc", "-1", "0", "1.5", "99999999999999999999", "٢", "²"):
        response = client.get(f"/cohorts/{cohort.id}/applications?page={bad}")
        assert response.status_code == 200, bad
        assert response.get_data(as_text=True).count(rows) == 25, bad  # the first page


def test_the_list_page_filters_and_searches(client, reviewing, apply_to):
    cohort, _ = reviewing()
    apply_to(cohort, name="Asha Patel", organisation_name="Northshire Council")
    apply_to(cohort, name="Ben Okafor", organisation_name="Southby Borough")
    page = text_of(client.get(f"/cohorts/{cohort.id}/applications?q=SOUTHBY"))
    assert "Ben Okafor" in page
    assert "Asha Patel" not in page
    page = text_of(client.get(f"/cohorts/{cohort.id}/applications?status=declined"))
    assert "No application matches" in page


# Decisions --------------------------------------------------------------------------------------


def test_accepting_a_new_person_sends_an_invitation(client, new_client, reviewing, apply_to,
                                                    outbox):
    cohort, _ = reviewing()
    application, token = apply_to(cohort, "asha@example.org", name="Asha Patel")
    response = decide(client, cohort, application, "accept", "See you in September")
    assert response.status_code == 302
    fresh()
    application = db.session.get(Application, application.id)
    assert application.status == "accepted"
    user = db.session.execute(select(User).where(User.email == "asha@example.org")).scalar_one()
    membership = db.session.execute(select(Membership).where(Membership.user_id == user.id)).scalar_one()
    assert (membership.role, membership.cohort_id) == ("participant", cohort.id)
    place = db.session.get(Place, membership.place_id)
    assert (place.slot, application.place_id) == (1, place.id)
    assert place.organisation.name == "Northshire County Council"
    holding = db.session.execute(select(PlaceHolding)).scalar_one()
    assert (holding.user_id, holding.how_started, holding.ended_at) == (user.id, "accepted", None)
    [message] = mail_to(outbox, "asha@example.org")[-1:]
    assert message["Subject"] == f"You have a place in {cohort.title}"
    assert "See you in September" in body(message)
    invitation = new_client().get(link_path(message, "/invitation/"))
    assert invitation.status_code == 200
    assert "Accepted" in text_of(client.get(f"/applications/{token}"))


def test_an_existing_user_gains_the_membership_and_a_notice(client, reviewing, apply_to,
                                                            make_user, outbox):
    cohort, _ = reviewing()
    known = make_user("known@example.org", "Known Person")
    application, _ = apply_to(cohort, "Known@Example.org")
    decide(client, cohort, application, "accept")
    fresh()
    membership = db.session.execute(select(Membership).where(Membership.user_id == known.id)).scalar_one()
    assert membership.role == "participant"
    assert count(User) == 2  # the facilitator and the known person: nobody new
    message = mail_to(outbox, "known@example.org")[-1]
    assert "Sign in at http://localhost/login" in body(message)
    assert "/invitation/" not in body(message)


def test_the_waitlist_is_ordered(client, reviewing, apply_to, outbox):
    cohort, _ = reviewing()
    first, _ = apply_to(cohort, name="Ada Applied-First")
    second, _ = apply_to(cohort, name="Bo Applied-Second")
    third, _ = apply_to(cohort, name="Cy Applied-Third")
    for application in (second, first, third):
        assert decide(client, cohort, application, "waitlist").status_code == 302
    fresh()
    positions = {a.name: (a.status, a.waitlist_position)
                 for a in db.session.execute(select(Application)).scalars()}
    assert positions == {"Bo Applied-Second": ("waitlisted", 1),
                         "Ada Applied-First": ("waitlisted", 2),
                         "Cy Applied-Third": ("waitlisted", 3)}
    assert next_on_waitlist(cohort).name == "Bo Applied-Second"
    assert "on the waitlist (number 2)" in body(mail_to(outbox, first.email)[-1])
    page = text_of(client.get(f"/cohorts/{cohort.id}/applications?status=waitlisted"))
    page = page[page.index("3 applications"):]  # the table, after the flashed decisions
    assert page.index("Bo Applied") < page.index("Ada Applied") < page.index("Cy Applied")


def test_waitlisting_twice_is_refused(reviewing, apply_to):
    cohort, facilitator = reviewing()
    application, _ = apply_to(cohort)
    waitlist_application(facilitator, application)
    with pytest.raises(EnrolmentError, match="already on the waitlist"):
        waitlist_application(facilitator, application)


def test_declining_sends_the_message(client, reviewing, apply_to, outbox):
    cohort, _ = reviewing()
    application, _ = apply_to(cohort, "asha@example.org")
    decide(client, cohort, application, "decline", "We had many strong applications.")
    fresh()
    application = db.session.get(Application, application.id)
    assert (application.status, application.decision_message) == (
        "declined", "We had many strong applications.")
    assert "We had many strong applications." in body(mail_to(outbox, "asha@example.org")[-1])
    assert count(Membership) == 1  # the facilitator's only


def test_accepting_past_capacity_is_refused_and_nothing_written(client, reviewing, apply_to,
                                                                holder, outbox):
    cohort, _ = reviewing(capacity=2)
    holder(cohort)
    holder(cohort)
    application, _ = apply_to(cohort, "late@example.org")  # full: straight onto the waitlist
    assert application.status == "waitlisted"
    users, mails = count(User), len(outbox)
    response = decide(client, cohort, application, "accept")
    assert response.status_code == 200
    assert "The cohort is full: all 2 places are taken" in text_of(response)
    fresh()
    application = db.session.get(Application, application.id)
    assert (application.status, application.waitlist_position, application.place_id) == (
        "waitlisted", 1, None)
    assert (count(User), count(Place), places_taken(cohort)) == (users, 2, 2)
    assert len(outbox) == mails


def test_the_service_refuses_past_capacity(open_cohort, apply_to, holder, make_user):
    cohort = open_cohort(capacity=1)
    application, _ = apply_to(cohort)
    holder(cohort)
    with pytest.raises(CohortError, match="The cohort is full"):
        accept_application(make_user(), application)


@pytest.mark.parametrize(("first", "then", "message"), [
    ("accept", "decline", "This application has already been accepted"),
    ("decline", "accept", "This application has already been declined"),
    ("decline", "waitlist", "This application has already been declined"),
    ("waitlist", "waitlist", "This application is already on the waitlist"),
])
def test_deciding_twice_gets_a_clear_message(client, reviewing, apply_to, first, then, message):
    cohort, _ = reviewing()
    application, _ = apply_to(cohort)
    assert decide(client, cohort, application, first).status_code == 302
    response = decide(client, cohort, application, then)
    assert response.status_code == 200
    assert message in text_of(response)
    fresh()
    assert db.session.get(Application, application.id).status == {
        "accept": "accepted", "decline": "declined", "waitlist": "waitlisted"}[first]


def test_a_decision_must_be_chosen(client, reviewing, apply_to):
    cohort, _ = reviewing()
    application, _ = apply_to(cohort)
    response = decide(client, cohort, application, "")
    assert "Choose a decision" in text_of(response)
    response = decide(client, cohort, application, "promote")
    assert response.status_code == 200
    fresh()
    assert db.session.get(Application, application.id).status == "submitted"


def test_an_application_of_another_cohort_is_not_found(client, reviewing, open_cohort, apply_to):
    cohort, _ = reviewing()
    elsewhere, _ = apply_to(open_cohort())
    assert client.get(f"/cohorts/{cohort.id}/applications/{elsewhere.id}").status_code == 404
    assert decide(client, cohort, elsewhere, "accept").status_code == 404


# A place frees: the next on the waitlist, in one click -----------------------------------------


def test_a_freed_place_is_offered_to_the_next_on_the_waitlist(client, reviewing, apply_to,
                                                              holder, outbox):
    cohort, _ = reviewing(capacity=1)
    leaving = holder(cohort)
    first, _ = apply_to(cohort, "first@example.org", name="First Waiting")
    second, _ = apply_to(cohort, "second@example.org", name="Second Waiting")
    page = text_of(client.get(f"/cohorts/{cohort.id}/applications"))
    assert "A place is free" not in page
    # Full: the one-click offer says so and writes nothing.
    response = post_form(client, f"/cohorts/{cohort.id}/waitlist/offer-next", {},
                         page=f"/cohorts/{cohort.id}/applications")
    assert "The cohort is full" in text_of(client.get(response.headers["Location"]))

    leave_place(leaving.user, leaving)
    commit()
    page = text_of(client.get(f"/cohorts/{cohort.id}/applications"))
    assert "A place is free. Next on the waitlist: First Waiting" in page
    response = post_form(client, f"/cohorts/{cohort.id}/waitlist/offer-next", {},
                         page=f"/cohorts/{cohort.id}/applications")
    assert response.status_code == 302
    assert "First Waiting, next on the waitlist, has been offered the place" in text_of(
        client.get(response.headers["Location"]))
    fresh()
    assert db.session.get(Application, first.id).status == "accepted"
    assert db.session.get(Application, second.id).status == "waitlisted"
    assert places_taken(cohort) == 1
    assert "/invitation/" in body(mail_to(outbox, "first@example.org")[-1])
    # The queue closes up: the second is now first, and a newcomer second.
    assert db.session.get(Application, second.id).waitlist_position == 1
    third, _ = apply_to(cohort, "third@example.org", name="Third Waiting")
    assert db.session.get(Application, third.id).waitlist_position == 2
    assert "on the waitlist (number 2)" in body(mail_to(outbox, "third@example.org")[-1])


def test_the_waitlist_closes_up_when_someone_leaves_it(client, reviewing, apply_to, holder):
    """Withdrawn, declined or given a place, an application leaves no gap in the numbers: each
    says where its applicant stands, on their page, in the facilitator's list and in mail.
    While every place is taken the page says so; once one is free, it says that instead."""
    cohort, facilitator = reviewing(capacity=1)
    leaving = holder(cohort)
    applied = [apply_to(cohort, f"w{n}@example.org", name=f"Waiting {n}") for n in range(4)]
    assert [a.waitlist_position for a, _token in applied] == [1, 2, 3, 4]
    withdraw_application(applied[0][0])
    decline_application(facilitator, applied[2][0])
    commit()
    fresh()
    assert {a.name: a.waitlist_position for a in db.session.execute(select(Application).where(
        Application.status == "waitlisted")).scalars()} == {"Waiting 1": 1, "Waiting 3": 2}
    page = text_of(client.get(f"/applications/{applied[3][1]}"))
    assert "On the waitlist (number 2)" in page
    assert "Every place is taken at the moment" in page
    leave_place(leaving.user, leaving)
    commit()
    page = text_of(client.get(f"/applications/{applied[3][1]}"))
    assert "Every place is taken" not in page
    assert "A place has freed up: the facilitator may offer it to the first on the waitlist" in page


def test_offering_with_nobody_waiting(client, reviewing):
    cohort, _ = reviewing()
    response = post_form(client, f"/cohorts/{cohort.id}/waitlist/offer-next", {},
                         page=f"/cohorts/{cohort.id}/applications")
    assert "Nobody is on the waitlist" in text_of(client.get(response.headers["Location"]))
