"""The world the signed-in audits run in, and one signed-in client per actor.

A new route whose URL needs an object the world lacks (a thread, a survey, ...) adds that
object here, in cohort A, so members of A may see it and the outsider (of cohort B) may not.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from cohort.core.database import commit
from cohort.reminders.services import ReminderData, add_reminder

from . import checks

PASSWORD = "audit trail passphrase"


@dataclass
class World:
    cohort_a: Any
    cohort_b: Any
    users: dict  # actor -> User (every actor but anonymous)
    session: Any  # a workshop in cohort A
    material: Any  # a PDF on that workshop
    mail: Any  # a message in the mail log
    invitation_token: str  # a live invitation link's token
    reset_token: str  # a live password reset link's token
    unsubscribe_token: str  # the participant's one-click link out of cohort A's optional reminders
    # enrolment (see enrolment_objects)
    application: Any = None  # a submitted application to cohort A, whose call is open
    application_token: str = ""  # its status page's token
    submission_token: str = ""  # a second applicant's answers, waiting for their confirmation
    team_token: str = ""  # a colleague's invitation to the participant's team, not yet confirmed
    # reminders
    reminder: Any = None  # a reminder before the world's session
    holder: Any = None  # the participant's membership: they hold a place
    place: Any = None  # that place
    handover: Any = None  # the participant's pending proposal to hand the place over
    colleague: Any = None  # a colleague in the place's team, waiting for the facilitator
    # plans
    assessment_round: Any = None  # an open self-assessment round in cohort A
    item: Any = None  # an item of the participant's place's action plan
    # board
    thread: Any = None  # the participant's request for feedback on a draft
    post: Any = None  # its opening post, the participant's
    version: Any = None  # the draft's first version, a PDF
    attachment: Any = None  # that PDF
    resource: Any = None  # a resource the participant suggested
    # evaluation
    survey: Any = None  # an anonymous knowledge survey before the programme, open now
    # home
    notice: Any = None  # the participant's notice of that survey


def enrolment_objects(cohort_a, participant) -> dict:
    """Open cohort A's call and add an application to it; give the participant a place, a
    pending handover proposal and a colleague waiting for approval."""
    from datetime import timedelta

    from cohort.cohorts.models import PlaceHolding
    from cohort.cohorts.services import membership_of, take_place
    from cohort.core.timeutil import utcnow
    from cohort.enrolment.services import (
        invite_colleague,
        propose_colleague,
        request_application,
        request_handover,
        submit_application,
    )
    from cohort.extensions import db

    now = utcnow()
    cohort_a.applications_open_at = now - timedelta(days=1)
    cohort_a.applications_close_at = now + timedelta(days=30)
    application, token, _created = submit_application(
        cohort_a, "applicant@example.org", name="An Applicant", organisation_name="A Council",
        job_title="Policy officer", professional_background="Policy", area_of_focus="Wellbeing",
        strategy="A wellbeing strategy", motivation="To learn from peers")
    submission_token = request_application(
        cohort_a, "second.applicant@example.org", name="Second Applicant",
        organisation_name="B Council", job_title="Policy officer",
        professional_background="Policy", area_of_focus="Wellbeing", strategy="A strategy",
        motivation="To learn")
    holder = membership_of(participant, cohort_a)
    holder.place = take_place(cohort_a, "A Council", "Wellbeing")
    db.session.add(PlaceHolding(place_id=holder.place.id, user_id=participant.id, started_at=now))
    handover = request_handover(participant, holder.place, "successor@example.org", "A Successor",
                                None)
    colleague = propose_colleague(participant, holder.place, "colleague@example.org", "A Colleague")
    team_token = invite_colleague(participant, holder.place, "second.colleague@example.org",
                                  "Second Colleague")
    return {"application": application, "application_token": token,
            "submission_token": submission_token, "team_token": team_token, "holder": holder,
            "place": holder.place, "handover": handover, "colleague": colleague}


@pytest.fixture
def world(make_user, make_cohort, make_member, make_session) -> World:
    from cohort.accounts.services import issue_token, unsubscribe_token
    from cohort.core.mail import queue_mail
    from cohort.core.notices import tell
    from cohort.programme.services import add_material

    cohort_a = make_cohort("Cohort A")
    cohort_b = make_cohort("Cohort B")
    def member(cohort, role):
        return make_member(cohort, role, user=make_user(password=PASSWORD)).user

    users = {
        "participant": member(cohort_a, "participant"),
        "facilitator": member(cohort_a, "facilitator"),
        "evaluator": member(cohort_a, "evaluator"),
        "outsider": member(cohort_b, "participant"),
        "admin": make_user(password=PASSWORD, is_admin=True),
    }
    session = make_session(cohort_a)
    material = add_material(users["facilitator"], session, "Slides", filename="slides.pdf",
                            data=b"%PDF-1.4\n%%EOF\n")
    invitee = make_user(password=None)
    invitation_token = issue_token(invitee, "invitation")
    reset_token = issue_token(users["participant"], "reset")
    unsubscribe = unsubscribe_token(users["participant"], cohort_a.id, "reminders")
    mail = queue_mail(users["participant"].email, "Welcome", "Hello")
    enrolment = enrolment_objects(cohort_a, users["participant"])
    reminder = add_reminder(users["facilitator"], cohort_a, ReminderData(
        anchor="session_start", offset_minutes=-60 * 24, session_id=session.id,
        subject="Tomorrow: ((session))", body="Hello ((name)), see you at ((time))."))
    plans = plan_objects(cohort_a, users, enrolment["place"])
    board = board_objects(cohort_a, users)
    survey = evaluation_objects(cohort_a, users)
    notice = tell(users["participant"].id, "survey", "The survey is open",
                  cohort_id=cohort_a.id, subject="survey", subject_id=survey.id)
    commit()
    return World(cohort_a, cohort_b, users, session, material, mail, invitation_token, reset_token,
                 unsubscribe,
                 **enrolment, reminder=reminder, **plans, **board, survey=survey,
                 notice=notice)


def plan_objects(cohort_a, users, place) -> dict:
    """Open a self-assessment round in cohort A and give the participant's place a plan item."""
    from cohort.plans.services import ItemData, add_item, ensure_shipped, open_round

    framework = ensure_shipped()[0]
    assessment_round = open_round(users["facilitator"], cohort_a, "Start of the programme")
    item = add_item(users["participant"], place, framework, ItemData(
        title="Draft the strategy", hallmarks=["1"], current_level="not_yet",
        target_level="assuring", owner_id=users["participant"].id))
    return {"assessment_round": assessment_round, "item": item}


def board_objects(cohort_a, users) -> dict:
    """The participant and the facilitator agree to the ground rules; the participant asks for
    feedback on a draft (a PDF) and suggests a resource."""
    from cohort.board import services
    from cohort.cohorts.services import membership_of

    for actor in ("participant", "facilitator"):
        services.acknowledge(membership_of(users[actor], cohort_a))
    participant = membership_of(users["participant"], cohort_a)
    thread = services.create_thread(users["participant"], participant, cohort_a,
                                    services.NewThread(
        kind="feedback", title="Our draft strategy", body="Where the draft stands.",
        questions=["Are the measures right?"],
        draft_file=services.FileIn("draft.pdf", b"%PDF-1.4\n%%EOF\n")))
    version = services.versions_of(thread)[0]
    post = services.posts_page(thread, None).items[0]
    resource = services.add_resource(users["participant"], cohort_a, services.ResourceData(
        title="Measures bank", topic="Measuring wellbeing", url="https://example.org/measures"),
        approved=False)
    return {"thread": thread, "post": post, "version": version,
            "attachment": version.attachment, "resource": resource}


def evaluation_objects(cohort_a, users):
    """An anonymous knowledge survey in cohort A, open now, before the programme."""
    from datetime import timedelta

    from cohort.core.timeutil import utcnow
    from cohort.evaluation.services import attach_survey

    now = utcnow()
    return attach_survey(users["facilitator"], cohort_a, "knowledge", "pre",
                         now - timedelta(days=1), now + timedelta(days=14), True)


@pytest.fixture
def clients(app, world) -> dict:
    """actor -> a test client signed in as that actor (the anonymous one is not)."""
    signed_in = {"anonymous": checks.new_client(app)}
    for actor, user in world.users.items():
        signed_in[actor] = checks.new_client(app)
        checks.sign_in(app, signed_in[actor], user.email, PASSWORD)
    return signed_in
