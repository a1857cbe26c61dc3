"""Search at a national programme's scale: only the most recent matches are ranked (at most
BOARD_SEARCH_RANKED), the page says when results were limited, and a search's queries do not
grow with the matches (issue 23 item 10)."""

import re

import pytest
from sqlalchemy import insert

from cohort.board import services
from cohort.board.models import SearchEntry
from cohort.core.database import commit
from cohort.extensions import db
from tests.helpers import count_queries

from .conftest import reply_as, start


@pytest.fixture
def ranked_at_most(app, monkeypatch):
    def _set(bound: int) -> None:
        monkeypatch.setitem(app.config, "BOARD_SEARCH_RANKED", bound)
    return _set


def _kestrels(board, how_many: int) -> list:
    """Replies carrying the word, oldest first, in a thread whose title does not."""
    thread = start(board.ada, title="Bird counts", body="Where do we begin?")
    return [reply_as(board.ben, thread, f"A kestrel seen, number {n}")
            for n in range(how_many)]


def test_only_the_most_recent_matches_are_ranked_and_that_is_said(board, ranked_at_most):
    ranked_at_most(5)
    posts = _kestrels(board, 8)
    hits, more, limited = services.search([board.cohort.id], "kestrel")
    assert limited == 5 and not more
    assert sorted(h.ref_id for h in hits) == sorted(p.id for p in posts[-5:])

    ranked_at_most(8)
    hits, more, limited = services.search([board.cohort.id], "kestrel")
    assert limited is None and sorted(h.ref_id for h in hits) == sorted(p.id for p in posts)


def test_the_page_says_when_results_were_limited(client, login, board, ranked_at_most):
    _kestrels(board, 8)
    login(board.ada.user)
    url = f"/cohorts/{board.cohort.id}/board/search?q=kestrel"
    ranked_at_most(1000)
    assert "most recent matches" not in client.get(url).get_data(as_text=True)
    ranked_at_most(5)
    page = client.get(url).get_data(as_text=True)
    assert "Showing the best of the 5 most recent matches" in page
    assert len(re.findall(r"<mark>kestrel</mark>", page, re.I)) >= 5
    assert "More results" not in page


def _bulk_entries(board, how_many: int, word: str, first_ref: int) -> None:
    """Entries written as the services write them, in bulk (the FTS table and PostgreSQL's
    stored vector follow the rows)."""
    thread = start(board.ada, title="Bulk", body="Opening")
    db.session.execute(insert(SearchEntry), [
        {"cohort_id": board.cohort.id, "kind": "post", "ref_id": first_ref + n,
         "thread_id": thread.id, "title": "Bulk",
         "body": f"Entry {n} about the {word} survey in the county"}
        for n in range(how_many)])
    commit()


def test_a_common_word_is_ranked_among_a_bounded_number_and_queries_stay_fixed(
        client, login, board, ranked_at_most):
    ranked_at_most(100)
    _bulk_entries(board, 30, "wellbeing", 10_000_000)
    login(board.ada.user)
    url = f"/cohorts/{board.cohort.id}/board/search?q=wellbeing"
    client.get(url)
    with count_queries() as few:
        page = client.get(url).get_data(as_text=True)
    assert "most recent matches" not in page

    _bulk_entries(board, 1500, "wellbeing", 20_000_000)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert many[0] == few[0]
    assert "Showing the best of the 100 most recent matches" in page
    # Five pages of 20 hold every ranked match; the sixth is empty.
    hits, more, limited = services.search([board.cohort.id], "wellbeing", 5)
    assert (len(hits), more, limited) == (20, False, 100)
    assert services.search([board.cohort.id], "wellbeing", 6).hits == []
