"""Giving a survey in a cohort and answering it.

A facilitator attaches an instrument (from surveys/) for a phase, with the dates it is open
and whether it is named or anonymous; the programme evaluation gets an item per programme
objective. Participants (each place's holder) answer once per survey, may save and come back, and
may change a submitted answer until the survey closes. In an anonymous survey the response
holds only a pseudonym: an HMAC of the person and the instrument under a key kept in the
database (made once, the same for every host, never rotated with SECRET_KEY), so a person's
pre and post answers pair up and nothing shown can be traced back.
"""

import dataclasses
import hashlib
import hmac
import json
import secrets
from datetime import datetime

from sqlalchemy import String, and_, bindparam, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import ensure_changeable
from cohort.core.audit import record
from cohort.core.database import get, prepared
from cohort.core.errors import check_version
from cohort.core.timeutil import format_local, utcnow
from cohort.evaluation.models import Answer, PseudonymKey, Response, Survey
from cohort.evaluation.services.errors import EvaluationError
from cohort.evaluation.services.tallies import kept_up, stored
from cohort.extensions import db
from cohort.programme.services import programme_objectives
from surveys.answers import check_answers
from surveys.instrument import (
    PROGRAMME_EVALUATION,
    Instrument,
    Item,
    programme_evaluation,
    shipped,
)

__all__ = ["RESPONDENT_ROLES", "attach_survey", "change_dates",
           "remove_survey", "started_count", "surveys_of",
           "instrument_of", "is_open", "respondent_key", "respondent_keys", "response_of",
           "save_answers", "eligible", "asked", "asked_where", "submitted_and_asked", "tracking",
           "pseudonym_key"]

# The evaluation asks the programme's participants: each place's holder (as the report
# counted ten responses from ten councils); team members do not answer for the place.
RESPONDENT_ROLES = ("participant",)
SAVED_ELSEWHERE = ("You saved answers to this survey in another tab or window after opening "
                   "this one. What you sent from this one is below: save again to keep it "
                   "instead.")


# An anonymous survey's answers are broken down only from this many responses (report.py).
MIN_GROUP = 5


def _as_json(instrument: Instrument) -> str:
    return json.dumps(dataclasses.asdict(instrument), ensure_ascii=False)


def instrument_of(survey: Survey) -> Instrument:
    data = json.loads(survey.definition)
    items = tuple(Item(**{**item, "choices": tuple(item["choices"]),
                          "scale_labels": {int(k): v for k, v in item["scale_labels"].items()}})
                  for item in data.pop("items"))
    return Instrument(**data, items=items)


def attach_survey(acting, cohort: Cohort, instrument_key: str, phase: str, opens_at: datetime,
                  closes_at: datetime, anonymous: bool) -> Survey:
    ensure_changeable(cohort)
    instruments = shipped()
    if instrument_key not in instruments:
        raise EvaluationError("Choose one of the instruments listed", "instrument")
    if phase not in ("pre", "post"):
        raise EvaluationError("Choose before or after the programme", "phase")
    if closes_at <= opens_at:
        raise EvaluationError("The survey must close after it opens", "closes_at")
    instrument = instruments[instrument_key]
    if instrument_key == PROGRAMME_EVALUATION:
        try:
            instrument = programme_evaluation([o.text for o in programme_objectives(cohort)])
        except ValueError as error:  # an objective with no words to ask about
            problem = str(error)
            raise EvaluationError(
                f"The programme evaluation asks about each of the programme's objectives, and "
                f"{problem[0].lower()}{problem[1:]}: change it on the programme's objectives "
                "page, then give the survey", "instrument") from None
    if not instrument.items_at(phase):
        when = "before" if phase == "pre" else "after"
        raise EvaluationError(f"{instrument.name} asks nothing {when} the programme: choose "
                              "the other phase", "phase")
    taken = db.session.execute(select(Survey.id).where(
        Survey.cohort_id == cohort.id, Survey.instrument_key == instrument_key,
        Survey.phase == phase)).first()
    if taken is not None:
        raise EvaluationError(f"{instrument.name} is already given {phase}-programme in this "
                              "cohort", "instrument")
    # Before and after pair up by each person's key: a name's (m<membership>) or a pseudonym.
    # A named survey and an anonymous one of the same instrument would never pair.
    other = db.session.execute(select(Survey.anonymous).where(
        Survey.cohort_id == cohort.id, Survey.instrument_key == instrument_key,
        Survey.phase != phase)).scalar()
    if other is not None and other != anonymous:
        kind, when = ("anonymous" if other else "named"), ("after" if phase == "pre" else
                                                            "before")
        raise EvaluationError(
            f"{instrument.name} {when} the programme is {kind}: give this one {kind} too, so "
            "each person's answers before and after pair up", "privacy")
    survey = Survey(cohort_id=cohort.id, instrument_key=instrument_key, phase=phase,
                    definition=_as_json(instrument), opens_at=opens_at, closes_at=closes_at,
                    title=f"{instrument.name} ({'before' if phase == 'pre' else 'after'} the "
                          "programme)", anonymous=anonymous,
                    created_by_id=getattr(acting, "id", None))
    db.session.add(survey)
    db.session.flush()
    if anonymous:
        pseudonym_key()  # made now, in a change, rather than by the first page that asks
    record(acting, "survey_attached", subject=cohort.slug, detail=survey.title, cohort=cohort)
    return survey


def started_count(survey: Survey) -> int:
    """How many have started answering (a draft counts: it is someone's unfinished work)."""
    return db.session.execute(select(func.count(Response.id)).where(
        Response.survey_id == survey.id)).scalar_one()


def _submitted_count(survey: Survey) -> int:
    return db.session.execute(select(func.count(Response.id)).where(
        Response.survey_id == survey.id, Response.submitted_at.is_not(None))).scalar_one()


def change_dates(acting, survey: Survey, opens_at: datetime, closes_at: datetime) -> Survey:
    """Move a survey's opening and closing: extend it, close it sooner, open it later. Once
    someone has answered it cannot move to open in the future, which would hide their answers
    from them. An anonymous survey that has closed with enough answers to be shown cannot
    open again: an answer given or changed after that could be picked out by comparing the
    figures before and after."""
    cohort = db.session.get(Cohort, survey.cohort_id)
    ensure_changeable(cohort)
    if closes_at <= opens_at:
        raise EvaluationError("The survey must close after it opens", "closes_at")
    if survey.anonymous and survey.closes_at <= utcnow() < closes_at and \
            _submitted_count(survey) >= MIN_GROUP:
        raise EvaluationError("This anonymous survey has closed and its answers can be read in "
                              "the evaluation, so it cannot open again: an answer given or "
                              "changed after that could be picked out by comparing the figures "
                              "before and after", "closes_at")
    if opens_at > utcnow() and opens_at != survey.opens_at and started_count(survey):
        raise EvaluationError("People have already answered this survey, so it cannot open "
                              "later than today", "opens_at")
    survey.opens_at, survey.closes_at = opens_at, closes_at
    if opens_at > utcnow():
        survey.announced_at = None  # its participants are told again when it opens
    db.session.flush()
    record(acting, "survey_dates_changed", subject=cohort.slug, detail=survey.title,
           cohort=survey.cohort_id)
    return survey


def remove_survey(acting, survey: Survey) -> None:
    """Take back a survey given by mistake, while nobody has answered it."""
    cohort = db.session.get(Cohort, survey.cohort_id)
    ensure_changeable(cohort)
    answered = started_count(survey)
    if answered:
        people = "1 person has" if answered == 1 else f"{answered} people have"
        raise EvaluationError(f"{people} started answering this survey, so it cannot be "
                              "removed: to stop answers, change its closing date to today")
    db.session.delete(survey)
    db.session.flush()
    record(acting, "survey_removed", subject=cohort.slug, detail=survey.title,
           cohort=survey.cohort_id)


def surveys_of(cohort: Cohort) -> list[Survey]:
    return surveys_in([cohort])[cohort.id]


def surveys_in(cohorts: list[Cohort]) -> dict[int, list[Survey]]:
    """{cohort id: its surveys, in the order they open}: one query however many cohorts."""
    found: dict[int, list[Survey]] = {cohort.id: [] for cohort in cohorts}
    for survey in db.session.execute(_surveys_in(), {"cohorts": list(found)}).scalars():
        found[survey.cohort_id].append(survey)
    return found


@prepared
def _surveys_in():
    return (select(Survey).where(Survey.cohort_id.in_(bindparam("cohorts", expanding=True)))
            .order_by(Survey.opens_at, Survey.id))


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return survey.opens_at <= now < survey.closes_at


def respondent_key(survey: Survey, membership: Membership) -> str:
    """A named survey: the membership. An anonymous one: a keyed hash of the person and the
    instrument, the same for its pre and post surveys and for nothing else."""
    return _keys_for(survey)(membership.id, membership.user_id)


def respondent_keys(pairs: list[tuple]) -> list[str]:
    """The respondent key of each (survey, membership), the pseudonym key read once."""
    secret = pseudonym_key() if any(survey.anonymous for survey, _ in pairs) else None
    return [_keys_for(survey, secret)(membership.id, membership.user_id)
            for survey, membership in pairs]


def _keys_for(survey: Survey, secret: bytes | None = None):
    """The respondent key of a (membership id, user id) in this survey."""
    if not survey.anonymous:
        return lambda membership_id, _user_id: f"m{membership_id}"
    secret = secret or pseudonym_key()
    prefix = f"{survey.cohort_id}:{survey.instrument_key}:"
    return lambda _membership_id, user_id: hmac.new(
        secret, f"{prefix}{user_id}".encode(), hashlib.sha256).hexdigest()


def pseudonym_key() -> bytes:
    """The key anonymous responses are filed under, made at first use (the migration that
    added it kept the one earlier releases derived from SECRET_KEY, where responses used it)."""
    row = get(PseudonymKey, 1)
    if row is None:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(PseudonymKey).values(id=1, key=secrets.token_bytes(32))
                           .on_conflict_do_nothing())  # another host may make it at once
        row = get(PseudonymKey, 1)
    return row.key


def response_of(survey: Survey, membership: Membership) -> Response | None:
    return db.session.execute(select(Response).where(
        Response.survey_id == survey.id,
        Response.respondent == respondent_key(survey, membership))).scalar_one_or_none()


def save_answers(acting, membership: Membership, survey: Survey, form: dict, submit: bool,
                 seen_version: int | None = None) -> Response:
    """Check and keep the person's answers ({item key: raw}); `submit` needs every required
    item. Raises EvaluationError with the first problem, naming its item's field."""
    if membership is None or membership.cohort_id != survey.cohort_id or \
            membership.role not in RESPONDENT_ROLES:
        raise EvaluationError("Only the cohort's participants answer its surveys")
    now = utcnow()
    if now < survey.opens_at:
        when = format_local(survey.opens_at, db.session.get(Cohort, survey.cohort_id).timezone)
        raise EvaluationError(f"This survey is not open yet: it opens on {when}")
    if not is_open(survey, now):
        raise EvaluationError("This survey is closed: answers can no longer be given or changed")
    items = instrument_of(survey).items_at(survey.phase)
    # A draft may leave required items for later; a submission may not.
    checked = items if submit else tuple(dataclasses.replace(i, required=False) for i in items)
    values, problems = check_answers(checked, {i.key: form.get(i.key) for i in items})
    if problems:
        key, message = next(iter(problems.items()))
        raise EvaluationError(message, f"item-{key}")
    key = respondent_key(survey, membership)
    with kept_up([(survey, key)]):  # the tallies the report reads move with the answers
        response = _saved(survey, membership, key, items, values, submit, seen_version, now)
    return response


def _saved(survey: Survey, membership: Membership, key: str, items, values: dict, submit: bool,
           seen_version: int | None, now: datetime) -> Response:
    response = response_of(survey, membership)
    if response is None:
        response = Response(survey_id=survey.id, respondent=key,
                            membership_id=None if survey.anonymous else membership.id,
                            started_at=now)
        db.session.add(response)
    else:  # a response is only ever its one respondent's: another tab, not someone else
        check_version(response, seen_version, SAVED_ELSEWHERE)
    kept = []
    for item in items:
        value = values.get(item.key)
        if value is None or value == [] or value == "":
            continue
        answer = Answer(item_key=item.key)
        if isinstance(value, int):
            answer.number = value
        elif isinstance(value, list):
            answer.text = json.dumps(value, ensure_ascii=False)
        else:
            answer.text = value
        kept.append(answer)
    response.answers = kept
    response.updated_at = now
    if submit and response.submitted_at is None:
        response.submitted_at = now
    db.session.flush()
    return response


def eligible(cohort: Cohort) -> list[Membership]:
    return list(db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.status == "active",
        Membership.approved.is_(True), Membership.role.in_(RESPONDENT_ROLES))
        .order_by(Membership.id)).scalars())


def asked_where(survey) -> tuple:
    """The memberships a survey asks (see asked): `survey` a Survey, or the Survey class to
    count them in a query over many surveys."""
    return (Membership.cohort_id == survey.cohort_id, Membership.role.in_(RESPONDENT_ROLES),
            Membership.approved.is_(True), Membership.status.in_(("active", "left")),
            or_(Membership.joined_at.is_(None), Membership.joined_at < survey.closes_at),
            or_(Membership.status == "active", Membership.left_at.is_(None),
                Membership.left_at > survey.opens_at))


def asked(survey: Survey) -> int:
    """How many were asked: every participant of the cohort while the survey was open (who
    joined before it closed and had not left before it opened), so a handed-over place counts
    each holder and a survey's count stops moving once it has closed. It depends on nobody's
    answer, so in an anonymous survey it tells nothing of who answered; a named survey adds
    anyone who submitted outside those dates."""
    return submitted_and_asked([survey])[survey.id][1]


def submitted_and_asked(surveys: list[Survey]) -> dict[int, tuple[int, int]]:
    """{survey id: (submitted responses, how many were asked: see asked)}: the responses read
    off the surveys' tallies; the memberships asked, and in a named survey which of them
    submitted (the rest submitted outside those dates), counted by the database in one
    statement for them all."""
    if not surveys:
        return {}
    ids = [survey.id for survey in surveys]
    given = {row[0]: row[-1] for row in stored(ids, ["submitted"])}
    found = {survey_id: counts for survey_id, *counts
             in db.session.execute(_members_and_matched(), {"surveys": ids})}
    result = {}
    for survey in surveys:
        submitted = given.get(survey.id, 0)
        members, matched, erased, unnamed = found.get(survey.id, (0, 0, 0, 0))
        # A person erased keeps their membership (left) but their named answers lose their
        # name: each unnamed answer is one of the erased people asked, not one more person.
        result[survey.id] = (submitted, max(members, submitted) if survey.anonymous
                             else max(members + submitted - matched - min(erased, unnamed),
                                      submitted))
    return result


@prepared
def _members_and_matched():
    """Per survey: the memberships asked, those of them matched by a submitted named answer,
    those of them whose person was erased, and the submitted named answers kept without a
    name (an erased person's)."""
    respondent = literal("m", String) + cast(Membership.id, String)
    unnamed = (select(func.count(Response.id)).where(
        Response.survey_id == Survey.id, Survey.anonymous.is_(False),
        Response.membership_id.is_(None), Response.submitted_at.is_not(None))
        .correlate(Survey).scalar_subquery())
    return (select(Survey.id, func.count(Membership.id), func.count(Response.id),
                   func.count(Membership.id).filter(User.erased_at.is_not(None)),
                   func.max(unnamed))
            .join(Membership, and_(*asked_where(Survey)))
            .join(User, User.id == Membership.user_id)
            .outerjoin(Response, and_(Response.survey_id == Survey.id,
                                      Survey.anonymous.is_(False),
                                      Response.respondent == respondent,
                                      Response.membership_id == Membership.id,
                                      Response.submitted_at.is_not(None)))
            .where(Survey.id.in_(bindparam("surveys", expanding=True))).group_by(Survey.id))


def tracking(survey: Survey) -> tuple[int, int, list[Membership] | None]:
    """(how many were asked, how many have submitted, who has not: named surveys only)."""
    if survey.anonymous:
        submitted_count, total = submitted_and_asked([survey])[survey.id]
        return total, submitted_count, None
    submitted = set(db.session.execute(select(Response.respondent).where(
        Response.survey_id == survey.id, Response.submitted_at.is_not(None))).scalars())
    total = asked(survey)
    people = eligible(db.session.get(Cohort, survey.cohort_id))
    return total, len(submitted), [m for m in people
                                   if respondent_key(survey, m) not in submitted]
