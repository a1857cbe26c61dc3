"""A place's team, handing the place over, and leaving."""

import pytest
from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership, Place, PlaceHolding
from cohort.cohorts.services import holder_of, places_taken, team_of
from cohort.core.database import commit
from cohort.core.errors import UserError
from cohort.enrolment.models import HandoverRequest
from cohort.enrolment.services import (
    EnrolmentError,
    decide_colleague,
    decide_handover,
    hand_over,
    leave_place,
    propose_colleague,
    request_handover,
)
from cohort.extensions import db
from tests.helpers import post_form

from .helpers import fresh, link_path, mail_to, text_of


def count(model) -> int:
    return db.session.execute(select(func.count(model.id))).scalar_one()


def holdings(place) -> list[tuple]:
    return [(h.user.email, h.how_started, h.how_ended, h.ended_at is not None)
            for h in db.session.execute(select(PlaceHolding).where(PlaceHolding.place_id == place.id)
                                        .order_by(PlaceHolding.id)).scalars()]


# The team of a place ----------------------------------------------------------------------------


def test_a_colleague_waits_for_the_facilitator_then_sees_the_cohort(client, new_client, login,
                                                                    make_cohort, facilitator,
                                                                    holder, make_user, outbox):
    cohort = make_cohort("Wellbeing 2027")
    boss = facilitator(cohort)
    asha = holder(cohort)
    cara = make_user("cara@example.org", "Cara Lewis")
    login(asha.user)
    response = post_form(client, f"/cohorts/{cohort.id}/me/team",
                         {"team-email": "Cara@Example.org", "team-name": "Cara"},
                         page=f"/cohorts/{cohort.id}/me")
    assert response.status_code == 302
    page = text_of(client.get(f"/cohorts/{cohort.id}/me"))
    # The answer names the colleague as typed, never an account's own name.
    assert "We have emailed Cara a link to join your team" in page
    assert "Cara (invited: waiting for them to confirm)" in page
    assert mail_to(outbox, boss.email) == []  # nothing reaches the facilitator yet
    fresh()
    assert db.session.execute(select(Membership).where(Membership.user_id == cara.id)).first() is None

    # Cara confirms through the link mailed to her address.
    invitation = mail_to(outbox, "cara@example.org")[-1]
    link = link_path(invitation, "/team/")
    theirs = new_client()
    assert "Join" in text_of(theirs.get(link))
    joined = post_form(theirs, link, {})
    assert "You have confirmed" in text_of(joined)
    assert "Team member to approve" in mail_to(outbox, boss.email)[-1]["Subject"]
    assert "Cara Lewis (waiting for the facilitator's approval)" in text_of(
        client.get(f"/cohorts/{cohort.id}/me"))

    theirs = new_client()
    login(cara, the_client=theirs)
    assert theirs.get(f"/cohorts/{cohort.id}").status_code == 404  # pending: not in yet
    assert theirs.get(f"/cohorts/{cohort.id}/members").status_code == 404

    fresh()
    pending = db.session.execute(select(Membership).where(Membership.user_id == cara.id)).scalar_one()
    boss_client = new_client()
    login(boss, the_client=boss_client)
    response = post_form(boss_client, f"/cohorts/{cohort.id}/team/{pending.id}",
                         {"decision": "approve"}, page=f"/cohorts/{cohort.id}/roster")
    assert response.status_code == 302
    assert theirs.get(f"/cohorts/{cohort.id}").status_code == 200
    assert mail_to(outbox, "cara@example.org")[-1]["Subject"] == "You have joined Wellbeing 2027"
    fresh()
    assert [m.user.name for m in team_of(asha.place)] == ["Cara Lewis"]
    assert places_taken(cohort) == 1  # a team member takes no place


def test_a_new_colleague_is_invited_once_approved(make_cohort, facilitator, holder, outbox,
                                                  new_client):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    colleague = propose_colleague(asha.user, asha.place, "dev@example.org", "Dev Shah")
    commit()
    assert mail_to(outbox, "dev@example.org") == []  # nothing until the facilitator approves
    decide_colleague(boss, colleague, approve=True)
    commit()
    [message] = mail_to(outbox, "dev@example.org")
    assert new_client().get(link_path(message, "/invitation/")).status_code == 200


def test_a_declined_colleague_stays_out(client, new_client, login, make_cohort, facilitator,
                                        holder, make_user):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    cara = make_user("cara@example.org")
    pending = propose_colleague(asha.user, asha.place, cara.email, "")
    commit()
    login(boss)
    post_form(client, f"/cohorts/{cohort.id}/team/{pending.id}", {"decision": "decline"},
              page=f"/cohorts/{cohort.id}/roster")
    fresh()
    assert db.session.get(Membership, pending.id).status == "declined"
    theirs = new_client()
    login(cara, the_client=theirs)
    assert theirs.get(f"/cohorts/{cohort.id}").status_code == 404
    # Deciding again has nothing to decide.
    response = post_form(client, f"/cohorts/{cohort.id}/team/{pending.id}",
                         {"decision": "approve"}, page=f"/cohorts/{cohort.id}/roster")
    assert "There is nothing to decide for this person" in text_of(client.get(response.headers["Location"]))


@pytest.mark.parametrize(("email", "name", "message"), [
    ("not-an-email", "X", "Enter an email address in the correct format"),
    ("new@example.org", "", "Enter your colleague's name"),
])
def test_bad_colleague_input(client, login, make_cohort, holder, email, name, message):
    cohort = make_cohort()
    asha = holder(cohort)
    login(asha.user)
    response = post_form(client, f"/cohorts/{cohort.id}/me/team",
                         {"team-email": email, "team-name": name}, page=f"/cohorts/{cohort.id}/me")
    assert message in text_of(client.get(response.headers["Location"]))
    assert count(Membership) == 1


def test_someone_in_the_cohort_cannot_join_a_team(make_cohort, facilitator, holder):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    with pytest.raises(UserError, match="already in this cohort as facilitator"):
        propose_colleague(asha.user, asha.place, boss.email, "")


def test_only_a_place_holder_brings_colleagues(client, login, make_member, make_cohort):
    cohort = make_cohort()
    login(make_member(cohort, "evaluator").user)
    response = post_form(client, f"/cohorts/{cohort.id}/me/team",
                         {"team-email": "x@example.org", "team-name": "X"},
                         page=f"/cohorts/{cohort.id}/me")
    assert response.status_code == 403
    assert count(User) == 1


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


def test_a_holder_proposes_and_the_facilitator_approves(client, new_client, login, make_cohort,
                                                        facilitator, holder, outbox):
    cohort = make_cohort("Wellbeing 2027")
    boss = facilitator(cohort)
    asha = holder(cohort)
    login(asha.user)
    response = post_form(client, f"/cohorts/{cohort.id}/me/handover",
                         {"handover-email": "nia@example.org", "handover-name": "Nia Jones",
                          "handover-note": "I move to another post in May."},
                         page=f"/cohorts/{cohort.id}/me")
    assert response.status_code == 302
    assert "Your proposal has been sent to the facilitator" in text_of(
        client.get(response.headers["Location"]))
    assert mail_to(outbox, boss.email)[-1]["Subject"] == "Handover proposed in Wellbeing 2027"
    # A second proposal while the first waits is refused.
    response = post_form(client, f"/cohorts/{cohort.id}/me/handover",
                         {"handover-email": "other@example.org", "handover-name": "Other"},
                         page=f"/cohorts/{cohort.id}/me")
    assert "You have already proposed a successor" in text_of(client.get(response.headers["Location"]))
    fresh()
    [proposal] = db.session.execute(select(HandoverRequest)).scalars().all()
    assert (proposal.successor_email, proposal.note) == ("nia@example.org",
                                                          "I move to another post in May.")

    boss_client = new_client()
    login(boss, the_client=boss_client)
    roster = text_of(boss_client.get(f"/cohorts/{cohort.id}/roster"))
    assert "proposes to hand their place over to Nia Jones (nia@example.org)" in roster
    response = post_form(boss_client, f"/cohorts/{cohort.id}/handovers/{proposal.id}",
                         {"decision": "approve"}, page=f"/cohorts/{cohort.id}/roster")
    assert "Handover approved" in text_of(boss_client.get(response.headers["Location"]))
    fresh()
    assert db.session.get(HandoverRequest, proposal.id).status == "approved"
    assert holder_of(asha.place).user.email == "nia@example.org"
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404  # Asha has left


def test_the_facilitator_declines_a_proposal(client, login, make_cohort, facilitator, holder,
                                            outbox):
    cohort = make_cohort("Wellbeing 2027")
    boss = facilitator(cohort)
    asha = holder(cohort)
    proposal = request_handover(asha.user, asha.place, "nia@example.org", "Nia", None)
    commit()
    login(boss)
    post_form(client, f"/cohorts/{cohort.id}/handovers/{proposal.id}", {"decision": "decline"},
              page=f"/cohorts/{cohort.id}/roster")
    fresh()
    assert db.session.get(HandoverRequest, proposal.id).status == "declined"
    assert holder_of(asha.place).id == asha.id
    assert "not approved" in mail_to(outbox, asha.user.email)[-1]["Subject"]
    with pytest.raises(EnrolmentError, match="already been decided"):
        decide_handover(boss, db.session.get(HandoverRequest, proposal.id), approve=True)
    # Once decided, a new proposal may be made.
    request_handover(asha.user, asha.place, "other@example.org", "Other", None)


@pytest.mark.parametrize(("who", "message"), [
    ("holder", "The successor must be someone other than the current holder"),
    ("facilitator", "is already in this cohort as facilitator"),
])
def test_a_proposal_that_could_never_be_approved_is_refused(make_cohort, facilitator, holder,
                                                            who, message):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    email = asha.user.email if who == "holder" else boss.email.upper()
    with pytest.raises(EnrolmentError, match=message):
        request_handover(asha.user, asha.place, email, "A Successor", None)


def test_a_proposal_made_out_of_date_is_not_approved(make_cohort, facilitator, holder):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    proposal = request_handover(asha.user, asha.place, "nia@example.org", "Nia", None)
    # Meanwhile the facilitator hands the place to someone else directly.
    hand_over(boss, asha.place, "ben@example.org", "Ben")
    commit()
    with pytest.raises(EnrolmentError, match="no longer holds this place"):
        decide_handover(boss, proposal, approve=True)
    db.session.rollback()
    assert holder_of(asha.place).user.email == "ben@example.org"


def test_a_given_up_place_cannot_be_handed_over(make_cohort, facilitator, holder):
    cohort = make_cohort()
    boss = facilitator(cohort)
    asha = holder(cohort)
    leave_place(asha.user, asha)
    with pytest.raises(EnrolmentError, match="This place has been given up"):
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
