"""A new thread's draft, questions and date are kept only on a request for feedback: filled in
for a discussion or a question, they are refused on the kind chosen (never dropped in
silence), everything typed stays on the form and a chosen file is asked for again. The
fields show under "Work in progress: feedback wanted" (GOV.UK's conditional reveal)."""

import io
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from cohort.board import services
from cohort.board.models import Thread
from cohort.board.services import BoardError, NewThread
from cohort.extensions import db
from tests.helpers import csrf_from

from .conftest import PDF, pdf

REFUSED = ("You filled in the draft's text and questions: choose ‘Work in progress: feedback "
           "wanted’, or clear them")


def _threads() -> int:
    return db.session.execute(select(func.count(Thread.id))).scalar_one()


def _post_new(client, cohort, data: dict):
    url = f"/cohorts/{cohort.id}/board/new"
    return client.post(url, data={"csrf_token": csrf_from(client.get(url)), **data},
                       content_type="multipart/form-data")


def _box(html: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, f"no box {name}"
    return unescape(found.group(1)).strip()


@pytest.mark.parametrize("kind", ["discussion", "question"])
def test_a_draft_and_questions_on_another_kind_are_refused_and_kept(client, login, board, kind):
    login(board.ada.user)
    response = _post_new(client, board.cohort, {
        "kind": kind, "title": "Our strategy", "body": "What do you think?",
        "draft_text": "The draft strategy.", "questions": "Is it clear?\nWhat is missing?",
        "feedback_by-day": "", "feedback_by-month": "", "feedback_by-year": ""})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Your thread is on the board." not in page
    assert REFUSED in page
    assert page.count(REFUSED) == 2  # in the summary and on the kind field
    html = response.get_data(as_text=True)
    assert _box(html, "draft_text") == "The draft strategy."
    assert _box(html, "questions") == "Is it clear?\nWhat is missing?"
    assert _box(html, "body") == "What do you think?"
    assert 'value="Our strategy"' in html
    assert _threads() == 0


def test_a_chosen_draft_file_is_asked_for_again(client, login, board):
    login(board.ada.user)
    response = _post_new(client, board.cohort, {
        "kind": "discussion", "title": "Our strategy", "body": "What do you think?",
        "draft_file": (io.BytesIO(PDF), "strategy.pdf")})
    page = unescape(response.get_data(as_text=True))
    assert "You filled in the draft as a file: choose ‘Work in progress: feedback wanted’, " \
           "or clear it" in page
    assert "The file you chose (strategy.pdf) was not kept: choose it again" in page
    assert _threads() == 0


def test_a_date_alone_on_a_discussion_is_refused(board):
    member = board.ada
    with pytest.raises(BoardError) as refused:
        services.create_thread(member.user, member, member.cohort, NewThread(
            kind="discussion", title="Dates", body="When?",
            feedback_by=services.local_today(member.cohort)))
    assert refused.value.field == "kind"
    assert str(refused.value).startswith("You filled in the date feedback helps by:")


def test_the_same_fields_ask_for_feedback_when_chosen(client, login, board):
    login(board.ada.user)
    response = _post_new(client, board.cohort, {
        "kind": "feedback", "title": "Our strategy", "body": "Where it stands.",
        "draft_text": "The draft strategy.", "questions": "Is it clear?",
        "draft_file": (io.BytesIO(PDF), "strategy.pdf")})
    assert response.status_code == 302
    thread = db.session.execute(select(Thread)).scalar_one()
    assert thread.kind == "feedback" and [q.text for q in thread.questions] == ["Is it clear?"]
    assert services.versions_of(thread)[0].attachment.filename == "strategy.pdf"


def test_a_discussion_with_blank_feedback_fields_is_started(board):
    member = board.ada
    thread = services.create_thread(member.user, member, member.cohort, NewThread(
        kind="discussion", title="Plain", body="Hello", draft_text="  \n", questions=["", " "],
        draft_file=None))
    assert thread.kind == "discussion"


def test_the_feedback_fields_say_when_to_fill_them_in(client, login, board):
    login(board.ada.user)
    html = client.get(f"/cohorts/{board.cohort.id}/board/new").get_data(as_text=True)
    assert "Fill these in only when you choose ‘Work in progress: feedback wanted’" in html
    assert all(f'name="{name}"' in html for name in (
        "draft_text", "draft_file", "questions", "feedback_by-day"))
    assert "data-aria-controls" not in html  # no radio marked aria-expanded


def test_a_file_chosen_is_asked_for_again_when_a_reply_is_sent_back(client, login, board):
    thread = services.create_thread(board.ada.user, board.ada, board.cohort, NewThread(
        kind="discussion", title="Files", body="Hello"))
    db.session.commit()
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    response = client.post(f"{url}/reply", data={
        "csrf_token": csrf_from(client.get(url)), "body": "Hello @nobody-here",
        "attachment": (io.BytesIO(pdf().data), "notes.pdf")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "No one on this board is called @nobody-here" in page
    assert "The file you chose (notes.pdf) was not kept: choose it again" in page
