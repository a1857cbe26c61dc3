"""Who answers surveys and who reads the evaluation. Participants (the places' holders)
answer; the evaluator and the facilitators read the report and its exports; the facilitators
give the surveys. A survey in a URL loads as one of the URL's cohort (else 404)."""

from cohort.cohorts.models import Cohort
from cohort.cohorts.permissions import role_in
from cohort.core.guard import Loader, child
from cohort.evaluation.models import Survey

__all__ = ["READERS", "can_answer_surveys", "can_view_evaluation"]

READERS = ("evaluator", "facilitator")  # the roles that read a cohort's evaluation


def can_answer_surveys(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) == "participant"


def can_view_evaluation(user, cohort: Cohort) -> bool:
    return role_in(user, cohort) in READERS


LOADERS = (Loader("survey_id", "survey", child(Survey, "cohort_id"), parent="cohort"),)
