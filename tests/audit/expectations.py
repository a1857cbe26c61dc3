"""What each actor of the audit's world may reach: the rows the route audit and the permission
matrix hold the routes to.

Each route declares what it loads and the rules that must hold (cohort/core/guard.py). The
rows below say, for the world of tests/audit/conftest.py, how to fill each URL argument and
what answer each rule gives each actor; a route's expected answers are derived from its
declaration: anonymous users are sent to sign in (401 for a non-HTML path); an actor who may
not see the route's cohort gets 404; otherwise the first of its rules that refuses the actor
answers, and 200 when none does. OVERRIDES holds what cannot be derived (a route that answers
by redirecting), and PUBLIC_ARGUMENTS fills public routes with real objects.

The world: cohort A has a participant (holding a place, with a plan item, a feedback request
on the board with its draft, a suggested resource), a facilitator and an evaluator; the
outsider is a participant of cohort B; the admin is a site admin in no cohort.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ACTORS = ("anonymous", "outsider", "participant", "facilitator", "evaluator", "admin")
SIGNED_IN_ACTORS = ACTORS[1:]
LOGIN = "login"  # expected answer: a redirect to the sign-in page


def expect(*, anonymous=LOGIN, outsider, participant, facilitator, evaluator, admin) -> dict:
    """The answer each actor gets: a status code, or LOGIN for a redirect to sign-in."""
    return {"anonymous": anonymous, "outsider": outsider, "participant": participant,
            "facilitator": facilitator, "evaluator": evaluator, "admin": admin}


@dataclass(frozen=True)
class Row:
    """URL arguments taken from the world (objects in cohort A), and each actor's answer."""

    arguments: Callable[[Any], dict]
    expected: dict


EVERYONE = expect(outsider=200, participant=200, facilitator=200, evaluator=200, admin=200)
# Who may see cohort A at all (its members and site admins): the cohort loader's answer.
COHORT_VISIBLE = expect(outsider=404, participant=200, facilitator=200, evaluator=200, admin=200)

# URL arguments: the world's object each names.
ARGUMENTS: dict[str, Callable[[Any], Any]] = {
    "cohort_id": lambda w: w.cohort_a.id,
    "session_id": lambda w: w.session.id,
    "material_id": lambda w: w.material.id,
    "message_id": lambda w: w.mail.id,
    "application_id": lambda w: w.application.id,
    "place_id": lambda w: w.place.id,
    "request_id": lambda w: w.handover.id,
    "membership_id": lambda w: w.colleague.id,
    "member_id": lambda w: w.holder.id,  # the participant's profile
    "reminder_id": lambda w: w.reminder.id,
    "item_id": lambda w: w.item.id,
    "round_id": lambda w: w.assessment_round.id,
    "which": lambda w: "overdue",
    "thread_id": lambda w: w.thread.id,
    "post_id": lambda w: w.post.id,
    "version_id": lambda w: w.version.id,
    "attachment_id": lambda w: w.attachment.id,
    "resource_id": lambda w: w.resource.id,
    "survey_id": lambda w: w.survey.id,
    "notice_id": lambda w: w.notice.id,
    # accounts: the person a site administrator's page is about (a person's page, erasure)
    "user_id": lambda w: w.users["participant"].id,
}

# Each rule's answer to each signed-in actor, for the world's objects.
RULES: dict[str, dict] = {
    # accounts
    "is_admin": expect(outsider=403, participant=403, facilitator=403, evaluator=403, admin=200),
    # cohorts
    "can_view_cohort": EVERYONE,
    "is_member": expect(outsider=404, participant=200, facilitator=200, evaluator=200,
                        admin=404),
    "can_facilitate": expect(outsider=404, participant=403, facilitator=200, evaluator=403,
                             admin=403),
    "can_create_cohort": expect(outsider=403, participant=403, facilitator=200, evaluator=403,
                                admin=200),
    "takes_part": expect(outsider=404, participant=200, facilitator=403, evaluator=403,
                         admin=403),
    # Members' profiles: the people learning together; to the evaluator and a site admin who
    # is no member they do not exist.
    "can_see_profiles": expect(outsider=404, participant=200, facilitator=200, evaluator=404,
                               admin=404),
    # enrolment
    # Bringing colleagues, proposing a handover: the holder of a place (the world's participant).
    "holds_place": expect(outsider=404, participant=200, facilitator=403, evaluator=403,
                          admin=403),
    # evaluation
    # Answering surveys: the cohort's participants (the places' holders); staff are refused.
    "can_answer_surveys": expect(outsider=404, participant=200, facilitator=403, evaluator=403,
                                 admin=403),
    # The evaluator's report and its exports: the evaluator and the facilitators.
    "can_view_evaluation": expect(outsider=404, participant=403, facilitator=200, evaluator=200,
                                  admin=403),
    # board: its participants and facilitators; the evaluator and site admins see no board.
    # The thread is the participant's request for feedback; the post is its opening post.
    "can_view_board": expect(outsider=404, participant=200, facilitator=200, evaluator=403,
                             admin=403),
    "can_post": expect(outsider=404, participant=200, facilitator=200, evaluator=403,
                       admin=403),
    "can_moderate": expect(outsider=404, participant=403, facilitator=200, evaluator=403,
                           admin=403),
    "can_manage_resources": expect(outsider=404, participant=403, facilitator=200,
                                   evaluator=403, admin=403),
    "wrote_post": expect(outsider=403, participant=200, facilitator=403, evaluator=403,
                         admin=403),
    "started_thread": expect(outsider=403, participant=200, facilitator=403, evaluator=403,
                             admin=403),
    "is_feedback_request": EVERYONE,
    # plans: a place's plan to the people on it (the participant) and the cohort's staff
    "can_view_plan": expect(outsider=404, participant=200, facilitator=200, evaluator=200,
                            admin=404),
    "can_edit_plan": expect(outsider=404, participant=200, facilitator=403, evaluator=403,
                            admin=404),
    "can_view_maturity": expect(outsider=404, participant=403, facilitator=200, evaluator=200,
                                admin=403),
}

# Routes whose answers cannot be derived from their declaration: each actor's answer.
OVERRIDES: dict[str, dict] = {
    # The old time-zone page: everyone signed in is sent on to their settings page.
    "accounts.preferences": expect(outsider=302, participant=302, facilitator=302,
                                   evaluator=302, admin=302),
    # reminders
    # The old reminder settings page: members are sent on to their settings page.
    "reminders.settings": {"participant": 302, "facilitator": 302, "evaluator": 302},
    # board: the old settings page sends board members on to their settings page
    "board.settings": {"participant": 302, "facilitator": 302},
    # board: a post (a search result) opens its thread's page that holds it
    "board.post": {"participant": 302, "facilitator": 302},
    # plans: your plan and your assessment send you to your place's (staff: the cohort's) page
    "plans.my_plan": {"participant": 302, "facilitator": 302, "evaluator": 302},
    "plans.my_assessment": {"facilitator": 302, "evaluator": 302},
    # home: a notice opens (and leads to what it is about) for its own person only
    "home.open_notice": expect(outsider=404, participant=302, facilitator=404, evaluator=404,
                               admin=404),
}

# Endpoints that take a POST without a CSRF token, with the reason; any other exempt POST is a
# defect the CSRF check reports.
CSRF_EXEMPT = {
    "accounts.unsubscribe": "RFC 8058: the mail program posts with no session and no form",
}

PUBLIC_ARGUMENTS: dict[str, Callable[[Any], dict]] = {
    "static": lambda world: {"filename": "dist/cohort.css"},
    "accounts.reset_password": lambda world: {"token": world.reset_token},
    "accounts.accept_invitation": lambda world: {"token": world.invitation_token},
    "accounts.unsubscribe": lambda world: {"token": world.unsubscribe_token},
    "programme.feed": lambda world: {"token": world.users["participant"].calendar_token},
    # enrolment
    "enrolment.apply": lambda world: {"slug": world.cohort_a.slug},
    "enrolment.application_status": lambda world: {"token": world.application_token},
    "enrolment.confirm_application": lambda world: {"token": world.submission_token},
    "enrolment.join_team": lambda world: {"token": world.team_token},
}
