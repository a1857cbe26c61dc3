"""Enrolment's part of a person's data (enrolment/personal_data.py): applications, answers not
yet confirmed, decisions taken, handovers and team invitations, found by the person's address
as well as their account; what an erasure deletes or blanks; what goes when a finished cohort's
retention period has passed."""

from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.enrolment import personal_data as part
from cohort.enrolment.models import (
    Application,
    ApplicationSubmission,
    HandoverRequest,
    TeamInvitation,
)
from cohort.enrolment.services import (
    decide_handover,
    invite_colleague,
    request_application,
    request_handover,
    waitlist_application,
)
from cohort.extensions import db
from tests.helpers import answers


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _ann_in_enrolment(open_cohort, apply_to, holder, facilitator, make_user):
    """Ann applies (and is waitlisted), sends answers she never confirms to a second cohort,
    is proposed as Bob's successor and invited onto his team; Bob's earlier proposal of Cy
    was approved."""
    cohort = open_cohort("Wellbeing 2026")
    fay = facilitator(cohort)
    ann = make_user("ann@example.org", "Ann Lee")
    application, _token = apply_to(cohort, "ann@example.org", name="Ann Lee")
    waitlist_application(fay, application, "You are first on the list.")
    request_application(open_cohort("Wellbeing 2027"), "ann@example.org",
                        **answers(name="Ann Lee"))
    bob = holder(cohort, make_user("bob@example.org", "Bob Stone"))
    decided = request_handover(bob.user, bob.place, "cy@example.org", "Cy Young", "Cy knows it")
    decide_handover(fay, decided, approve=False)
    request_handover(bob.user, bob.place, "ann@example.org", "Ann Lee", "Ann runs it now")
    invite_colleague(bob.user, bob.place, "ann@example.org", "Ann Lee")
    commit()
    return cohort, ann, bob, fay


def test_her_download_finds_what_names_her_address(open_cohort, apply_to, holder, facilitator,
                                                    make_user):
    _cohort, ann, bob, fay = _ann_in_enrolment(open_cohort, apply_to, holder, facilitator,
                                               make_user)
    mine = part.export(ann)
    [application] = mine["applications"]
    assert (application["name"], application["status"], application["decision_message"]) == (
        "Ann Lee", "On the waitlist", "You are first on the list.")
    assert [s["cohort"] for s in mine["answers_not_confirmed"]] == ["Wellbeing 2027"]
    [handover] = mine["handovers_of_a_place"]
    assert not handover["proposed_by_you"] and handover["note"] is None  # Bob's words, not hers
    assert [(i["sent_by_you"], i["email"]) for i in mine["team_invitations"]] == [
        (False, "ann@example.org")]
    his = part.export(bob.user)
    assert [(h["successor_name"], h["note"]) for h in his["handovers_of_a_place"]] == [
        ("Cy Young", "Cy knows it"), ("Ann Lee", "Ann runs it now")]
    assert [d["decision"] for d in part.export(fay)["decisions_you_took_on_applications"]] == [
        "On the waitlist"]


def test_her_erasure_deletes_her_applications_and_what_is_waiting_for_her(
        open_cohort, apply_to, holder, facilitator, make_user):
    _cohort, ann, bob, _fay = _ann_in_enrolment(open_cohort, apply_to, holder, facilitator,
                                                make_user)
    part.erase(ann)
    commit()
    assert _count(Application) == 0 and _count(ApplicationSubmission) == 0
    assert _count(TeamInvitation) == 0
    [kept] = db.session.execute(select(HandoverRequest)).scalars().all()
    assert (kept.successor_email, kept.status) == ("cy@example.org", "declined")

    part.erase(bob.user)  # the proposer: his words go from what was decided
    commit()
    assert (kept.note, kept.successor_name) == (None, "Cy Young")


def test_a_finished_cohorts_applications_and_proposals_go(open_cohort, apply_to, holder,
                                                          facilitator, make_user):
    cohort, _ann, _bob, _fay = _ann_in_enrolment(open_cohort, apply_to, holder, facilitator,
                                                 make_user)
    expected = {"applications": 1, "answers never confirmed": 0, "team invitations": 1,
                "handover proposals": 2}
    assert part.expire(cohort, dry_run=True) == expected
    assert _count(HandoverRequest) == 2
    assert part.expire(cohort, dry_run=False) == expected
    commit()
    assert _count(Application) == _count(HandoverRequest) == _count(TeamInvitation) == 0
    assert _count(ApplicationSubmission) == 1  # the other cohort's
