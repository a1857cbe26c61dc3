"""Who may reach the evaluation module's routes (see cohort/core/access.py). In the world,
cohort A has an anonymous knowledge survey, open now, before the programme."""

from cohort.cohorts.access import FACILITATORS, FACILITATORS_POST, in_cohort_a
from cohort.core.access import Row, expect

# Answering: the cohort's participants (the places' holders); staff are refused.
RESPONDENTS = expect(outsider=404, participant=200, facilitator=403, evaluator=403, admin=403)
# The evaluator's report and its exports: the evaluator and the facilitators.
EVALUATORS = expect(outsider=404, participant=403, facilitator=200, evaluator=200, admin=403)
EVALUATORS_FILE = {**EVALUATORS, "anonymous": 401}


def in_survey(world) -> dict:
    return in_cohort_a(world, survey_id=world.survey.id)


MATRIX = {
    "evaluation.surveys": Row(in_cohort_a, FACILITATORS),
    "evaluation.survey": Row(in_survey, FACILITATORS),
    "evaluation.remove_survey": Row(in_survey, FACILITATORS_POST),
    "evaluation.my_surveys": Row(in_cohort_a, RESPONDENTS),
    "evaluation.answer": Row(in_survey, RESPONDENTS),
    "evaluation.report": Row(in_cohort_a, EVALUATORS),
    "evaluation.report_csv": Row(in_cohort_a, EVALUATORS_FILE),
    "evaluation.report_codebook": Row(in_cohort_a, EVALUATORS_FILE),
    "evaluation.report_print": Row(in_cohort_a, EVALUATORS),
}
