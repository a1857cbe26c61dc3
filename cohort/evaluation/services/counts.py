"""The counts the evaluator's report is made of: how many gave each answer to each item of
each survey, how many gave each pair of answers before and after (one respondent in two
surveys) or about the start and about now (two items of one response), read off the surveys'
tallies (tallies.py), kept as answers are given, so their rows grow with the answers a scale
offers, not with the people answering; and the first free-text answers in order with how many
there are, counted by the database. Pairs are found within a cohort, between its survey before
and its survey after: a respondent key (a membership, or a pseudonym made with the cohort's
id) belongs to one cohort.

Each row names the survey and the item's key as the survey asked it: the report files them
under its own items (a question asked in other words in another cohort is another item)."""

import json
from collections.abc import Collection
from functools import cache

from sqlalchemy import bindparam, func, select, text, tuple_

from cohort.evaluation.models import Answer, Response, Survey
from cohort.evaluation.services.tallies import stored
from cohort.extensions import db

__all__ = ["answer_counts", "pair_counts", "look_back_counts", "first_texts"]


def answer_counts(survey_ids: Collection[int], keys: Collection[str],
                  choices: Collection[str] = (),
                  leaving_out: Collection[tuple[int, Collection[str]]] = ()) -> list[tuple]:
    """[(survey id, item key, answer, how many gave it)] of the items `keys`, but for the
    items each (survey id, keys) of `leaving_out` names, whose answers are counted elsewhere.
    An answer is its number, or where it has none the words of a choice among `choices`."""
    if not survey_ids or not keys:
        return []
    left_out = {(survey_id, key) for survey_id, out in leaving_out for key in out}
    found = []
    for survey_id, _kind, key, _other_key, value, _other, count in stored(survey_ids,
                                                                           ["answer"]):
        if key in keys and (survey_id, key) not in left_out:
            value = json.loads(value)
            found.append((survey_id, key, None if isinstance(value, str) and key not in choices
                          else value, count))
    return found


def pair_counts(couples: dict[int, int], keys: Collection[str]) -> list[tuple]:
    """[(pre survey id, item key, answer before, answer after or None, how many)] for each
    {pre survey id: post survey id} of `couples`: every answer to the items `keys` before,
    with the same respondent's answer after in the survey paired with it (None where there is
    none). One pass gives the spread before, the pairs, and how many answered before only."""
    if not couples or not keys:
        return []
    return [(survey_id, key, json.loads(value), json.loads(other), count)
            for survey_id, _kind, key, _other_key, value, other, count
            in stored(couples, ["pair"]) if key in keys]


def look_back_counts(survey_ids: Collection[int], looks: Collection[str],
                     nows: Collection[str]) -> list[tuple]:
    """[(survey id, look-back item key, item-about-now key, answer looking back, answer about
    now, how many)]: each response's answers to a look-back item and the item about now it
    pairs with."""
    if not survey_ids or not looks or not nows:
        return []
    return [(survey_id, key, now, json.loads(value), json.loads(other), count)
            for survey_id, _kind, key, now, value, other, count in stored(survey_ids, ["look"])
            if key in looks and now in nows]


def first_texts(survey_ids: Collection[int], keys: Collection[str], limit: int,
                by_phase: bool = False) -> tuple[dict[tuple[int, str], int], list[tuple]]:
    """({(survey id, item key): how many answered it in words}, [(survey id, item key,
    answer)]) of the surveys' answers in words to the items `keys` (an empty answer is none):
    how many is read off the tallies, and of the answers, in the order Python sorts them, the
    first `limit` of each item in each survey; or with `by_phase`, of each item in all the
    surveys of one phase together (pre or post), for a caller that lists an item's answers of
    a phase together, so that pooling twenty cohorts reads no more answers than one. The answers
    come in one statement, built once, which numbers each item's answers as it sorts them and
    keeps the first `limit`."""
    if not survey_ids or not keys:
        return {}, []
    answered = {(survey_id, key): count for survey_id, _kind, key, _o, _v, _other, count
                in stored(survey_ids, ["words"]) if key in keys}
    if not answered:
        return {}, []
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # A small sorted read: PostgreSQL would start parallel workers to scan every response
        # instead of the surveys' own (34 ms instead of 11 ms for 20 pooled cohorts).
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    # Only the (survey, item) pairs asked in words: an item asked in one survey in words and in
    # another otherwise is left out of the other (its choices are words too).
    rows = db.session.connection().execute(_first_texts(dialect, by_phase), {
        "surveys": sorted({survey_id for survey_id, _key in answered}),
        "keys": sorted({key for _survey_id, key in answered}),
        "pairs": sorted(answered), "limit": limit}).tuples()
    return answered, list(rows)


@cache
def _first_texts(dialect: str, by_phase: bool):
    together = (Survey.phase, Answer.item_key) if by_phase else (Response.survey_id,
                                                                 Answer.item_key)
    numbered = (select(Response.survey_id, Answer.item_key, Answer.text,
                       func.row_number().over(
                           partition_by=together,
                           order_by=_by_code_point(Answer.text, dialect)).label("n"))
                .join(Answer, Answer.response_id == Response.id)
                .where(Response.survey_id.in_(bindparam("surveys", expanding=True)),
                       Response.submitted_at.is_not(None),
                       Answer.item_key.in_(bindparam("keys", expanding=True)),
                       tuple_(Response.survey_id, Answer.item_key).in_(
                           bindparam("pairs", expanding=True)),
                       Answer.text != ""))
    if by_phase:
        numbered = numbered.join(Survey, Survey.id == Response.survey_id)
    numbered = numbered.subquery()
    return (select(numbered.c.survey_id, numbered.c.item_key, numbered.c.text)
            .where(numbered.c.n <= bindparam("limit"))
            .order_by(numbered.c.survey_id, numbered.c.item_key, numbered.c.n))


def _by_code_point(column, dialect: str):
    """The column ordered as Python orders strings, by code point: the order of their UTF-8
    bytes, which is SQLite's own (BINARY) and PostgreSQL's "C" collation."""
    return column.collate("C") if dialect == "postgresql" else column
