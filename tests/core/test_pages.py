"""The one pagination: page numbers read from a query string, and the pages linked to."""

import pytest

from cohort.core.pages import MAX_PAGE, Page, fetch_page, page_number


@pytest.mark.parametrize(("raw", "number"), [
    ("3", 3), (" 3 ", 3), (7, 7), (str(MAX_PAGE), MAX_PAGE),
    (None, 1), ("", 1), ("0", 1), ("-1", 1), ("+2", 1), ("1.5", 1), ("3x", 1),
    ("٣", 1), ("²", 1), ("３", 1), (str(MAX_PAGE + 1), 1), ("99999999999999999999", 1),
])
def test_a_page_number_is_ascii_digits_and_anything_else_is_the_first_page(raw, number):
    assert page_number(raw) == number


@pytest.mark.parametrize(("number", "total", "links"), [
    (1, 10, [1]),
    (1, 30, [1, 2, 3]),
    (1, 100, [1, 2, None, 10]),
    (5, 100, [1, None, 4, 5, 6, None, 10]),
    (4, 100, [1, 2, 3, 4, 5, None, 10]),  # a single page left out is shown, not "…"
    (10, 100, [1, None, 9, 10]),
])
def test_the_pages_linked_are_the_ends_and_the_neighbours(number, total, links):
    assert Page([], number, total, 10).numbers() == links


def test_an_uncounted_list_fetches_one_more_to_know_whether_a_page_follows():
    rows = list(range(45))
    asked = []

    def fetch(limit, offset):
        asked.append((limit, offset))
        return rows[offset:offset + limit]

    second = fetch_page(fetch, "2", 20)
    assert (second.items, second.has_next, second.has_previous) == (rows[20:40], True, True)
    last = fetch_page(fetch, "3", 20)
    assert (last.items, last.has_next, last.numbers(), last.start) == (rows[40:], False, [], 41)
    assert asked == [(21, 20), (21, 40)]
    counted = fetch_page(fetch, "٣", 20, total=45)
    assert (counted.number, counted.pages, counted.has_next, asked[-1]) == (1, 3, True, (20, 0))
