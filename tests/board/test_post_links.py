"""A link to a post past a thread's first page (POSTS_A_PAGE posts a page) names the page it is
on, in the app's notices, in the mail of a new post and of a mention, and where a page sends
its writer back to the post after replying, editing, hiding or showing it: followed, the link
opens the page that holds the post."""

import re

import pytest

from cohort.board import services
from cohort.board.models import POSTS_A_PAGE, post_link
from cohort.core.database import commit
from tests.helpers import IsolatedClient, post_form

from .conftest import mail_to, reply_as, start


@pytest.fixture
def long_thread(board):
    """Ada's thread whose next post is the first of page 2; Cy follows it."""
    thread = start(board.ada, title="A long one")
    services.follow(board.cy.user, thread)
    commit()
    for n in range(POSTS_A_PAGE - 1):
        reply_as(board.ben, thread, f"Reply {n}")
    assert thread.post_count == POSTS_A_PAGE
    return thread


def _opens_post(client, href: str, number: int) -> bool:
    """Following the link shows the post it names."""
    return f'id="post-{number}"' in client.get(href).get_data(as_text=True)


def test_the_link_to_a_post_names_its_page():
    class Thread:
        cohort_id, id = 3, 7
    assert post_link(Thread, 1)["page"] is None
    assert post_link(Thread, POSTS_A_PAGE)["page"] is None
    assert post_link(Thread, POSTS_A_PAGE + 1)["page"] == 2
    assert post_link(Thread, 2 * POSTS_A_PAGE + 1) == {
        "cohort_id": 3, "thread_id": 7, "page": 3, "_anchor": f"post-{2 * POSTS_A_PAGE + 1}"}


def test_a_notice_of_a_post_on_page_two_opens_page_two(client, login, board, long_thread):
    post = reply_as(board.ben, long_thread, "Past the first page")
    assert post.number == POSTS_A_PAGE + 1
    login(board.cy.user)
    page = client.get("/notifications").get_data(as_text=True)
    newest = re.findall(r'href="(/notifications/\d+)"', page)[0]
    opened = client.get(newest).headers["Location"]
    assert opened.endswith(f"/cohorts/{board.cohort.id}/board/threads/{long_thread.id}"
                           f"?page=2#post-{post.number}")
    assert _opens_post(client, opened.split("#")[0], post.number)


def test_the_mail_of_a_post_and_of_a_mention_on_page_two_opens_page_two(
        client, login, board, long_thread):
    post = reply_as(board.ben, long_thread, "Past the first page, @fay-fairweather")
    where = f"/board/threads/{long_thread.id}?page=2#post-{post.number}\n"
    told = mail_to(board.cy)[-1]  # a follower
    mentioned = mail_to(board.fay)[-1]
    assert mentioned.subject.startswith("Ben Byron mentioned you")
    assert where in told.body and where in mentioned.body
    login(board.cy.user)
    assert _opens_post(client, f"/cohorts/{board.cohort.id}/board/threads/{long_thread.id}"
                               "?page=2", post.number)


def test_editing_hiding_and_showing_a_post_on_page_two_come_back_to_it(
        app, client, login, board, long_thread):
    post = reply_as(board.ben, long_thread, "Past the first page")
    url = f"/cohorts/{board.cohort.id}/board/threads/{long_thread.id}"
    back = f"{url}?page=2#post-{post.number}"
    login(board.ben.user)
    response = post_form(client, f"{url}/posts/{post.id}/edit",
                         {"body": "Past the first page, edited", "version": str(post.version)})
    assert response.status_code == 302 and response.headers["Location"] == back
    facilitator = IsolatedClient(app, app.response_class, use_cookies=True)
    login(board.fay.user, the_client=facilitator)
    response = post_form(facilitator, f"{url}/posts/{post.id}/hide", {"reason": "Off topic"})
    assert response.headers["Location"] == back
    response = post_form(facilitator, f"{url}/posts/{post.id}/show", {}, page=url)
    assert response.headers["Location"] == back


def test_a_search_result_for_a_post_on_page_two_opens_page_two(client, login, board,
                                                               long_thread):
    post = reply_as(board.ben, long_thread, "The kestrel survey might help")
    login(board.cy.user)
    page = client.get(f"/cohorts/{board.cohort.id}/board/search?q=kestrel").get_data(
        as_text=True)
    (found,) = re.findall(r'href="([^"]*/posts/\d+)"', page)
    opened = client.get(found).headers["Location"]
    assert opened.endswith(f"/board/threads/{long_thread.id}?page=2#post-{post.number}")
    assert _opens_post(client, opened.split("#")[0], post.number)
    services.delete_post(board.ben.user, post)
    commit()
    assert client.get(found).status_code == 404  # a deleted post is gone for everyone
