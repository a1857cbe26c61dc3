"""The moments evaluation offers to reminders: a survey's closing time, to those who may not
have answered it."""

from cohort.evaluation.services.moments import SURVEY_CLOSES, closing_surveys
from cohort.reminders.moments import MomentKind

MOMENTS = [MomentKind(SURVEY_CLOSES, "a survey's closing time (to those who may not have answered)",
                      closing_surveys)]
