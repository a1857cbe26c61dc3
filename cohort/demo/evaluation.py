"""The evaluation's surveys and answers.

The 2021 cohort, as in the report: one online survey at the end of the programme (November to
December 2021), answered by the places' holders at that time, all ten of them. It asks each
participant to rate their knowledge now and, looking back, at the start (one survey, each
person's two answers paired), and to evaluate the programme. Every participant rated their
broad knowledge of wellbeing higher at the end; 7 of 10 agreed or strongly agreed they were
able to connect with others and 3 neither agreed nor disagreed. The individual ratings and the
free-text answers (in the product's own words, after the report's themes) are invented. The
running cohort: its knowledge survey before the programme is open and answered by everyone but
participant01; the one after it opens at the end.
"""

from datetime import date, timedelta

from sqlalchemy import select

from cohort.cohorts.models import Cohort
from cohort.core.timeutil import utcnow
from cohort.demo import steps
from cohort.demo.steps import story
from cohort.evaluation.models import Response
from cohort.evaluation.services import attach_survey, eligible, instrument_of, save_answers
from cohort.extensions import db

# "Evaluation of the cohort programme took place during November/December 2021."
SURVEY_OPENS, SURVEY_CLOSES = date(2021, 11, 15), date(2021, 12, 3)
LOOKING_BACK = "knowledge-looking-back"
# cohort/demo/story/evaluation.yaml, participant01 first: each participant's knowledge at the
# start (looking back) and now, in each area (1 none .. 5 very good). Everyone rated their
# broad knowledge higher at the end; in the specific areas most did, some stayed where they
# were. Then whether they were able to connect with others (7 agree or strongly agree, 3
# neither), their overall experience, and the free-text answers.
_STORY = story("evaluation")
KNOWLEDGE = {area: tuple(tuple(pair) for pair in pairs)
             for area, pairs in _STORY["knowledge"].items()}
CONNECT = tuple(_STORY["connect"])
EXPERIENCE = tuple(_STORY["experience"])
ADVICE = tuple(_STORY["advice"])
BETTER = tuple(_STORY["better"])


def build(facilitator, reference: Cohort, running: Cohort) -> None:
    """Both cohorts' surveys and answers; flushes only. Before the 2021 cohort closes."""
    _reference(facilitator, reference)
    _running(facilitator, running)


def _open_now(facilitator, cohort, key, phase, anonymous=True, closes_in=timedelta(days=1)):
    now = utcnow()
    return attach_survey(facilitator, cohort, key, phase, now - timedelta(days=1),
                         now + closes_in, anonymous)


def _answers(survey, value_of) -> dict:
    return {item.key: value_of(item) for item in instrument_of(survey).items_at(survey.phase)
            if value_of(item) is not None}


def _reference(facilitator, cohort: Cohort) -> None:
    """The survey at the end, answered by the ten who held the places then."""
    people = [m for m in eligible(cohort) if m.user.email.startswith("participant")]
    people.sort(key=lambda m: m.user.email)
    knowledge = _open_now(facilitator, cohort, LOOKING_BACK, "post")
    evaluation = _open_now(facilitator, cohort, "programme-evaluation", "post")
    for n, person in enumerate(people):
        save_answers(person.user, person, knowledge,
                     _answers(knowledge, lambda i, n=n: _knowledge(i, n)), submit=True)
        save_answers(person.user, person, evaluation,
                     _answers(evaluation, lambda i, n=n: _evaluate(i, n)), submit=True)
    _dated(knowledge, SURVEY_OPENS, SURVEY_CLOSES)
    _dated(evaluation, SURVEY_OPENS, SURVEY_CLOSES)


def _knowledge(item, n: int) -> str:
    """Participant n's rating: at the start for a look back, else now."""
    area = (item.pairs_with or item.key).removeprefix("knowledge-")
    start, now = KNOWLEDGE[area][n % len(KNOWLEDGE[area])]
    return str(start if item.retrospective else now)


def _evaluate(item, n: int) -> str | None:
    if item.key.startswith("objective-"):
        return str(4 + (n + int(item.key.rsplit("-", 1)[1])) % 2)
    if item.key == "able-to-connect":
        return str(CONNECT[n])
    if item.key == "overall-experience":
        return str(EXPERIENCE[n])
    if item.type == "text":
        texts = ADVICE if "future" in item.text.lower() else BETTER
        return texts[n] if n < len(texts) else None
    return None


def _dated(survey, opens: date, closes: date) -> None:
    survey.opens_at, survey.closes_at = steps.local(opens), steps.local(closes)
    survey.created_at = steps.local(opens - timedelta(days=7))
    responses = db.session.execute(select(Response).where(
        Response.survey_id == survey.id).order_by(Response.id)).scalars().all()
    for n, response in enumerate(responses):
        when = steps.local(opens + timedelta(days=1 + n % 10))
        response.started_at = response.updated_at = response.submitted_at = when
    db.session.flush()


def _running(facilitator, cohort: Cohort) -> None:
    people = [m for m in eligible(cohort) if m.user.email != "participant01@example.org"]
    pre = _open_now(facilitator, cohort, "knowledge", "pre", closes_in=timedelta(days=10))
    for n, person in enumerate(people):
        level = str(1 + n % 3)
        save_answers(person.user, person, pre,
                     _answers(pre, lambda i, level=level: level if i.type == "knowledge"
                              else None), submit=True)
    now = utcnow()
    ends = steps.local(cohort.ends_on) if cohort.ends_on else now + timedelta(days=60)
    attach_survey(facilitator, cohort, "knowledge", "post", ends - timedelta(days=7),
                  ends + timedelta(days=14), True)
    db.session.flush()
