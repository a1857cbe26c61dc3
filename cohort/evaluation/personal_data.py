"""The evaluation's part of a person's data: their answers to named surveys, and the surveys
they gave as a facilitator (see core/personal.py).

An anonymous survey's answers are not in it: a response there carries only a pseudonym, a
keyed hash that no page, export or log turns back into a person, and the survey promised the
person exactly that. Looking their answers up to put them in a file with their name would
make the link the survey said nobody would make."""

import secrets

from sqlalchemy import delete, select, update

from cohort.cohorts.models import Cohort, Membership
from cohort.core.personal import when
from cohort.evaluation.models import Response, Survey
from cohort.evaluation.services import instrument_of
from cohort.evaluation.services.tallies import kept_up
from cohort.extensions import db

COVERS = (Survey, Response)


def _memberships(user):
    return select(Membership.id).where(Membership.user_id == user.id)


def export(user) -> dict:
    rows = db.session.execute(
        select(Response, Survey, Cohort.title).join(Survey, Survey.id == Response.survey_id)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .where(Response.membership_id.in_(_memberships(user)))
        .order_by(Response.started_at)).all()
    given = db.session.execute(
        select(Survey.title, Survey.phase, Survey.anonymous, Survey.opens_at, Cohort.title)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .where(Survey.created_by_id == user.id).order_by(Survey.opens_at)).all()
    return {
        "named_survey_answers": [_response(response, survey, title)
                                 for response, survey, title in rows],
        "surveys_you_gave": [{"cohort": cohort, "survey": title, "phase": phase,
                              "anonymous": anonymous, "opens": when(opens)}
                             for title, phase, anonymous, opens, cohort in given],
    }


def _response(response: Response, survey: Survey, cohort: str) -> dict:
    questions = {item.key: item.text for item in instrument_of(survey).items}
    return {"cohort": cohort, "survey": survey.title, "phase": survey.phase,
            "started": when(response.started_at), "submitted": when(response.submitted_at),
            "answers": [{"question": questions.get(a.item_key, a.item_key),
                         "answer": a.number if a.number is not None else a.text}
                        for a in sorted(response.answers, key=lambda a: a.item_key)]}


def erase(user) -> None:
    """Their answers to named surveys are deleted, or kept without their name, as each
    cohort's settings say (`erasure_deletes_answers`); kept, a person's answers before and
    after still pair up, under a pseudonym made for them that leads nowhere. Anonymous
    answers stay as they are: nothing links them to the person."""
    responses = db.session.execute(
        select(Response.id, Membership.id, Cohort.erasure_deletes_answers, Survey,
               Response.respondent)
        .join(Membership, Membership.id == Response.membership_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Membership.user_id == user.id)).all()
    gone = [(response, survey, respondent)
            for response, _membership, deletes, survey, respondent in responses if deletes]
    if gone:  # the report's tallies lose the answers deleted
        with kept_up((survey, respondent) for _response, survey, respondent in gone):
            db.session.execute(delete(Response).where(Response.id.in_(
                [response for response, _survey, _respondent in gone]))
                .execution_options(synchronize_session=False))
    _unname([(response, membership) for response, membership, deletes, _s, _r in responses
             if not deletes])
    db.session.flush()


def _unname(responses: list[tuple[int, int]]) -> None:
    """Take the membership off each (response, membership), giving all of one membership's
    responses one new pseudonym, so they still pair."""
    pseudonyms: dict[int, str] = {}
    for response, membership in responses:
        pseudonym = pseudonyms.setdefault(membership, f"former-{secrets.token_hex(16)}")
        db.session.execute(update(Response).where(Response.id == response)
                           .values(membership_id=None, respondent=pseudonym)
                           .execution_options(synchronize_session=False))


def expire(cohort, dry_run: bool) -> dict[str, int]:
    """Named answers are kept without their names (each person's answers still pair, under a
    pseudonym that leads nowhere): the evaluation's figures stand. Anonymous ones stay."""
    responses = db.session.execute(
        select(Response.id, Response.membership_id).join(Survey, Survey.id == Response.survey_id)
        .where(Survey.cohort_id == cohort.id, Response.membership_id.is_not(None))).all()
    if not dry_run:
        _unname([tuple(row) for row in responses])
        db.session.flush()
    return {"names on survey answers": len(responses)}
