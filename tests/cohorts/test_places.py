"""Handing a place over (to a team member or someone new), and leaving it."""

import pytest
from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership, Place, PlaceHolding
from cohort.cohorts.services import (
    CohortError,
    hand_over,
    holder_of,
    leave_place,
    places_taken,
    team_of,
)
from cohort.core.database import commit
from cohort.enrolment.services import decide_colleague, propose_colleague
from cohort.extensions import db
from tests.helpers import fresh, link_path, mail_to, post_form, text_of


def count(model) -> int:
    return db.session.execute(select(func.count(model.id))).scalar_one()


def holdings(place) -> list[tuple]:
    return [(h.user.email, h.how_started, h.how_ended, h.ended_at is not None)
            for h in db.session.execute(select(PlaceHolding).where(PlaceHolding.place_id == place.id)
                                        .order_by(PlaceHolding.id)).scalars()]


# Handing a place over ---------------------------------------------------------------------------


def test_the_facilitator_hands_a_place_to_a_team_member(client, new_client, login, make_cohort,
                                                        facilitator, holder, make_user, outbox):
    cohort = make_cohort("Wellbeing 2027")
    boss = facilitator(cohort)
    asha = holder(cohort, make_user("asha@example.org", "Asha Patel"))
    place = asha.place
    cara = propose_colleague(asha.user, place, "cara@example.org", "Cara Lewis")
    decide_colleague(boss, cara, approve=True)
    commit()
    login(boss)
    page = text_of(client.get(f"/cohorts/{cohort.id}/places/{place.id}/handover"))
    assert "Team members of this place: Cara Lewis (cara@example.org)" in page
    response = post_form(client, f"/cohorts/{cohort.id}/places/{place.id}/handover",
                         {"email": "cara@example.org", "name": ""})
    assert response.status_code == 302
    assert "The place now belongs to Cara Lewis" in text_of(client.get(response.headers["Location"]))
    fresh()
    place = db.session.get(Place, place.id)
    successor = holder_of(place)
    assert (successor.id, successor.role, successor.approved) == (cara.id, "participant", True)
    assert team_of(place) == []
    assert db.session.get(Membership, asha.id).status == "left"
    assert holdings(place) == [("asha@example.org", "accepted", "handover", True),
                               ("cara@example.org", "handover", None, False)]
    assert (place.slot, places_taken(cohort)) == (1, 1)  # the same place, still taken
    assert "Your place in" in mail_to(outbox, "asha@example.org")[-1]["Subject"]
    assert "You now hold a place" in mail_to(outbox, "cara@example.org")[-1]["Subject"]
    # The leaver no longer sees the cohort.
    theirs = new_client()
    login(asha.user, the_client=theirs)
    assert theirs.get(f"/cohorts/{cohort.id}").status_code == 404


def test_a_place_goes_to_someone_new_by_email(client, new_client, login, make_cohort,
                                              facilitator, holder, outbox):
    cohort = make_cohort()
    login(facilitator(cohort))
    asha = holder(cohort, organisation="Northshire Council", area_of_focus="Employee wellbeing")
    response = post_form(client, f"/cohorts/{cohort.id}/places/{asha.place_id}/handover",
                         {"email": "New.Person@example.org", "name": "Nia Jones"})
    assert response.status_code == 302
    fresh()
    successor = holder_of(db.session.get(Place, asha.place_id))
    assert (successor.user.email, successor.user.name) == ("new.person@example.org", "Nia Jones")
    assert (successor.organisation.name, successor.area_of_focus) == (
        "Northshire Council", "Employee wellbeing")
    [message] = mail_to(outbox, "new.person@example.org")
    assert new_client().get(link_path(message, "/invitation/")).status_code == 200


@pytest.mark.parametrize(("who", "message"), [
    ("holder", "The successor must be someone other than the current holder"),
    ("facilitator", "is already in this cohort as facilitator"),
    ("evaluator", "is already in this cohort as evaluator"),
    ("other holder", "is already in this cohort as participant"),
    ("other team", "is already in this cohort as team member"),
    ("bad email", "Enter an email address in the correct format"),
    ("new without a name", "Enter the person's name"),
])
def test_a_handover_to_the_wrong_person_writes_nothing(client, login, make_cohort, facilitator,
                                                       holder, make_member, who, message):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    other = holder(cohort)
    other_team = propose_colleague(other.user, other.place, "team@example.org", "Team Member")
    decide_colleague(boss, other_team, approve=True)
    commit()
    email = {
        "holder": asha.user.email, "facilitator": boss.email,
        "evaluator": make_member(cohort, "evaluator").user.email,
        "other holder": other.user.email, "other team": "team@example.org",
        "bad email": "nobody", "new without a name": "new@example.org",
    }[who]
    before = holdings(asha.place), count(User), count(Membership)
    login(boss)
    response = post_form(client, f"/cohorts/{cohort.id}/places/{asha.place_id}/handover",
                         {"email": email, "name": ""})
    assert response.status_code == 200
    assert message in text_of(response)
    fresh()
    assert (holdings(asha.place), count(User), count(Membership)) == before
    assert holder_of(asha.place).id == asha.id


def test_a_given_up_place_cannot_be_handed_over(make_cohort, facilitator, holder):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    leave_place(asha.user, asha)
    with pytest.raises(CohortError, match="This place has been given up"):
        hand_over(boss, asha.place, "nia@example.org", "Nia")


# Leaving ----------------------------------------------------------------------------------------


def test_a_participant_leaves_and_the_place_is_freed(client, new_client, login, open_cohort,
                                                     facilitator, holder, apply_to):
    cohort = open_cohort(capacity=1)
    boss = facilitator(cohort)
    asha = holder(cohort)
    cara = propose_colleague(asha.user, asha.place, "cara@example.org", "Cara Lewis")
    decide_colleague(boss, cara, approve=True)
    pending = propose_colleague(asha.user, asha.place, "dev@example.org", "Dev Shah")
    commit()
    apply_to(cohort, name="Waiting Person")  # full: on the waitlist
    login(asha.user)
    confirm = client.get(f"/cohorts/{cohort.id}/me/leave")
    assert "Are you sure you want to leave?" in text_of(confirm)
    fresh()
    assert db.session.get(Membership, asha.id).status == "active"  # the GET changed nothing
    response = post_form(client, f"/cohorts/{cohort.id}/me/leave", {})
    assert response.status_code == 302
    fresh()
    place = db.session.get(Place, asha.place_id)
    assert (place.status, place.slot) == ("freed", None)
    assert places_taken(cohort) == 0
    assert {m.id: m.status for m in db.session.execute(select(Membership).where(
        Membership.id.in_([asha.id, cara.id, pending.id]))).scalars()} == {
        asha.id: "left", cara.id: "left", pending.id: "left"}
    assert holdings(place)[-1][2] == "withdrew"
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404
    boss_client = new_client()
    login(boss, the_client=boss_client)
    applications = text_of(boss_client.get(f"/cohorts/{cohort.id}/applications"))
    assert "A place is free. Next on the waitlist: Waiting Person" in applications
    roster = text_of(boss_client.get(f"/cohorts/{cohort.id}/roster"))
    assert "0 of 1 places taken. Next on the waitlist: Waiting Person" in roster
    assert "Place given up: no holder" in roster


def test_the_facilitator_removes_a_participant(client, login, make_cohort, facilitator, holder):
    cohort = make_cohort()
    login(facilitator(cohort))
    asha = holder(cohort)
    url = f"/cohorts/{cohort.id}/members/{asha.id}/remove"
    assert f"Remove {asha.user.name} from the cohort?" in text_of(client.get(url))
    response = post_form(client, url, {})
    assert "Their place is free" in text_of(client.get(response.headers["Location"]))
    fresh()
    assert db.session.get(Membership, asha.id).status == "left"
    assert holdings(asha.place)[-1][2] == "removed"
    # Removing twice gets a clear message.
    response = post_form(client, url, {}, page=f"/cohorts/{cohort.id}/roster")
    assert "already left" in text_of(client.get(response.headers["Location"]))
