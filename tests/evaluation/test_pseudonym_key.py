"""An anonymous survey's pseudonyms are keyed by a key kept in the database, not by a host's
SECRET_KEY: hosts with keys of their own, or a rotated key, still give a person one response
that pairs pre with post (issue 23 item 7)."""

from datetime import timedelta

from sqlalchemy import select

from cohort.cohorts.models import Membership
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.evaluation import services
from cohort.evaluation.models import PseudonymKey, Response, Survey
from cohort.extensions import db


def _answers(survey, value: str) -> dict:
    items = services.instrument_of(survey).items_at(survey.phase)
    return {item.key: value for item in items if item.type == "knowledge"}


def _answer_on(host, membership_id: int, survey_id: int, value: str) -> None:
    with host.app_context():
        membership = db.session.get(Membership, membership_id)
        survey = db.session.get(Survey, survey_id)
        services.save_answers(membership.user, membership, survey, _answers(survey, value),
                              submit=True)
        commit()


def test_a_participant_answers_once_whichever_host_serves_them(build_app, people):
    cohort, fay, ada, _ben = people
    now = utcnow()
    survey = services.attach_survey(fay.user, cohort, "knowledge", "pre", now - timedelta(days=1),
                                    now + timedelta(days=7), anonymous=True)
    commit()
    survey_id, ada_id = survey.id, ada.id
    first, second = build_app(SECRET_KEY="host-a-key"), build_app(SECRET_KEY="host-b-key")

    _answer_on(first, ada_id, survey_id, "2")
    _answer_on(second, ada_id, survey_id, "4")  # changes the answer given on the first host

    db.session.rollback()
    (response,) = db.session.execute(select(Response)).scalars()
    assert {a.number for a in response.answers} == {4}
    with second.app_context():
        membership = db.session.get(Membership, ada_id)
        assert services.response_of(db.session.get(Survey, survey_id), membership).id == \
            response.id


def test_the_key_is_made_once_and_kept(people):
    cohort, fay, _ada, _ben = people
    now = utcnow()
    services.attach_survey(fay.user, cohort, "knowledge", "pre", now - timedelta(days=1),
                           now + timedelta(days=7), anonymous=True)
    commit()
    (key,) = db.session.execute(select(PseudonymKey.key)).scalars()
    assert len(key) == 32
    assert services.pseudonym_key() == key
