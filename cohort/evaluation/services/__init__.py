"""Evaluation services: surveys given in a cohort and answered by its participants, and the
evaluator's figures (the analysis itself is in surveys/, which knows no Flask)."""

from cohort.evaluation.services.announcements import announce_open_surveys, announcements_due
from cohort.evaluation.services.errors import EvaluationError
from cohort.evaluation.services.report import (
    MIN_GROUP,
    TEXTS_SHOWN,
    InstrumentReport,
    ItemFigures,
    report,
    screen,
)
from cohort.evaluation.services.surveys import (
    RESPONDENT_ROLES,
    asked,
    asked_where,
    attach_survey,
    change_dates,
    eligible,
    instrument_of,
    is_open,
    pseudonym_key,
    remove_survey,
    respondent_key,
    respondent_keys,
    response_of,
    save_answers,
    started_count,
    submitted_and_asked,
    surveys_of,
    tracking,
)

__all__ = [
    "announce_open_surveys", "announcements_due", "asked", "asked_where", "attach_survey", "change_dates", "eligible",
    "EvaluationError", "instrument_of", "InstrumentReport", "is_open", "ItemFigures",
    "MIN_GROUP", "TEXTS_SHOWN", "pseudonym_key", "remove_survey", "report", "respondent_key",
    "respondent_keys", "RESPONDENT_ROLES", "response_of", "save_answers", "screen",
    "started_count", "submitted_and_asked", "surveys_of", "tracking",
]
