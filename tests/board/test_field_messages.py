"""What the board's forms say about a value too long or holding a control character: the
field's real limit, by the field's name, never WTForms' "Field cannot be longer than 1000
characters." nor a garbled or wrong reason."""

from html import unescape

import pytest
from sqlalchemy import func, select

from cohort.board.models import Post, Resource, Thread
from cohort.extensions import db
from tests.helpers import post_form

from .conftest import reply_as, start

WTFORMS = "Field cannot be longer than"


def _said(response) -> str:
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "x" * 1001}, "Keep the title to 200 characters or fewer"),
    ({"title": "x" * 201}, "Keep the title to 200 characters or fewer"),
    ({"body": "x" * 200_001}, "Keep your post to 20,000 characters or fewer"),
    ({"kind": "feedback", "draft_text": "Draft", "questions": "Is it clear?\nWhy \u202eereh?"},
     "Question 2 contains a control character"),
    ({"kind": "feedback", "draft_text": "Draft", "questions": "Why?\n" * 5000},
     "Ask 8 questions at most, each of 500 characters or fewer"),
])
def test_a_new_thread_names_the_fields_real_limit(client, login, board, fields, message):
    login(board.ada.user)
    url = f"/cohorts/{board.cohort.id}/board/new"
    page = _said(post_form(client, url, {
        "kind": "discussion", "title": "Measures", "body": "Which?", **fields}))
    assert message in page and WTFORMS not in page
    assert "one line of 500 characters" not in page
    assert db.session.execute(select(func.count(Thread.id))).scalar_one() == 0


def test_a_title_is_measured_as_it_is_kept(client, login, board):
    """Spaces are run together in a title: 200 characters typed with extra spaces fit."""
    login(board.ada.user)
    url = f"/cohorts/{board.cohort.id}/board/new"
    title = " ".join(["x" * 99, "y" * 100])
    response = post_form(client, url, {"kind": "discussion", "title": f"  {title.replace(' ', '   ')} ",
                                       "body": "Which?"})
    assert response.status_code == 302
    assert db.session.execute(select(Thread.title)).scalar_one() == title


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "x" * 1001}, "Keep the title to 200 characters or fewer"),
    ({"topic": "x" * 1001}, "Keep the topic to 100 characters or fewer"),
    ({"topic": "x" * 101}, "Keep the topic to 100 characters or fewer"),
    ({"url": "https://example.org/" + "x" * 600}, "Keep the link to 500 characters or fewer"),
    ({"url": "https://example.org/" + "x" * 6000}, "Keep the link to 500 characters or fewer"),
    ({"description": "x" * 20_001}, "Keep the description to 2,000 characters or fewer"),
])
def test_a_resource_names_the_fields_real_limit(client, login, board, fields, message):
    login(board.fay.user)
    url = f"/cohorts/{board.cohort.id}/resources/new"
    page = _said(post_form(client, url, {
        "title": "Measures", "topic": "Measuring wellbeing", "url": "https://example.org/",
        **fields}))
    assert message in page and WTFORMS not in page
    assert "Keep a topic" not in page and "Enter a link that starts" not in page
    assert db.session.execute(select(func.count(Resource.id))).scalar_one() == 0


def test_an_empty_topic_gives_an_example(client, login, board):
    login(board.fay.user)
    url = f"/cohorts/{board.cohort.id}/resources/new"
    page = _said(post_form(client, url, {"title": "Measures", "topic": " ",
                                         "url": "https://example.org/"}))
    assert "Enter a topic, like Measuring wellbeing" in page


def test_a_hide_reason_names_its_real_limit(client, login, board):
    post = reply_as(board.ben, start(board.ada), "Something unkind")
    login(board.fay.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{post.thread_id}/posts/{post.id}/hide"
    for reason in ("x" * 1001, "x" * 501):
        page = _said(post_form(client, url, {"reason": reason}))
        assert "Keep the reason to 500 characters or fewer" in page and WTFORMS not in page
    assert db.session.get(Post, post.id).hidden_at is None


def test_a_reply_past_the_form_limit_names_the_real_one(client, login, board):
    thread = start(board.ada)
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    page = _said(post_form(client, f"{url}/reply", {"body": "x" * 200_001}, page=url))
    assert "Keep your reply to 20,000 characters or fewer" in page and WTFORMS not in page
