"""Pagination, the one way: a page number read from a query string, a page of rows, and the
Page every paged list hands its template (whose links macros/pages.html draws).

A page number is ASCII digits only ('٣' and '²' are not numbers here): anything else, 0, or a
number past MAX_PAGE is page 1. A page past the last is shown empty, with its number, so a
template can say there are fewer items than that page would start at.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Integer, bindparam, func, literal_column, select

from cohort.core.forms import ascii_number
from cohort.extensions import db

PAGE_SIZE = 25
MAX_PAGE = 100_000
# The most a list that grows without end (the audit log, the mail log) counts for its page:
# past it the page says "more than 10,000", so a log of millions costs a page no more.
COUNTED_UP_TO = 10_000


@dataclass
class Page:
    """One page of a list. `total` is None when only whether another page follows is known
    (`more`: a list counted by fetching one row past the page); `counted_up_to` is set when
    the list was counted only that far and holds more."""

    items: list[Any]
    number: int
    total: int | None
    size: int
    more: bool = False
    counted_up_to: int | None = None

    @property
    def pages(self) -> int:
        if self.total is None:
            return self.number + int(self.more)
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.total is None else self.number < self.pages

    @property
    def start(self) -> int:
        """The position in the whole list of the page's first item, counting from 1."""
        return (self.number - 1) * self.size + 1

    def numbers(self) -> list[int | None]:
        """The pages to link to: the first, the last, and those next to this one; None where
        pages are left out. Only the previous and next when the total is not known."""
        if self.total is None:
            return []
        last = self.pages
        near = sorted({1, last, *range(max(1, self.number - 1), min(last, self.number + 1) + 1)})
        shown: list[int | None] = []
        for number in near:
            if shown and number - shown[-1] == 2:
                shown.append(number - 1)  # one page left out is shown rather than "…"
            elif shown and number - shown[-1] > 2:
                shown.append(None)
            shown.append(number)
        return shown


def page_number(raw: str | int | None) -> int:
    """A page number from a query string: ASCII digits from 1 to MAX_PAGE; anything else is 1."""
    return ascii_number(raw, limit=MAX_PAGE) or 1


def fetch_page(fetch: Callable[[int, int], Sequence], raw_page: str | int | None,
               size: int = PAGE_SIZE, total: int | None = None) -> Page:
    """A page of rows that `fetch(limit, offset)` reads, for a query built as text (the
    search's ranked SQL). With `total` known, fetch is asked for one page; without, for one
    row more, which tells whether another page follows."""
    number = page_number(raw_page)
    offset = (number - 1) * size
    if total is not None:
        return Page(items=list(fetch(size, offset)), number=number, total=total, size=size)
    rows = list(fetch(size + 1, offset))
    return Page(items=rows[:size], number=number, total=None, size=size, more=len(rows) > size)


class Paged(NamedTuple):
    """An ordered select made ready for pages: its count, and its page, which takes `limit`
    and `offset`. Built once with a prepared statement (core/database.py), so that paging it
    builds nothing on each request."""

    count: Any
    page: Any
    one: bool  # a select of one entity or column: its objects rather than rows
    count_up_to: Any = None  # with `capped`: the count of at most `cap` rows, in no order


def paged(statement, capped: bool = False) -> Paged:
    """`capped` also builds the count of at most `cap` rows (paginate's count_up_to), for a
    list of rows such as a log: not for a select of aggregates, nor one with a LIMIT of its
    own (refused: the cap would replace it)."""
    if capped and statement._limit_clause is not None:  # no public accessor in SQLAlchemy
        raise ValueError("a capped count would replace the statement's own LIMIT")
    unordered = statement.order_by(None)
    return Paged(select(func.count()).select_from(unordered.subquery()),
                 statement.limit(bindparam("limit", type_=Integer))
                 .offset(bindparam("offset", type_=Integer)),
                 len(statement.column_descriptions) == 1,
                 select(func.count()).select_from(
                     _one_value(unordered).limit(bindparam("cap", type_=Integer)).subquery())
                 if capped else None)


def _one_value(statement):
    """The statement's rows as one value each, from the same tables, so the database counts
    index entries rather than reading rows; a DISTINCT statement keeps its columns, which say
    what counts as one row."""
    if statement._distinct:  # SQLAlchemy keeps DISTINCT here; it has no public accessor
        return statement
    return statement.with_only_columns(literal_column("1"), maintain_column_froms=True)


def paginate(statement, raw_page: str | int | None, size: int = PAGE_SIZE,
             total: int | None = None, params: dict | None = None,
             count_up_to: int | None = None) -> Page:
    """A page of an ordered select (or of a Paged one, with the `params` its bindparams take):
    its objects (a select of one entity or column) or its rows. The rows are counted unless
    the caller knows `total` (a thread's post count); with `count_up_to`, only that many and
    one more are counted, so a list that grows without end (the audit log) costs no more to
    page through than one of that size: past it, the page knows only whether another follows
    and says the list holds more than `count_up_to`."""
    ready = statement if isinstance(statement, Paged) else paged(
        statement, capped=count_up_to is not None)
    params = params or {}

    def fetch(limit: int, offset: int) -> list:
        result = db.session.execute(ready.page, {**params, "limit": limit, "offset": offset})
        return list(result.scalars() if ready.one else result.all())

    if total is None and count_up_to is not None:
        if ready.count_up_to is None:
            raise ValueError("count_up_to needs a list made ready with paged(..., capped=True)")
        counted = db.session.execute(ready.count_up_to,
                                     {**params, "cap": count_up_to + 1}).scalar_one()
        if counted > count_up_to:
            page = fetch_page(fetch, raw_page, size)
            page.counted_up_to = count_up_to
            return page
        total = counted
    if total is None:
        total = db.session.execute(ready.count, params).scalar_one()
    return fetch_page(fetch, raw_page, size, total)
