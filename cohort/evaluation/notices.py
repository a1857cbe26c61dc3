"""What the evaluation's notices are about: a survey that opened, linked to where the person
answers it while they may (a participant of its cohort) and it is open."""

from sqlalchemy import select

from cohort.cohorts.permissions import roles_by_cohort
from cohort.evaluation.models import Survey
from cohort.evaluation.services.surveys import RESPONDENT_ROLES
from cohort.extensions import db


def surveys(user, ids) -> dict:
    roles = roles_by_cohort(user)
    return {survey.id: ("evaluation.answer", {"cohort_id": survey.cohort_id,
                                              "survey_id": survey.id})
            for survey in db.session.execute(select(Survey).where(
                Survey.id.in_(list(ids)))).scalars()
            if roles.get(survey.cohort_id) in RESPONDENT_ROLES}


SUBJECTS = {"survey": surveys}
