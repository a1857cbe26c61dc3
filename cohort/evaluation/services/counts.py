"""The counts the evaluator's report is made of, counted by the database over the submitted
responses: how many gave each answer to each item of each survey, how many gave each pair of
answers before and after (one respondent in two surveys) or about the start and about now (two
items of one response), and the first free-text answers in order with how many there are. However many responses there are, each is
one query whose rows grow with the answers a scale offers, not with the people answering.
Pairs are found within a cohort, between its survey before and its survey after: a respondent
key (a membership, or a pseudonym made with the cohort's id) belongs to one cohort.

Each row names the survey and the item's key as the survey asked it: the report files them
under its own items (a question asked in other words in another cohort is another item)."""

from collections.abc import Collection

from sqlalchemy import and_, case, func, not_, null, or_, select
from sqlalchemy.orm import aliased

from cohort.evaluation.models import Answer, Response
from cohort.extensions import db

__all__ = ["answer_counts", "pair_counts", "look_back_counts", "first_texts"]


def _rows(query) -> list[tuple]:
    # Through the connection, not the ORM session: plain rows, no identity map to fill.
    return db.session.connection().execute(query).tuples().all()


def answer_counts(survey_ids: Collection[int], keys: Collection[str],
                  choices: Collection[str] = (),
                  leaving_out: Collection[tuple[int, Collection[str]]] = ()) -> list[tuple]:
    """[(survey id, item key, answer, how many gave it)] of the items `keys`, but for the
    items each (survey id, keys) of `leaving_out` names, whose answers are counted elsewhere.
    An answer is its number, or where it has none its text, which is counted only for the
    items `choices` (a choice): a free text has as many values as answers, and a planner
    that expects that many groups sorts every answer instead of hashing them."""
    if not survey_ids or not keys:
        return []
    left_out = [and_(Response.survey_id == survey_id, Answer.item_key.in_(out))
                for survey_id, out in leaving_out if out]
    text = case((Answer.item_key.in_(choices), Answer.text)) if choices else null()
    grouped = [Response.survey_id, Answer.item_key, Answer.number] + ([text] if choices else [])
    rows = _rows(select(Response.survey_id, Answer.item_key, Answer.number, text, func.count())
                 .join(Answer, Answer.response_id == Response.id)
                 .where(Response.survey_id.in_(survey_ids), Response.submitted_at.is_not(None),
                        Answer.item_key.in_(keys), *([not_(or_(*left_out))] if left_out else []))
                 .group_by(*grouped))
    return [(survey_id, key, number if number is not None else text, count)
            for survey_id, key, number, text, count in rows]


def pair_counts(couples: dict[int, int], keys: Collection[str]) -> list[tuple]:
    """[(pre survey id, item key, answer before, answer after or None, how many)] for each
    {pre survey id: post survey id} of `couples`: every answer to the items `keys` before,
    with the same respondent's answer after in the survey paired with it (None where there is
    none). One pass gives the spread before, the pairs, and how many answered before only."""
    if not couples or not keys:
        return []
    pre, post = aliased(Response), aliased(Response)
    before, after = aliased(Answer), aliased(Answer)
    return _rows(
        select(pre.survey_id, before.item_key, before.number, after.number, func.count())
        .select_from(pre)
        .join(before, before.response_id == pre.id)
        .outerjoin(post, and_(post.respondent == pre.respondent,
                              post.survey_id == case(couples, value=pre.survey_id),
                              post.submitted_at.is_not(None)))
        .outerjoin(after, and_(after.response_id == post.id,
                               after.item_key == before.item_key,
                               after.item_key.in_(keys)))  # said again for the planner
        .where(pre.survey_id.in_(couples), pre.submitted_at.is_not(None),
               before.item_key.in_(keys))
        .group_by(pre.survey_id, before.item_key, before.number, after.number))


def look_back_counts(survey_ids: Collection[int], looks: Collection[str],
                     nows: Collection[str]) -> list[tuple]:
    """[(survey id, look-back item key, item-about-now key, answer looking back, answer about
    now, how many)]: each response's answers to a look-back item and an item about now."""
    if not survey_ids or not looks or not nows:
        return []
    look, now = aliased(Answer), aliased(Answer)
    return _rows(
        select(Response.survey_id, look.item_key, now.item_key, look.number, now.number,
               func.count())
        .join(look, look.response_id == Response.id)
        .join(now, now.response_id == Response.id)
        .where(Response.survey_id.in_(survey_ids), Response.submitted_at.is_not(None),
               look.item_key.in_(looks), now.item_key.in_(nows), look.number.is_not(None),
               now.number.is_not(None))
        .group_by(Response.survey_id, look.item_key, now.item_key, look.number, now.number))


def first_texts(survey_ids: Collection[int], keys: Collection[str],
                limit: int) -> list[tuple]:
    """[(survey id, item key, answer, how many answered it in words)]: of each survey's
    answers in words to each of the items `keys` (an empty answer is none), the first `limit`
    in the order Python sorts them. One query for them all, whose rows are at most `limit` an
    item a survey."""
    if not survey_ids or not keys:
        return []
    each = (Response.survey_id, Answer.item_key)
    ranked = (select(Response.survey_id, Answer.item_key, Answer.text,
                     func.row_number().over(partition_by=each,
                                            order_by=_by_code_point(Answer.text))
                     .label("place"),
                     func.count().over(partition_by=each).label("answered"))
              .join(Answer, Answer.response_id == Response.id)
              .where(Response.survey_id.in_(survey_ids), Response.submitted_at.is_not(None),
                     Answer.item_key.in_(keys), Answer.text != "")
              .subquery())
    return _rows(select(ranked.c.survey_id, ranked.c.item_key, ranked.c.text,
                        ranked.c.answered).where(ranked.c.place <= limit))


def _by_code_point(column):
    """The column ordered as Python orders strings, by code point: the order of their UTF-8
    bytes, which is SQLite's own (BINARY) and PostgreSQL's "C" collation."""
    return column.collate("C") if db.session.get_bind().dialect.name == "postgresql" else column
