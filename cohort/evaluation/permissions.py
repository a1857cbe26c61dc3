"""Who answers surveys and who reads the evaluation. Participants (the places' holders)
answer; the evaluator and the facilitators read the report and its exports; the facilitators
give the surveys."""

from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import role_in

__all__ = ["can_answer_surveys", "can_view_evaluation"]


def can_answer_surveys(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) == "participant"


def can_view_evaluation(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) in ("evaluator", "facilitator")
