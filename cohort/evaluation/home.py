"""What needs a person in the evaluation, for the home page and the cohort's overview (see
core/cards.py): a participant, each survey open now that they have not submitted; a
facilitator, how many have answered each survey open now; the evaluator, each survey's state
and response rate. Figures only, never who answered: an anonymous survey names nobody.

All the person's cohorts take one query (their surveys); a facilitator or an evaluator two
more, the counts as the survey's page and the report give them (services.submitted_and_asked:
the responses off the tallies, never counted one by one, and the members asked); a participant
with a survey open one more (their own responses, found by the key they answer under) and, when
one of those surveys is anonymous, the read of the pseudonym key."""

from flask import url_for
from sqlalchemy import bindparam, select

from cohort.core.cards import LATER, NOW, SOON, Todo
from cohort.core.database import prepared
from cohort.core.timeutil import format_date, format_local, utcnow, zone_for
from cohort.evaluation.models import Response, Survey
from cohort.evaluation.services import RESPONDENT_ROLES, respondent_keys, submitted_and_asked
from cohort.extensions import db
from surveys.analysis import shown_share

STAFF = ("facilitator", "evaluator")


def todos(user, memberships: list) -> list[Todo]:
    concerned = {m.cohort_id: m for m in memberships
                 if m.role in STAFF or m.role in RESPONDENT_ROLES}
    if not concerned:
        return []
    now = utcnow()
    tz = zone_for(user)
    staff, answering = [], []  # surveys whose counts the person follows, or to answer
    for survey in _surveys(list(concerned)):
        role = concerned[survey.cohort_id].role
        is_open = survey.opens_at <= now < survey.closes_at
        if role == "evaluator" or (role == "facilitator" and is_open):
            staff.append(survey)
        elif role in RESPONDENT_ROLES and is_open:
            answering.append(survey)
    # How many answered and were asked, as the survey's page and the report count them.
    counted = submitted_and_asked(staff)
    found: list[Todo] = [
        _rate(survey, *counted[survey.id], now, tz)
        if concerned[survey.cohort_id].role == "evaluator"
        else _answers_so_far(survey, *counted[survey.id]) for survey in staff]
    if answering:
        submitted = _submitted(answering, concerned)
        found += [_to_answer(survey, tz, survey.id in submitted) for survey in answering
                  if not submitted.get(survey.id)]
    return found


def _surveys(cohort_ids: list[int]) -> list:
    """Every survey of the cohorts, the earliest first: one query."""
    return db.session.execute(_surveys_of(), {"cohorts": cohort_ids}).all()


@prepared
def _surveys_of():
    return (select(Survey.id, Survey.cohort_id, Survey.instrument_key, Survey.title,
                   Survey.anonymous, Survey.opens_at, Survey.closes_at)
            .where(Survey.cohort_id.in_(bindparam("cohorts", expanding=True)))
            .order_by(Survey.opens_at, Survey.id))


def _submitted(surveys: list, memberships: dict) -> dict[int, bool]:
    """{survey id: whether submitted} of the person's own responses to the surveys (a draft is
    there, not submitted): one query, by the key each survey files them under."""
    keys = set(zip((survey.id for survey in surveys), respondent_keys(
        [(survey, memberships[survey.cohort_id]) for survey in surveys]), strict=True))
    rows = db.session.execute(_own_responses(), {
        "surveys": list({survey_id for survey_id, _ in keys}),
        "keys": list({key for _, key in keys})}).all()
    return {survey_id: submitted_at is not None
            for survey_id, key, submitted_at in rows if (survey_id, key) in keys}


@prepared
def _own_responses():
    return select(Response.survey_id, Response.respondent, Response.submitted_at).where(
        Response.survey_id.in_(bindparam("surveys", expanding=True)),
        Response.respondent.in_(bindparam("keys", expanding=True)))


def _to_answer(survey, tz: str, started: bool) -> Todo:
    closes = format_local(survey.closes_at, tz)
    text = (f"Finish and submit your answers to “{survey.title}”: open until {closes}"
            if started else f"Answer “{survey.title}”: open until {closes}")
    return Todo(survey.cohort_id, "survey_to_answer", text,
                url_for("evaluation.answer", cohort_id=survey.cohort_id, survey_id=survey.id),
                None, NOW)


def _answers_so_far(survey, submitted: int, asked: int) -> Todo:
    verb = "has" if submitted == 1 else "have"
    return Todo(survey.cohort_id, "survey_answers",
                f"{survey.title}: {submitted} of {asked} {verb} answered",
                url_for("evaluation.survey", cohort_id=survey.cohort_id, survey_id=survey.id),
                submitted, SOON)


def _rate(survey, submitted: int, asked: int, now, tz: str) -> Todo:
    if now < survey.opens_at:
        text = f"{survey.title}: not open yet, opens on {format_date(survey.opens_at, tz)}"
    else:
        share = f" ({shown_share(submitted / asked)})" if asked else ""
        state = "open" if now < survey.closes_at else "closed"
        text = f"{survey.title}: {state}, {submitted} of {asked} answered{share}"
    return Todo(survey.cohort_id, "survey_rate", text,
                url_for("evaluation.report", cohort_id=survey.cohort_id), submitted, LATER)
