"""The board's pages: the ground rules before a first post, a thread started, replied to,
quoted, edited and moderated; a request for feedback answered, given a new version and
resolved; search and the library; bad input kept on the form; query counts that do not grow."""

import io

import pytest
from sqlalchemy import func, select

from cohort.board import services
from cohort.board.models import Post, Thread
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.extensions import db
from tests.helpers import IsolatedClient, count_queries, csrf_from, post_form, statements_run

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def _another(app):
    """A second browser: another person signed in beside the first."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def board(framework, make_cohort, make_member, make_user):
    cohort = make_cohort("Board cohort")
    ada = make_member(cohort, "participant", user=make_user("ada@example.org", "Ada Lovelace"))
    ben = make_member(cohort, "participant", user=make_user("ben@example.org", "Ben Byron"))
    fay = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Fox"))
    eve = make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve Ray"))
    commit()
    return cohort, ada, ben, fay, eve


def _agree(client, cohort):
    return post_form(client, f"/cohorts/{cohort.id}/board/ground-rules", {"agree": "y"},
                     follow_redirects=True)


def test_the_first_post_waits_for_the_ground_rules(client, login, board):
    cohort, ada, *_ = board
    login(ada.user)
    response = client.get(f"/cohorts/{cohort.id}/board/new")
    assert response.status_code == 302 and "ground-rules" in response.headers["Location"]
    page = _agree(client, cohort).get_data(as_text=True)
    assert "you can now post on the board" in page
    assert client.get(f"/cohorts/{cohort.id}/board/new").status_code == 200
    assert client.get(f"/cohorts/{cohort.id}/board").headers["X-Robots-Tag"] == \
        "noindex, nofollow"


@pytest.mark.parametrize("next_thread", ["٣", "9" * 25, "0", "-1", "x"])
def test_agreeing_with_an_address_that_names_no_thread_goes_to_the_board(client, login, board,
                                                                         next_thread):
    cohort, ada, *_ = board
    login(ada.user)
    url = f"/cohorts/{cohort.id}/board/ground-rules"
    response = post_form(client, f"{url}?next_thread={next_thread}", {"agree": "y"}, page=url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}/board")


def test_a_discussion_is_started_replied_to_quoted_and_edited(client, login, board):
    cohort, ada, *_ = board
    login(ada.user)
    _agree(client, cohort)
    response = post_form(client, f"/cohorts/{cohort.id}/board/new", {
        "kind": "discussion", "title": "Household survey questions",
        "body": "We added **loneliness** and trust questions. <script>alert(1)</script>"},
        page=f"/cohorts/{cohort.id}/board/new", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "<strong>loneliness</strong>" in page and "<script>alert" not in page
    thread = db.session.execute(select(Thread)).scalar_one()

    body = client.get(f"/cohorts/{cohort.id}/board/threads/{thread.id}?quote="
                      f"{db.session.execute(select(Post.id)).scalar_one()}").get_data(as_text=True)
    assert "&gt; We added **loneliness**" in body  # the quote fills the reply box
    url = f"/cohorts/{cohort.id}/board/threads/{thread.id}"
    post_form(client, f"{url}/reply", {"body": "A follow-up from me."}, page=url)
    post = db.session.execute(select(Post).where(Post.number == 2)).scalar_one()
    edit = f"{url}/posts/{post.id}/edit"
    post_form(client, edit, {"body": "A follow-up, corrected.", "version": str(post.version)})
    db.session.expire_all()
    assert db.session.get(Post, post.id).edited_at is not None
    assert "edited" in client.get(url).get_data(as_text=True)


def test_an_authors_name_leads_to_their_profile_for_those_who_see_profiles(app, login, board):
    cohort, ada, ben, fay, _eve = board
    for member in (ada, ben, fay):
        services.acknowledge(member)
    thread = services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="discussion", title="Measures", body="Which measures?"))
    services.reply(fay.user, fay, thread, "From the facilitator.")
    services.reply(ben.user, ben, thread, "From Ben.")
    commit()
    url = f"/cohorts/{cohort.id}/board/threads/{thread.id}"
    ada_link = f'<a class="govuk-link" href="/cohorts/{cohort.id}/members/{ada.id}">Ada Lovelace</a>'
    ben_link = f'<a class="govuk-link" href="/cohorts/{cohort.id}/members/{ben.id}">Ben Byron</a>'
    for reader in (ben.user, fay.user):
        client = _another(app)
        login(reader, the_client=client)
        page = client.get(url).get_data(as_text=True)
        assert ada_link in page and ben_link in page
        assert f"/members/{fay.id}" not in page and "Fay Fox" in page  # staff have no profile
    assert client.get(f"/cohorts/{cohort.id}/members/{ada.id}").status_code == 200
    # someone who left keeps their name on their posts, without a link
    ben.status = "left"
    commit()
    page = client.get(url).get_data(as_text=True)
    assert ada_link in page and ben_link not in page and "Ben Byron" in page


def test_bad_input_keeps_what_was_typed(client, login, board):
    cohort, ada, *_ = board
    login(ada.user)
    _agree(client, cohort)
    new = f"/cohorts/{cohort.id}/board/new"
    long_text = "word " * 20_001
    response = post_form(client, new, {"kind": "discussion", "title": "Too long",
                                       "body": long_text}, page=new)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "20,000 characters or fewer" in page
    assert "Too long" in page
    response = post_form(client, new, {"kind": "discussion", "title": "Mention",
                                       "body": "Hello @nobody-here"}, page=new)
    assert "No one on this board is called @nobody-here" in response.get_data(as_text=True)
    response = post_form(client, new, {"kind": "feedback", "title": "Draft",
                                       "body": "Our draft", "questions": ""}, page=new)
    assert "Ask at least one question" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Thread.id))).scalar_one() == 0


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_saved(client, login, board):
    cohort, ada, *_ = board
    login(ada.user)
    _agree(client, cohort)
    new = f"/cohorts/{cohort.id}/board/new"
    token = csrf_from(client.get(new))
    response = client.post(new, data={
        "csrf_token": token, "kind": "discussion", "title": "A file", "body": "See attached",
        "attachment": (io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
                       "../../report.pdf")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "programs are never accepted" in page
    assert db.session.execute(select(func.count(Thread.id))).scalar_one() == 0


def test_a_request_for_feedback_is_answered_revised_and_resolved(client, app, login, board):
    cohort, ada, ben, fay, _eve = board
    for member in (ada, ben, fay):
        services.acknowledge(member)
    thread = services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="feedback", title="Draft strategy", body="Here is where it stands.",
        questions=["Are the measures right?", "What is missing?"],
        draft_text="Our vision is ...", draft_file=services.FileIn("draft.pdf", PDF)))
    commit()
    url = f"/cohorts/{cohort.id}/board/threads/{thread.id}"
    login(ben.user)
    q1, q2 = thread.questions
    post_form(client, f"{url}/answers", {f"answer-{q1.id}": "Add a subjective measure.",
                                         f"answer-{q2.id}": ""}, page=url)
    download = client.get(f"{url}/versions/{services.versions_of(thread)[0].id}")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    author = _another(app)
    login(ada.user, the_client=author)
    page = author.get(url).get_data(as_text=True)
    assert "Feedback from: Ben Byron (1 answer)" in page
    post_form(author, f"{url}/versions/new", {"changes": "Took in Ben's measure.",
                                              "text": "Our vision, revised."},
              page=f"{url}/versions/new")
    post_form(author, f"{url}/resolve", {}, page=url)
    page = author.get(url).get_data(as_text=True)
    assert "Version 2 (latest)" in page and "Took in Ben" in page
    assert "marked this request resolved" in page
    # Someone else cannot resolve it.
    assert post_form(client, f"{url}/resolve", {}, page=url).status_code == 403


def test_a_facilitator_hides_a_post_with_a_reason_its_author_reads(client, app, login, board):
    cohort, ada, ben, fay, _eve = board
    for member in (ada, ben):
        services.acknowledge(member)
    thread = services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="question", title="A question", body="What do we measure?"))
    services.reply(ben.user, ben, thread, "Something unkind.")
    commit()
    post = db.session.execute(select(Post).where(Post.number == 2)).scalar_one()
    url = f"/cohorts/{cohort.id}/board/threads/{thread.id}"
    login(fay.user)
    post_form(client, f"{url}/posts/{post.id}/hide", {"reason": "Not in keeping with trust"})
    as_ada = _another(app)
    login(ada.user, the_client=as_ada)
    assert "Something unkind" not in as_ada.get(url).get_data(as_text=True)
    as_ben = _another(app)
    login(ben.user, the_client=as_ben)
    page = as_ben.get(url).get_data(as_text=True)
    assert "Something unkind" in page and "Not in keeping with trust" in page


def test_search_and_the_library(client, login, board, make_cohort, make_member, make_user):
    cohort, ada, _ben, fay, _eve = board
    other = make_cohort("Other cohort")
    stranger = make_member(other, "participant", user=make_user("s@example.org", "Sam"))
    for member in (ada, stranger):
        services.acknowledge(member)
    services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="discussion", title="Loneliness questions", body="The household survey asks it."))
    services.create_thread(stranger.user, stranger, other, services.NewThread(
        kind="discussion", title="Secret loneliness plans", body="Not for the other cohort."))
    services.add_resource(fay.user, cohort, services.ResourceData(
        title="Measures bank", topic="Measuring wellbeing", url="https://example.org/m",
        hallmarks=["5"]), approved=True)
    commit()
    login(ada.user)
    page = client.get(f"/cohorts/{cohort.id}/board/search?q=loneliness").get_data(as_text=True)
    assert "<mark>" in page and "Loneliness questions" in page and "Secret" not in page
    page = client.get(f"/cohorts/{cohort.id}/board/search?q=%22NEAR(*").get_data(as_text=True)
    assert "Nothing found" in page or "Results" in page
    # Every word asked for must be found: a thirteenth is refused, not dropped unseen.
    words = "loneliness " + " ".join(f"word{n}" for n in range(12))
    page = client.get(f"/cohorts/{cohort.id}/board/search?q={words}").get_data(as_text=True)
    assert "Search for 12 words or fewer" in page and "Loneliness questions" not in page
    # A page past the last says so, with the way back, rather than "Nothing found".
    page = client.get(f"/cohorts/{cohort.id}/board/search?q=loneliness&page=3").get_data(
        as_text=True)
    assert "Nothing found" not in page
    assert "There are fewer results than page 3 would start at" in page
    assert f'href="/cohorts/{cohort.id}/board/search?q=loneliness">the first page' in page
    page = client.get(f"/cohorts/{cohort.id}/resources?hallmark=5").get_data(as_text=True)
    assert "Measures bank" in page
    page = client.get(f"/cohorts/{cohort.id}/resources?hallmark=4").get_data(as_text=True)
    assert "Measures bank" not in page


def test_the_evaluator_sees_no_board(client, login, board):
    cohort, *_rest, eve = board
    login(eve.user)
    assert client.get(f"/cohorts/{cohort.id}/board").status_code == 403


def test_list_and_thread_take_the_same_queries_however_many(client, login, board):
    cohort, ada, ben, *_ = board
    for member in (ada, ben):
        services.acknowledge(member)
    first = services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="discussion", title="Thread 0", body="Opening"))
    commit()
    login(ada.user)
    url = f"/cohorts/{cohort.id}/board/threads/{first.id}"
    client.get(f"/cohorts/{cohort.id}/board")  # the visit is noted once a minute at most
    counts = []
    for _round in range(2):
        for n in range(30):
            services.reply(ben.user if n % 2 else ada.user, ben if n % 2 else ada, first,
                           f"Reply {n}")
            services.create_thread(ben.user, ben, cohort, services.NewThread(
                kind="question", title=f"Question {n}", body="Why?"))
        commit()
        with count_queries() as board_queries:
            client.get(f"/cohorts/{cohort.id}/board")
        with count_queries() as thread_queries:
            client.get(url + "?page=2")
        counts.append((board_queries[0], thread_queries[0]))
    assert counts[0] == counts[1]
    assert db.session.execute(select(func.count(MailMessage.id))).scalar_one() > 0


def test_the_session_page_and_an_action_item_link_to_the_board(client, login, board,
                                                              make_session, make_holder):
    from cohort.plans.services import ItemData, add_item, cohort_framework

    cohort, *_rest, eve = board
    holder = make_holder(cohort, organisation="Anytown Council")
    session = make_session(cohort, title="Workshop 2")
    item = add_item(holder.user, holder.place, cohort_framework(cohort), ItemData(
        title="Draft the strategy", hallmarks=["1"], current_level="not_yet",
        target_level="assuring", owner_id=holder.user_id))
    commit()
    login(holder.user)
    page = client.get(f"/cohorts/{cohort.id}/sessions/{session.id}").get_data(as_text=True)
    thread = services.session_thread(session)
    assert f"/board/threads/{thread.id}" in page and "Questions, slides and follow-up" in page
    url = f"/cohorts/{cohort.id}/places/{holder.place_id}/plan/items/{item.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Ask the cohort for feedback on this action" in page
    assert f"/board/new?kind=feedback&amp;item={item.id}" in page
    services.acknowledge(holder)
    thread = services.create_thread(holder.user, holder, cohort, services.NewThread(
        kind="feedback", title="Feedback wanted: Draft the strategy", body="Our draft.",
        questions=["Is it clear?"], draft_text="The strategy ...", action_item_id=item.id))
    commit()
    page = client.get(f"/cohorts/{cohort.id}/board/threads/{thread.id}").get_data(as_text=True)
    assert f'href="{url}">Draft the strategy</a>' in page  # the request links back
    assert f"Feedback requested on the board: {thread.title}" in client.get(url).get_data(
        as_text=True)


def test_only_the_boards_people_write_on_it(board, make_cohort, make_member, make_user):
    cohort, ada, _ben, _fay, eve = board
    with pytest.raises(services.BoardError, match="participants, their team members"):
        services.acknowledge(eve)
    services.acknowledge(ada)
    thread = services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="discussion", title="Ours", body="For this cohort"))
    stranger = make_member(make_cohort("Elsewhere"), "participant",
                           user=make_user("far@example.org", "Far Away"))
    services.acknowledge(stranger)
    with pytest.raises(services.BoardError, match="participants, their team members"):
        services.reply(stranger.user, stranger, thread, "Let me in")


def test_a_busy_database_does_not_stop_the_board_being_read(client, login, board,
                                                            monkeypatch):
    from sqlalchemy.exc import OperationalError

    cohort, ada, *_ = board
    services.acknowledge(ada)
    thread = services.create_thread(ada.user, ada, cohort, services.NewThread(
        kind="discussion", title="Still readable", body="Even when busy"))
    commit()

    def locked(*_args, **_kwargs):
        raise OperationalError("UPDATE board_visit", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "note_visit", locked)
    monkeypatch.setattr(services, "mark_read", locked)
    login(ada.user)
    assert "Still readable" in client.get(f"/cohorts/{cohort.id}/board").get_data(as_text=True)
    page = client.get(f"/cohorts/{cohort.id}/board/threads/{thread.id}")
    assert page.status_code == 200 and "Even when busy" in page.get_data(as_text=True)


def test_a_look_within_the_minute_writes_nothing_and_reads_nothing_twice(client, login, board):
    """The board notes a visit at most once a minute; a look that notes nothing commits
    nothing, so what the page has loaded (the cohort, the person) is not read again."""
    cohort, ada, *_ = board
    services.acknowledge(ada)
    commit()
    login(ada.user)
    board_url = f"/cohorts/{cohort.id}/board"
    client.get(board_url)
    with statements_run() as run:
        assert client.get(board_url).status_code == 200
    statements = [" ".join(statement.split()).upper() for statement in run]
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert sum(" FROM COHORT " in f"{s} " for s in statements) == 1
    assert sum(' FROM "USER" ' in f"{s} " or " FROM USER " in f"{s} " for s in statements) <= 1



def test_the_board_marks_what_is_new_since_the_previous_visit(client, login, board):
    """A first look marks nothing new; a return after a break marks the threads with activity
    since the visit before, and says since when; a return within the same visit keeps it."""
    from datetime import timedelta

    from cohort.board.models import BoardVisit
    from cohort.board.services.members import VISIT_GAP

    cohort, ada, ben, *_ = board
    for member in (ada, ben):
        services.acknowledge(member)
    old = services.create_thread(ben.user, ben, cohort, services.NewThread(
        kind="discussion", title="Seen before", body="Old news"))
    old.last_post_at -= timedelta(hours=2)  # written before the visits below
    commit()
    login(ada.user)
    first = client.get(f"/cohorts/{cohort.id}/board").get_data(as_text=True)
    assert "Seen before" in first and "since your last visit" not in first

    visit = db.session.get(BoardVisit, ada.id)
    visit.last_visit_at -= VISIT_GAP + timedelta(minutes=5)  # a break since
    left_at = visit.last_visit_at
    services.create_thread(ben.user, ben, cohort, services.NewThread(
        kind="discussion", title="Written meanwhile", body="News"))
    commit()

    for _look in range(2):  # the return, then a look within the same visit
        page = client.get(f"/cohorts/{cohort.id}/board").get_data(as_text=True)
        assert "since your last visit" in page
        new = page.split("Written meanwhile")[1].split("Seen before")[0]
        assert "govuk-tag--green\">New<" in new
        assert "govuk-tag--green\">New<" not in page.split("Seen before")[1]
        db.session.expire_all()
        assert db.session.get(BoardVisit, ada.id).previous_visit_at == left_at
