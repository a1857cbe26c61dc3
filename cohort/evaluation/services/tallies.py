"""Each survey's tally of its submitted answers, kept as answers are submitted, changed and
erased, so that the evaluator's report reads counts whose rows grow with the answers a scale
offers and never with the people answering (counts.py reads them).

A survey's tally (models.Tally) counts its submitted responses ("submitted"); each answer to
each item by its value ("answer": a number, a single choice's words, else null; free text and
several choices are not counted); in a survey before the programme, each answer to an item
asked both times with the same respondent's answer to it in the cohort's survey after of the
same instrument ("pair": null after where there is none); within a response, each answer
looking back at the start with the answer about now it pairs with ("look"); and how many
answered each free-text item in words ("words").

The tally moves in the transaction that changes a response: `kept_up(...)` around the change
takes the respondents' part out as it was and puts it back as it is. A respondent's answers
before and after pair, so their part is taken for both surveys at once, under a lock (on
PostgreSQL) that makes a person's two surveys wait for each other. `recount` sets surveys'
tallies from a fresh count, for answers written behind the services' back (data loaded in
bulk); `fresh` is that count, for comparing."""

import json
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import and_, bindparam, delete, false, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from cohort.core.database import kept, kept_by, prepared
from cohort.evaluation.models import Answer, Response, Survey, Tally
from cohort.extensions import db
from surveys.instrument import SCALES

__all__ = ["kept_up", "recount", "fresh", "stored", "partner_of"]

_TALLY = Tally.__table__
Key = tuple[int, str, str, str, str, str]  # survey id, kind, item key, other key, value, other


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Shape:
    """What a survey's tally counts, read off its own instrument."""

    def __init__(self, survey: Survey):
        items = json.loads(survey.definition)["items"]
        self.choice = {i["key"]: i["type"] == "single" for i in items
                       if i["type"] not in ("text", "multiple")}
        self.both = {i["key"] for i in items if i["phase"] == "both" and i["type"] in SCALES}
        self.looks = {i["key"]: i["pairs_with"] for i in items
                      if i["pairs_with"] is not None and i["type"] in SCALES}
        self.words = {i["key"] for i in items if i["type"] == "text"}

    def value(self, key: str, number: int | None, words: str | None) -> str:
        return _json(number if number is not None else words if self.choice[key] else None)


def partner_of(survey: Survey) -> Survey | None:
    """The cohort's survey of the same instrument in the other phase, if it gives one."""
    return db.session.execute(select(Survey).where(
        Survey.cohort_id == survey.cohort_id, Survey.instrument_key == survey.instrument_key,
        Survey.phase != survey.phase)).scalar_one_or_none()


def _own(survey: Survey, shape: _Shape, answers: dict[str, tuple]) -> Iterator[Key]:
    """A submitted response's own part: itself, its answers, its looks back."""
    yield survey.id, "submitted", "", "", "", ""
    for key, (number, words) in answers.items():
        if key in shape.choice:
            yield survey.id, "answer", key, "", shape.value(key, number, words), ""
        elif key in shape.words and words:
            yield survey.id, "words", key, "", "", ""
        now = shape.looks.get(key)
        if now in answers and number is not None and answers[now][0] is not None:
            yield survey.id, "look", key, now, _json(number), _json(answers[now][0])


def _pairs(pre: Survey, shape: _Shape, before: dict[str, tuple],
           after: dict[str, tuple] | None) -> Iterator[Key]:
    """A submitted response before's pairs with the same person's answers after (or none)."""
    for key, (number, _words) in before.items():
        if key in shape.both:
            later = after.get(key, (None, None))[0] if after is not None else None
            yield pre.id, "pair", key, "", _json(number), _json(later)


def _part(units: list[tuple[Survey, str]]) -> Counter:
    """The tally rows the respondents' submitted responses make in the surveys given (each
    (survey, respondent)), with the pairs they make with their answers in the other phase."""
    part: Counter = Counter()
    wanted: dict[tuple[int, str], Survey] = {}
    couples: set[tuple] = set()  # (pre id, post id or None, respondent)
    for survey, respondent in units:
        wanted[survey.id, respondent] = survey
        other = partner_of(survey)
        if other is not None:
            wanted[other.id, respondent] = other
            pre, post = (survey, other) if survey.phase == "pre" else (other, survey)
            couples.add((pre.id, post.id, respondent))
        elif survey.phase == "pre":  # its answers pair with none after, until a survey after
            couples.add((survey.id, None, respondent))
    if not wanted:
        return part
    rows = db.session.execute(
        select(Response.survey_id, Response.respondent, Answer.item_key, Answer.number,
               Answer.text)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.submitted_at.is_not(None),
               or_(*(and_(Response.survey_id == survey_id, Response.respondent == respondent)
                     for survey_id, respondent in wanted)))).all()
    answers: dict[tuple[int, str], dict[str, tuple]] = {}
    for survey_id, respondent, key, number, words in rows:
        found = answers.setdefault((survey_id, respondent), {})
        if key is not None:
            found[key] = (number, words)
    shapes = {survey_id: _Shape(survey) for (survey_id, _r), survey in wanted.items()}
    for (survey_id, respondent), survey in wanted.items():
        if (survey_id, respondent) in answers:
            part.update(_own(survey, shapes[survey_id], answers[survey_id, respondent]))
    for pre_id, post_id, respondent in couples:
        if (pre_id, respondent) in answers:
            part.update(_pairs(wanted[pre_id, respondent], shapes[pre_id],
                               answers[pre_id, respondent], answers.get((post_id, respondent))))
    return part


def _lock(units: list[tuple[Survey, str]]) -> None:
    """Make a person's saves in their two surveys of an instrument wait for each other
    (PostgreSQL; SQLite has one writer at a time already): each reads the other's answers to
    count their pairs, which a save at the same moment would not yet show."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({(survey.cohort_id, zlib.crc32(f"{survey.instrument_key}/{respondent}"
                                                   .encode()) - 2**31)
                   for survey, respondent in units})
    for cohort_id, person in keys:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                           {"a": cohort_id, "b": person})


@contextmanager
def kept_up(units: Iterable[tuple[Survey, str]]):
    """Around a change to the responses of each (survey, respondent) given: their part of
    the tallies is taken out as it was before and put back as it is after."""
    units = list(units)
    _lock(units)
    db.session.flush()
    before = _part(units)
    yield
    db.session.flush()
    change = _part(units)
    change.subtract(before)
    _add({key: count for key, count in change.items() if count})


def _add(change: dict[Key, int]) -> None:
    """Add each count to its tally row (made at 0 where there is none), in one order so that
    two transactions never wait for each other's rows; rows that come to 0 go."""
    if not change:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    columns = ("survey_id", "kind", "item_key", "other_key", "value", "other")
    rows = [dict(zip(columns, key, strict=True), count=count)
            for key, count in sorted(change.items())]
    statement = insert(_TALLY)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=list(columns),
        set_={"count": _TALLY.c.count + statement.excluded.count}), rows)
    db.session.execute(delete(_TALLY).where(
        _TALLY.c.survey_id.in_({key[0] for key in change}), _TALLY.c.count == 0))


def _columns():
    return (_TALLY.c.survey_id, _TALLY.c.kind, _TALLY.c.item_key, _TALLY.c.other_key,
            _TALLY.c.value, _TALLY.c.other, _TALLY.c.count)


@prepared
def _stored():
    return select(*_columns()).where(
        _TALLY.c.survey_id.in_(bindparam("surveys", expanding=True)),
        _TALLY.c.kind.in_(bindparam("kinds", expanding=True)))


@prepared
def _all_stored():
    return select(*_columns()).where(_TALLY.c.survey_id.in_(bindparam("surveys", expanding=True)))


def stored(survey_ids: Iterable[int], kinds: Iterable[str]) -> list[tuple]:
    """[(survey id, kind, item key, other key, value, other, count)] of the surveys' tallies
    (from what read_ahead read, when it read them all)."""
    survey_ids, kinds = list(survey_ids), list(kinds)
    known = kept("evaluation.tallies")
    if all(survey_id in known for survey_id in survey_ids):
        return [row for survey_id in survey_ids for row in known[survey_id] if row[1] in kinds]
    return db.session.connection().execute(
        _stored(), {"surveys": survey_ids, "kinds": kinds}).tuples().all()


def read_ahead(survey_ids: Iterable[int]) -> None:
    """Read every kind of the surveys' tallies in one query, for the stored() calls of the
    rest of the transaction (the report's sections ask for each kind in turn)."""
    kept_by("evaluation.tallies", survey_ids, _read_all)


def _read_all(survey_ids: list[int]) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {survey_id: [] for survey_id in survey_ids}
    for row in db.session.connection().execute(_all_stored(), {"surveys": survey_ids}).tuples():
        found[row[0]].append(row)
    return found


def fresh(surveys: list[Survey]) -> Counter:
    """The surveys' tallies counted afresh from every submitted answer, by the database (a
    few grouped queries a survey)."""
    counted: Counter = Counter()
    submitted = Response.submitted_at.is_not(None)
    for survey in surveys:
        shape = _Shape(survey)
        given = db.session.execute(select(func.count()).where(
            Response.survey_id == survey.id, submitted)).scalar_one()
        if given:
            counted[survey.id, "submitted", "", "", "", ""] = given
        for key, number, words, count in db.session.execute(
                select(Answer.item_key, Answer.number, Answer.text, func.count())
                .join(Response, Response.id == Answer.response_id)
                .where(Response.survey_id == survey.id, submitted,
                       Answer.item_key.in_(shape.choice))
                .group_by(Answer.item_key, Answer.number, Answer.text)):
            counted[survey.id, "answer", key, "", shape.value(key, number, words), ""] += count
        for key, count in db.session.execute(
                select(Answer.item_key, func.count())
                .join(Response, Response.id == Answer.response_id)
                .where(Response.survey_id == survey.id, submitted,
                       Answer.item_key.in_(shape.words), Answer.text != "")
                .group_by(Answer.item_key)):
            counted[survey.id, "words", key, "", "", ""] = count
        look, now = aliased(Answer), aliased(Answer)
        for key, now_key, before, after, count in db.session.execute(
                select(look.item_key, now.item_key, look.number, now.number, func.count())
                .join(Response, Response.id == look.response_id)
                .join(now, now.response_id == Response.id)
                .where(Response.survey_id == survey.id, submitted,
                       look.item_key.in_(shape.looks), now.item_key.in_(shape.looks.values()),
                       look.number.is_not(None),
                       now.number.is_not(None))
                .group_by(look.item_key, now.item_key, look.number, now.number)):
            if shape.looks[key] == now_key:
                counted[survey.id, "look", key, now_key, _json(before), _json(after)] += count
        if survey.phase == "pre" and shape.both:
            counted.update(_fresh_pairs(survey, partner_of(survey), shape))
    return counted


def _fresh_pairs(pre: Survey, post: Survey | None, shape: _Shape) -> Counter:
    counted: Counter = Counter()
    later, after = aliased(Response), aliased(Answer)
    joined = and_(later.respondent == Response.respondent, later.survey_id == post.id,
                  later.submitted_at.is_not(None)) if post is not None else false()
    for key, before, answer, count in db.session.execute(
            select(Answer.item_key, Answer.number, after.number, func.count())
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
            .outerjoin(later, joined)
            .outerjoin(after, and_(after.response_id == later.id,
                                   after.item_key == Answer.item_key))
            .where(Response.survey_id == pre.id, Response.submitted_at.is_not(None),
                   Answer.item_key.in_(shape.both))
            .group_by(Answer.item_key, Answer.number, after.number)):
        counted[pre.id, "pair", key, "", _json(before), _json(answer)] += count
    return counted


def recount(surveys: list[Survey]) -> None:
    """Set the surveys' tallies from a fresh count of their submitted answers."""
    if not surveys:
        return
    counted = fresh(surveys)
    db.session.execute(delete(_TALLY).where(_TALLY.c.survey_id.in_([s.id for s in surveys])))
    _add(dict(counted))
