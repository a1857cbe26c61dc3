"""Who may reach the enrolment module's routes (see cohort/core/access.py)."""

from cohort.cohorts.access import FACILITATORS, FACILITATORS_POST, MEMBERS_ONLY, in_cohort_a
from cohort.core.access import Row, expect

# Bringing colleagues, proposing a handover: the holder of a place (the world's participant).
HOLDER_POST = expect(outsider=404, participant=302, facilitator=403, evaluator=403, admin=404)

PUBLIC = {
    "enrolment.apply": "the public call for applications (a draft cohort's answers 404)",
    "enrolment.application_status": "an applicant's status page; the emailed token is the credential",
    "enrolment.confirm_application": "the emailed link that confirms an application; the token "
                                     "is the credential",
    "enrolment.join_team": "the emailed link a colleague confirms a team invitation with; the "
                           "token is the credential",
}
PUBLIC_ARGUMENTS = {
    "enrolment.apply": lambda world: {"slug": world.cohort_a.slug},
    "enrolment.application_status": lambda world: {"token": world.application_token},
    "enrolment.confirm_application": lambda world: {"token": world.submission_token},
    "enrolment.join_team": lambda world: {"token": world.team_token},
}
# For a POST-only route, only the refused actors are requested (a successful POST would change
# what the others see); the module's own view tests cover the allowed ones.
MATRIX = {
    "enrolment.applications": Row(in_cohort_a, FACILITATORS),
    "enrolment.application": Row(lambda w: in_cohort_a(w, application_id=w.application.id),
                                 FACILITATORS),
    "enrolment.offer_next": Row(in_cohort_a, FACILITATORS_POST),
    "enrolment.roster": Row(in_cohort_a, FACILITATORS),
    "enrolment.handover": Row(lambda w: in_cohort_a(w, place_id=w.place.id), FACILITATORS),
    "enrolment.decide_handover": Row(lambda w: in_cohort_a(w, request_id=w.handover.id),
                                     FACILITATORS_POST),
    "enrolment.decide_colleague": Row(lambda w: in_cohort_a(w, membership_id=w.colleague.id),
                                      FACILITATORS_POST),
    "enrolment.remove_member": Row(lambda w: in_cohort_a(w, membership_id=w.holder.id),
                                   FACILITATORS),
    "enrolment.my_place": Row(in_cohort_a, MEMBERS_ONLY),
    "enrolment.invite_colleague": Row(in_cohort_a, HOLDER_POST),
    "enrolment.propose_handover": Row(in_cohort_a, HOLDER_POST),
    "enrolment.leave": Row(in_cohort_a, MEMBERS_ONLY),
}
