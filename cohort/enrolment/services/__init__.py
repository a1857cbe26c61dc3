"""Enrolment services: the call for applications, review and the waitlist; handover proposals
and teams. The places themselves are the cohort module's (cohort.cohorts.services)."""

from cohort.enrolment.services.applications import (
    APPLICATION_FIELDS,
    accept_application,
    application_by_token,
    application_counts,
    applications_page,
    check_call_open,
    decline_application,
    next_on_waitlist,
    submit_application,
    waitlist_application,
    waitlist_offer,
)
from cohort.enrolment.services.errors import EnrolmentError
from cohort.enrolment.services.handovers import (
    decide_handover,
    leave,
    pending_handovers,
    request_handover,
)
from cohort.enrolment.services.submissions import (
    confirm_submission,
    request_application,
    submission_by_token,
    withdraw_application,
)
from cohort.enrolment.services.teams import (
    decide_colleague,
    invite_colleague,
    join_team,
    propose_colleague,
    team_invitation_by_token,
    waiting_invitations,
)

__all__ = [
    "accept_application", "application_by_token", "application_counts", "APPLICATION_FIELDS",
    "applications_page", "check_call_open", "confirm_submission", "decide_colleague",
    "decide_handover", "decline_application", "EnrolmentError",
    "invite_colleague", "join_team", "next_on_waitlist", "leave", "pending_handovers", "propose_colleague",
    "request_application", "request_handover", "submission_by_token", "submit_application",
    "team_invitation_by_token", "waiting_invitations", "waitlist_application", "waitlist_offer",
    "withdraw_application",
]
