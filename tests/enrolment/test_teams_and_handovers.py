"""A place's team (colleagues the holder brings, approved by the facilitator), and a holder's
proposal of a successor."""

import pytest
from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.cohorts.models import Membership, PlaceHolding
from cohort.cohorts.services import (
    hand_over,
    holder_of,
    leave_place,
    places_taken,
    team_of,
)
from cohort.core.database import commit
from cohort.core.errors import UserError
from cohort.enrolment.models import HandoverRequest
from cohort.enrolment.services import (
    EnrolmentError,
    decide_colleague,
    decide_handover,
    pending_handovers,
    propose_colleague,
    request_handover,
)
from cohort.extensions import db
from tests.helpers import fresh, link_path, mail_to, post_form, text_of


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


# Proposing a successor --------------------------------------------------------------------------


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


def test_a_holder_who_leaves_takes_their_proposal_with_them(client, login, make_cohort,
                                                            facilitator, holder, outbox):
    """Nobody is asked to decide a proposal that could never be approved, and the leaver is
    not told "your place is still yours"."""
    cohort = make_cohort("Wellbeing 2027")
    boss = facilitator(cohort)
    asha = holder(cohort)
    proposal_id = request_handover(asha.user, asha.place, "nia@example.org", "Nia", None).id
    commit()
    login(asha.user)
    assert post_form(client, f"/cohorts/{cohort.id}/me/leave", {}).status_code == 302
    fresh()
    assert db.session.get(HandoverRequest, proposal_id) is None
    assert pending_handovers(cohort) == []
    # One left over from before (the holder gone another way), declined: no mail to them.
    ben = holder(cohort)
    stale = request_handover(ben.user, ben.place, "omar@example.org", "Omar", None)
    leave_place(boss, ben, how="removed")
    commit()
    before = len(mail_to(outbox, ben.user.email))
    decide_handover(boss, db.session.get(HandoverRequest, stale.id), approve=False)
    commit()
    assert len(mail_to(outbox, ben.user.email)) == before
