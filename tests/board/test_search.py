"""Search on the database the suite runs on (SQLite's FTS5, or PostgreSQL's text search):
words and their stemmed forms, title matches first, matches marked in escaped snippets, only
the cohorts asked for, any query typed taken as words, nothing hidden or deleted found."""

import pytest

from cohort.board import services
from cohort.core.database import commit
from cohort.extensions import db

from .conftest import reply_as, start


def _find(board, query: str, page: int = 1, cohort=None):
    hits, _more, _limited = services.search([(cohort or board.cohort).id], query, page)
    return hits


def _posts(board, query: str) -> list[int]:
    return [hit.ref_id for hit in _find(board, query) if hit.kind == "post"]


def test_a_post_is_found_by_a_word_it_contains(board):
    thread = start(board.ada, title="Survey design")
    post = reply_as(board.ben, thread, "We tried the kestrel questionnaire last spring")
    hits = _find(board, "kestrel")
    assert [(h.kind, h.ref_id, h.thread_id, h.title) for h in hits] == [
        ("post", post.id, thread.id, "Survey design")]


@pytest.mark.parametrize("query", ["measure", "measured", "MEASURES"])
def test_a_post_is_found_by_another_form_of_its_words(board, query):
    thread = start(board.ada, title="Outcomes")
    post = reply_as(board.ben, thread, "We are measuring loneliness across the county")
    assert _posts(board, query) == [post.id]


def test_every_word_asked_for_must_be_there(board):
    thread = start(board.ada, title="Outcomes")
    both = reply_as(board.ben, thread, "Loneliness and housing go together")
    reply_as(board.cy, thread, "Housing is the priority")
    assert _posts(board, "housing loneliness") == [both.id]


def test_a_match_in_the_title_ranks_first(board):
    titled = start(board.ada, title="Wellbeing budgets", body="How do we begin?")
    other = start(board.cy, title="Other matters", body="Last week we discussed wellbeing")
    hits = _find(board, "wellbeing")
    assert hits[0].thread_id == titled.id
    assert {h.thread_id for h in hits} == {titled.id, other.id}
    assert hits[-1].thread_id == other.id


def test_a_snippet_marks_the_match_and_escapes_what_was_written(board):
    thread = start(board.ada, title="Formatting")
    reply_as(board.ben, thread, "Put <b>bold</b> & <script>x</script> round the wellbeing score")
    (hit,) = [h for h in _find(board, "wellbeing") if h.kind == "post"]
    assert "<mark>wellbeing</mark>" in hit.snippet
    assert "&lt;b&gt;bold&lt;/b&gt;" in hit.snippet and "&amp;" in hit.snippet
    without_marks = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks


def test_a_match_counts_where_it_is_and_how_often(board):
    once = start(board.ada, title="Notes", body="One kestrel was counted")
    often = start(board.ben, title="Notes", body="Kestrel after kestrel after kestrel")
    titled = start(board.cy, title="Kestrel survey", body="Our method")
    in_order = [h.thread_id for h in _find(board, "kestrel")]
    assert list(dict.fromkeys(in_order)) == [titled.id, often.id, once.id]


def test_a_whole_word_is_searched_on_every_database(board):
    thread = start(board.ada, title="Questionnaires", body="The kestrel questionnaire")
    assert thread.id in {h.thread_id for h in _find(board, "questionnaire")}
    assert _find(board, "questionn") == []


def test_a_snippet_is_of_the_title_or_the_text_where_the_word_is(board):
    titled = start(board.ada, title="Kestrel counts", body="Nothing else here")
    other = start(board.ben, title="Other birds", body="Something else")
    reply_as(board.cy, other, "A single kestrel")
    snippets = {h.thread_id: h.snippet for h in _find(board, "kestrel")}
    assert snippets[titled.id].startswith("<mark>Kestrel</mark> counts")
    assert snippets[other.id].endswith("A single <mark>kestrel</mark>")  # PostgreSQL: title — text


def test_the_name_a_cohort_is_searched_by_finds_nothing_written(board):
    """On SQLite each entry also holds its cohort's scope token ("c" and the id); a search
    for that word looks in what people wrote only."""
    start(board.ada, title="Kestrel counts")
    assert _find(board, f"c{board.cohort.id}") == []
    assert _find(board, f"kestrel c{board.cohort.id}") == []


def test_another_cohorts_board_is_never_searched(board):
    ours = start(board.ada, title="Kestrel counts")
    theirs = start(board.zed, title="Kestrel counts elsewhere")
    assert {h.thread_id for h in _find(board, "kestrel")} == {ours.id}
    assert {h.thread_id for h in _find(board, "kestrel", cohort=board.zed.cohort)} == {theirs.id}
    assert services.search([], "kestrel") == ([], False, None)


@pytest.mark.parametrize("query", ['"wellbeing', "wellbeing*", "-wellbeing", "^wellbeing",
                                   "(wellbeing)", "wellbeing:", "{wellbeing}", "wellbeing'"])
def test_search_syntax_in_a_query_is_read_as_words(board, query):
    thread = start(board.ada, title="Wellbeing")
    assert thread.id in {h.thread_id for h in _find(board, query)}


@pytest.mark.parametrize("query", ['wellbeing OR "', "NEAR(", "NEAR(wellbeing, 2", "*", '"',
                                   "AND OR NOT", "title:wellbeing", "wellbeing + -", "'",
                                   "'; DROP TABLE board_search; --", "\\", "%_", "ü ß 東京",
                                   "a" * 500, "wellbeing " * 40, ""])
def test_any_query_a_person_types_runs_without_error(board, query):
    start(board.ada, title="Wellbeing")
    hits, more, _limited = services.search([board.cohort.id], query)
    assert isinstance(hits, list) and more in (True, False)
    assert _find(board, "wellbeing")  # the search still works after it


def test_hidden_and_deleted_posts_are_not_found(board):
    thread = start(board.ada, title="Survey design")
    hidden = reply_as(board.ben, thread, "The kestrel approach, hidden")
    deleted = reply_as(board.cy, thread, "The kestrel approach, deleted")
    kept = reply_as(board.ada, thread, "The kestrel approach, kept")
    services.hide_post(board.fay.user, hidden, "Shares a person's details")
    services.delete_post(board.cy.user, deleted)
    commit()
    assert _posts(board, "kestrel") == [kept.id]
    services.show_post(board.fay.user, hidden)
    commit()
    assert sorted(_posts(board, "kestrel")) == sorted([hidden.id, kept.id])


def test_nothing_of_a_hidden_thread_is_found(board):
    thread = start(board.ada, title="Kestrel gossip", body="About a named person")
    reply_as(board.ben, thread, "More kestrel gossip")
    opening = services.posts_page(thread, None).items[0]
    services.hide_post(board.fay.user, opening, "Names a member of the public")
    commit()
    assert _find(board, "kestrel") == [] and _find(board, "gossip") == []
    services.show_post(board.fay.user, db.session.merge(opening))
    commit()
    assert {h.kind for h in _find(board, "kestrel")} == {"thread", "post"}


def test_an_edit_is_searched_as_it_now_reads(board):
    thread = start(board.ada, title="Ideas", body="The heron method")
    opening = services.posts_page(thread, None).items[0]
    services.edit_post(board.ada.user, opening, "The kestrel method", opening.version)
    commit()
    assert _posts(board, "heron") == [] and _posts(board, "kestrel") == [opening.id]


def test_results_come_a_page_at_a_time(board):
    thread = start(board.ada, title="Birds", body="kestrel 0")
    for n in range(1, 23):
        reply_as(board.ben, thread, f"kestrel {n}")
    first, more, _ = services.search([board.cohort.id], "kestrel", 1)
    second, more_after, _ = services.search([board.cohort.id], "kestrel", 2)
    assert (len(first), more, len(second), more_after) == (20, True, 3, False)
    assert not {h.ref_id for h in first} & {h.ref_id for h in second}
