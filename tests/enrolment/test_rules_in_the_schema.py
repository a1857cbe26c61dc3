"""The "one per" rules and concurrent decisions are held by the database, not only by checks in
Python: a second pending proposal, open holding or holder of a place is refused by a partial
unique index; two people deciding the same row at once, by a version column."""

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from cohort.cohorts.models import Membership, PlaceHolding
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import Application, HandoverRequest
from cohort.enrolment.services import applications as application_services
from cohort.enrolment.services import (
    decide_colleague,
    decide_handover,
    propose_colleague,
    request_handover,
    waitlist_application,
)
from cohort.extensions import db
from tests.helpers import post_form


def _refused(write) -> None:
    with pytest.raises(IntegrityError):
        write()
        db.session.flush()
    db.session.rollback()


def test_a_place_has_one_pending_proposal(open_cohort, holder):
    asha = holder(open_cohort())
    request_handover(asha.user, asha.place, "bea@example.org", "Bea", None)
    commit()
    _refused(lambda: db.session.add(HandoverRequest(
        place_id=asha.place_id, requested_by_id=asha.user_id, successor_email="cy@example.org")))


def test_a_place_has_one_open_holding(open_cohort, holder, make_user):
    asha = holder(open_cohort())
    _refused(lambda: db.session.add(PlaceHolding(
        place_id=asha.place_id, user_id=make_user().id, started_at=utcnow())))


def test_a_place_has_one_holder(open_cohort, holder, make_member):
    cohort = open_cohort()
    asha = holder(cohort)
    other = make_member(cohort, "colleague")
    _refused(lambda: db.session.execute(update(Membership).where(Membership.id == other.id)
                                        .values(role="participant", place_id=asha.place_id)))


def test_two_applications_cannot_share_a_waitlist_position(open_cohort, apply_to):
    cohort = open_cohort()
    first, _ = apply_to(cohort)
    second, _ = apply_to(cohort)
    first.status, first.waitlist_position = "waitlisted", 1
    commit()
    _refused(lambda: db.session.execute(update(Application).where(Application.id == second.id)
                                        .values(status="waitlisted", waitlist_position=1)))


def test_a_position_taken_meanwhile_is_not_given_twice(open_cohort, apply_to, facilitator,
                                                       monkeypatch):
    """Two waitlistings at once both read the same last position: the index refuses the second
    one's, and it takes the next."""
    cohort = open_cohort()
    boss = facilitator(cohort)
    first, _ = apply_to(cohort)
    second, _ = apply_to(cohort)
    waitlist_application(boss, first)
    commit()
    real = application_services._next_waitlist_position
    stale = iter([1])  # what a request that read before `first` was waitlisted would see
    monkeypatch.setattr(application_services, "_next_waitlist_position",
                        lambda cohort_id: next(stale, None) or real(cohort_id))
    waitlist_application(boss, second)
    commit()
    assert (db.session.get(Application, first.id).waitlist_position,
            db.session.get(Application, second.id).waitlist_position) == (1, 2)


def _decided_elsewhere(row, **values) -> None:
    """Another facilitator's decision on `row`, committed on another connection after this
    session loaded it (the session keeps what it loaded, as a request that read first does)."""
    db.session.expunge(row)
    db.session.commit()
    model = type(row)
    with db.engine.begin() as conn:
        conn.execute(update(model).where(model.id == row.id)
                     .values(version=model.version + 1, **values))
    db.session.add(row)


def test_two_facilitators_deciding_one_proposal(open_cohort, holder, facilitator):
    cohort = open_cohort()
    boss, asha = facilitator(cohort), holder(cohort)
    proposal = request_handover(asha.user, asha.place, "bea@example.org", "Bea", None)
    commit()
    db.session.refresh(proposal)
    _decided_elsewhere(proposal, status="declined", decided_at=utcnow())
    with pytest.raises(StaleDataError):
        decide_handover(boss, proposal, approve=True)
    db.session.rollback()
    assert db.session.get(HandoverRequest, proposal.id).status == "declined"


def test_two_facilitators_deciding_one_team_member(open_cohort, holder, facilitator):
    cohort = open_cohort()
    boss, asha = facilitator(cohort), holder(cohort)
    colleague = propose_colleague(asha.user, asha.place, "cy@example.org", "Cy")
    commit()
    db.session.refresh(colleague)
    _decided_elsewhere(colleague, status="declined", left_at=utcnow())
    with pytest.raises(StaleDataError):
        decide_colleague(boss, colleague, approve=True)
    db.session.rollback()
    assert db.session.get(Membership, colleague.id).status == "declined"


def test_the_second_decision_is_told_what_happened(client, login, open_cohort, holder,
                                                   facilitator, monkeypatch):
    """Through the roster: when the proposal changed between the request reading it and
    writing it, the facilitator is told, and nothing of their decision is written."""
    cohort = open_cohort()
    boss, asha = facilitator(cohort), holder(cohort)
    proposal = request_handover(asha.user, asha.place, "bea@example.org", "Bea", None)
    commit()
    login(boss)
    real = decide_handover

    def changed_meanwhile(acting, request, approve):
        # What another facilitator's decision does to the row under this request's feet.
        db.session.execute(update(HandoverRequest).where(HandoverRequest.id == request.id)
                           .values(version=HandoverRequest.version + 1)
                           .execution_options(synchronize_session=False))
        return real(acting, request, approve)

    monkeypatch.setattr("cohort.enrolment.services.decide_handover", changed_meanwhile)
    response = post_form(client, f"/cohorts/{cohort.id}/handovers/{proposal.id}",
                         {"decision": "approve"}, page=f"/cohorts/{cohort.id}/roster",
                         follow_redirects=True)
    assert "Someone else changed this a moment ago" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(HandoverRequest, proposal.id).status == "pending"
    assert db.session.get(Membership, asha.id).status == "active"
