"""Staff, the roster and the member directory."""

import pytest
from sqlalchemy import select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership
from cohort.cohorts.services import CohortError, hand_over, update_working_on
from cohort.core.database import commit
from cohort.core.timeutil import format_date, utcnow
from cohort.enrolment.services import decide_colleague, propose_colleague
from cohort.extensions import db
from tests.helpers import (
    DEFAULT_PASSWORD,
    count_queries,
    fresh,
    link_path,
    mail_to,
    post_form,
    text_of,
)

# Staff ------------------------------------------------------------------------------------------


def add_staff(client, cohort, email, role, name=""):
    return post_form(client, f"/cohorts/{cohort.id}/staff",
                     {"email": email, "name": name, "role": role})


@pytest.mark.parametrize("role", ["facilitator", "evaluator"])
def test_a_new_person_is_invited_as_staff(client, new_client, login, make_cohort, facilitator,
                                          outbox, role):
    cohort = make_cohort("Wellbeing 2027")
    login(facilitator(cohort))
    response = add_staff(client, cohort, "New.Colleague@Example.org", role, "Nia Jones")
    assert response.status_code == 302
    fresh()
    user = db.session.execute(select(User).where(User.email == "new.colleague@example.org")).scalar_one()
    membership = db.session.execute(select(Membership).where(Membership.user_id == user.id)).scalar_one()
    assert (membership.cohort_id, membership.role, user.name) == (cohort.id, role, "Nia Jones")
    [message] = mail_to(outbox, "new.colleague@example.org")
    assert new_client().get(link_path(message, "/invitation/")).status_code == 200


def test_an_existing_user_is_added_as_co_facilitator_and_can_manage(client, new_client, login,
                                                                    make_cohort, facilitator,
                                                                    make_user, outbox):
    cohort = make_cohort("Wellbeing 2027")
    login(facilitator(cohort))
    colleague = make_user("co@example.org")
    assert add_staff(client, cohort, "co@example.org", "facilitator").status_code == 302
    message = mail_to(outbox, "co@example.org")[-1]
    assert message["Subject"] == "You have been added to Wellbeing 2027 as facilitator"
    theirs = new_client()
    login(colleague, the_client=theirs)
    assert theirs.get(f"/cohorts/{cohort.id}/roster").status_code == 200


@pytest.mark.parametrize(("email", "name", "role", "message"), [
    ("not-an-email", "Nia Jones", "evaluator", "Enter an email address in the correct format"),
    ("", "Nia Jones", "evaluator", "Enter their email address"),
    ("nia@example.org", "", "evaluator", "Enter the person's name"),
    ("nia@example.org", "Nia Jones", "participant", "Choose co-facilitator or evaluator"),
    ("nia@example.org", "Nia Jones", "", "Choose a role"),
])
def test_bad_staff_input_is_refused(client, login, make_cohort, facilitator, email, name, role,
                                    message):
    cohort = make_cohort()
    login(facilitator(cohort))
    response = add_staff(client, cohort, email, role, name)
    assert response.status_code == 200
    assert message in text_of(response)
    fresh()
    assert db.session.execute(select(User).where(User.email == "nia@example.org")).first() is None


def test_someone_already_in_the_cohort_cannot_be_added_again(client, login, make_cohort,
                                                             facilitator, holder):
    cohort = make_cohort()
    login(facilitator(cohort))
    participant = holder(cohort)
    response = add_staff(client, cohort, participant.user.email, "evaluator")
    assert f"{participant.user.name} is already in this cohort as participant" in text_of(response)
    fresh()
    assert db.session.get(Membership, participant.id).role == "participant"


# Roster -----------------------------------------------------------------------------------------


def test_the_roster_shows_each_place_with_its_team_and_history(client, login, make_cohort,
                                                               facilitator, holder, make_user):
    cohort = make_cohort(capacity=4)
    boss = facilitator(cohort)
    first = holder(cohort, make_user(name="Asha Patel"), "Northshire Council", "Employee wellbeing")
    holder(cohort, make_user(name="Ben Okafor"), "Southby Borough", "Mental wellbeing")
    colleague = propose_colleague(first.user, first.place, "cara@example.org", "Cara Lewis")
    decide_colleague(boss, colleague, approve=True)
    propose_colleague(first.user, first.place, "dev@example.org", "Dev Shah")  # still pending
    hand_over(boss, first.place, "cara@example.org")
    commit()
    login(boss)
    page = text_of(client.get(f"/cohorts/{cohort.id}/roster"))
    assert "2 of 4 places taken" in page
    assert "Place 1: Cara Lewis" in page
    assert "Place 2: Ben Okafor" in page
    for shown in ("Northshire Council", "Employee wellbeing", "Southby Borough",
                  "Mental wellbeing", "Active", "(1 waiting for approval)"):
        assert shown in page
    today = format_date(utcnow(), "Europe/London")  # the viewer's zone
    assert f"Asha Patel, from {today} to {today} (handed over)" in page
    assert f"Cara Lewis, from {today} (now)" in page
    assert "Dev Shah (dev@example.org) to join the team of Northshire Council" in page


def test_the_roster_query_count_does_not_grow_with_the_places(new_client, login, make_cohort,
                                                              facilitator, holder, make_user):
    def queries(places: int) -> int:
        cohort = make_cohort(capacity=places)
        boss = facilitator(cohort)
        for n in range(places):
            membership = holder(cohort, make_user(password=None), organisation=f"Council {n}")
            colleague = propose_colleague(membership.user, membership.place,
                                         f"team{cohort.id}-{n}@example.org", f"Team {n}")
            decide_colleague(boss, colleague, approve=True)
            commit()
        client = new_client()
        login(boss, the_client=client)
        client.get(f"/cohorts/{cohort.id}/roster")  # warm: the session and caches
        with count_queries() as counted:
            assert client.get(f"/cohorts/{cohort.id}/roster").status_code == 200
        return counted[0]

    few, many = queries(3), queries(12)
    assert few == many


# Directory and "what I am working on" -----------------------------------------------------------


def test_the_directory_shows_who_is_in_the_cohort_and_what_they_work_on(client, login,
                                                                        make_cohort, facilitator,
                                                                        holder, make_user):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort, make_user(name="Asha Patel"), "Northshire Council", "Employee wellbeing")
    update_working_on(asha.user, asha, "Drafting the strategy's consultation")
    pending = propose_colleague(asha.user, asha.place, "dev@example.org", "Dev Shah")
    commit()
    login(asha.user)
    page = text_of(client.get(f"/cohorts/{cohort.id}/members"))
    for shown in ("Asha Patel", "Northshire Council", "Employee wellbeing",
                  "Drafting the strategy's consultation"):
        assert shown in page
    assert "Dev Shah" not in page  # not approved yet
    assert boss.name not in page.split("Working on", 1)[1]  # staff are not in the directory
    decide_colleague(boss, db.session.get(Membership, pending.id), approve=True)
    commit()
    assert "Dev Shah (team member)" in text_of(client.get(f"/cohorts/{cohort.id}/members"))


def test_a_member_keeps_what_they_are_working_on_current(client, login, make_cohort, holder):
    cohort = make_cohort()
    asha = holder(cohort)
    login(asha.user)
    response = post_form(client, f"/cohorts/{cohort.id}/me", {"working_on": "  Piloting a survey  "})
    assert response.status_code == 302
    assert "Piloting a survey" in text_of(client.get(f"/cohorts/{cohort.id}/members"))
    fresh()
    assert db.session.get(Membership, asha.id).working_on == "Piloting a survey"


def test_over_500_characters_is_refused(client, login, make_cohort, holder):
    cohort = make_cohort()
    asha = holder(cohort)
    update_working_on(asha.user, asha, "Before")
    commit()
    login(asha.user)
    response = post_form(client, f"/cohorts/{cohort.id}/me", {"working_on": "x" * 501})
    assert response.status_code == 200
    assert "Keep it to 500 characters or fewer" in text_of(response)
    assert post_form(client, f"/cohorts/{cohort.id}/me", {"working_on": "y" * 500}).status_code == 302
    with pytest.raises(CohortError, match="500 characters"):
        update_working_on(asha.user, asha, "z" * 501)


def test_the_directory_query_count_does_not_grow(new_client, login, make_cohort, holder,
                                                 make_user):
    def queries(members: int) -> int:
        cohort = make_cohort(capacity=members)
        holders = [holder(cohort, make_user(password=None if n else DEFAULT_PASSWORD),
                          organisation=f"Council {n}") for n in range(members)]
        client = new_client()
        login(holders[0].user, the_client=client)
        client.get(f"/cohorts/{cohort.id}/members")
        with count_queries() as counted:
            client.get(f"/cohorts/{cohort.id}/members")
        return counted[0]

    few, many = queries(3), queries(12)
    assert few == many
