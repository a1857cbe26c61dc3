"""The form a member answers a feedback request with: their earlier answers are in its boxes,
so changing one keeps the others, and every answer that cannot stand is named in the error
summary by its question."""

import re
from html import unescape

from cohort.board import services
from cohort.board.models import FeedbackAnswer
from cohort.core.database import commit
from cohort.extensions import db
from tests.helpers import IsolatedClient, post_form

from .conftest import start


def _request(board):
    return start(board.ada, kind="feedback", title="Draft strategy",
                 questions=["Is the scope right?", "What is missing?", "Who else to ask?"])


def _box(html: str, question) -> str:
    found = re.search(rf'<textarea[^>]*name="answer-{question.id}"[^>]*>(.*?)</textarea>',
                      html, re.S)
    assert found, f"no box for question {question.id}"
    return unescape(found.group(1)).strip()


def test_a_members_answers_are_filled_in_to_change_one(client, login, board):
    """issue 19 item 25"""
    thread = _request(board)
    q1, q2, q3 = thread.questions
    services.answer(board.ben.user, board.ben, thread, {q1.id: "Too wide", q2.id: "Costs & <risks>"})
    commit()
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    html = client.get(url).get_data(as_text=True)
    assert [_box(html, q) for q in (q1, q2, q3)] == ["Too wide", "Costs & <risks>", ""]
    response = post_form(client, f"{url}/answers", {
        f"answer-{q1.id}": "About right now", f"answer-{q2.id}": _box(html, q2),
        f"answer-{q3.id}": ""}, page=url)
    assert response.status_code == 302
    kept = dict(db.session.execute(db.select(FeedbackAnswer.question_id, FeedbackAnswer.body)
                                   .where(FeedbackAnswer.author_id == board.ben.user_id)).all())
    assert kept == {q1.id: "About right now", q2.id: "Costs & <risks>"}


def test_another_members_answers_are_not_filled_in(client, login, board):
    thread = _request(board)
    q1 = thread.questions[0]
    services.answer(board.ben.user, board.ben, thread, {q1.id: "Too wide"})
    commit()
    login(board.cy.user)
    html = client.get(f"/cohorts/{board.cohort.id}/board/threads/{thread.id}").get_data(
        as_text=True)
    assert _box(html, q1) == ""


def test_the_error_summary_names_each_question_to_put_right(client, login, board):
    thread = _request(board)
    q1, q2, q3 = thread.questions
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    response = post_form(client, f"{url}/answers", {
        f"answer-{q1.id}": "x" * 5001, f"answer-{q2.id}": "Fine", f"answer-{q3.id}": "Ask\x00me"},
        page=url)
    html = response.get_data(as_text=True)
    summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    items = [unescape(re.sub(r"<[^>]+>", "", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)]
    assert items == [
        "Question 1: keep your answer to 5,000 characters or fewer: it has 5,001",
        "Question 3: take out the control characters from your answer"]
    assert f'href="#answer-{q1.id}"' in summary.group(1)
    assert f'href="#answer-{q3.id}"' in summary.group(1)
    assert db.session.execute(db.select(FeedbackAnswer)).first() is None


def _flash(html: str) -> str:
    found = re.search(r'govuk-notification-banner__heading">(.*?)</', html, re.S)
    return unescape(found.group(1)).strip() if found else ""


def _had(client, url: str) -> str:
    """The questions the page shows answered, as its form sends them back."""
    return re.search(r'name="had" value="([^"]*)"', client.get(url).get_data(as_text=True)
                     ).group(1)


def test_emptying_one_box_withdraws_that_answer_from_the_authors_view(app, client, login, board):
    thread = _request(board)
    q1, q2, q3 = thread.questions
    services.answer(board.ben.user, board.ben, thread, {q1.id: "Too wide", q2.id: "Costs"})
    commit()
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    response = post_form(client, f"{url}/answers", {
        f"answer-{q1.id}": "Too wide", f"answer-{q2.id}": "", f"answer-{q3.id}": "",
        "had": _had(client, url)}, page=url, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert _flash(html) == ("Thank you: your feedback is saved. The answer you cleared is "
                            "withdrawn.")
    assert [_box(html, q) for q in (q1, q2, q3)] == ["Too wide", "", ""]
    kept = dict(db.session.execute(db.select(FeedbackAnswer.question_id, FeedbackAnswer.body)
                                   .where(FeedbackAnswer.author_id == board.ben.user_id)).all())
    assert kept == {q1.id: "Too wide"}
    author = IsolatedClient(app, app.response_class, use_cookies=True)
    login(board.ada.user, the_client=author)
    page = author.get(url).get_data(as_text=True)
    assert "Costs" not in page and "Feedback from: Ben Byron (1 answer)." in page


def test_emptying_every_box_withdraws_all_the_members_answers(client, login, board):
    thread = _request(board)
    q1, q2, q3 = thread.questions
    services.answer(board.ben.user, board.ben, thread, {q1.id: "Too wide", q2.id: "Costs"})
    commit()
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    response = post_form(client, f"{url}/answers", {
        **{f"answer-{q.id}": "" for q in (q1, q2, q3)}, "had": _had(client, url)},
        page=url, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert _flash(html) == "Your answers are withdrawn: the author no longer sees them."
    assert "Write an answer to at least one question" not in html
    assert db.session.execute(db.select(FeedbackAnswer)).first() is None
    assert "Too wide" not in html and "Costs" not in html
    assert services.feedback_givers(thread) == []


def test_a_first_answer_with_every_box_empty_is_still_refused(client, login, board):
    thread = _request(board)
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    response = post_form(client, f"{url}/answers", {
        f"answer-{q.id}": " " for q in thread.questions}, page=url)
    assert response.status_code == 200
    assert "Write an answer to at least one question" in response.get_data(as_text=True)


def test_a_tab_opened_before_an_answer_was_saved_does_not_withdraw_it(client, login, board):
    """Ben opens the request in two tabs, answers question 2 in the second, then saves the
    first, whose box for question 2 was empty all along: his answer stays."""
    thread = _request(board)
    q1, q2, q3 = thread.questions
    login(board.ben.user)
    url = f"/cohorts/{board.cohort.id}/board/threads/{thread.id}"
    first_tab = _had(client, url)
    assert first_tab == ""
    services.answer(board.ben.user, board.ben, thread, {q2.id: "Costs"})  # the second tab
    commit()
    response = post_form(client, f"{url}/answers", {
        f"answer-{q1.id}": "Too wide", f"answer-{q2.id}": "", f"answer-{q3.id}": "",
        "had": first_tab}, page=url, follow_redirects=True)
    assert _flash(response.get_data(as_text=True)) == "Thank you: your feedback is saved."
    kept = dict(db.session.execute(db.select(FeedbackAnswer.question_id, FeedbackAnswer.body)
                                   .where(FeedbackAnswer.author_id == board.ben.user_id)).all())
    assert kept == {q1.id: "Too wide", q2.id: "Costs"}
