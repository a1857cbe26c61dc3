"""The page cache (cohort/core/pagecache.py): a key page opened again is sent as it was made
while nothing it read has changed and the minute has not turned, and never once anything it
showed has changed, whoever changed it and wherever (another host, the scheduler, a command)."""

import gzip
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from cohort.accounts.models import UserSession
from cohort.board.services import acknowledge
from cohort.cohorts.models import Membership
from cohort.core import notices, pagecache
from cohort.core.database import commit
from cohort.core.pagestore import Page, Store
from cohort.extensions import db
from cohort.programme.services import cancel_session
from tests.helpers import csrf_from, statements_run

GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what a browser asks for
# What a page sent again runs besides BEGIN: where the tables it read stand (its person's
# own rows among them: notices, read marks, board visits), and the sign-in with its person.
SENT_AGAIN = 2


def _opened(client, url: str, headers: dict | None = None):
    """(the response, the statements it ran but BEGIN)."""
    with statements_run(cached=True) as run:
        response = client.get(url, headers=headers)
    return response, [statement for statement in run if not statement.startswith("BEGIN")]


def _programme(make_member, make_session, login, client):
    member = make_member()
    make_session(member.cohort, title="Workshop one: assuring")
    login(member.user)
    return member, f"/cohorts/{member.cohort_id}/programme"


def _settle(client, url: str):
    """Open the page until it comes from the cache (the first looks note a visit, a read)."""
    for _ in range(3):
        response, run = _opened(client, url)
        if len(run) <= SENT_AGAIN:
            return response
    raise AssertionError(f"{url} was never sent from the cache: {run}")


def test_a_page_opened_again_is_sent_as_made_with_two_statements(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    first, made = _opened(client, url)
    again = _settle(client, url)
    assert len(made) > SENT_AGAIN
    # Where the tables it read stand, then the browser's session with its person: nothing else.
    _, run = _opened(client, url)
    assert len(run) == SENT_AGAIN and "page_version" in run[0] and "user_session" in run[1]
    assert again.get_data() == first.get_data()
    assert "Workshop one: assuring" in again.get_data(as_text=True)


def test_a_change_to_what_the_page_showed_is_seen_at_once(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    session = make_session(member.cohort, title="Workshop two: optimising")
    _settle(client, url)
    cancel_session(None, session)
    commit()
    response, run = _opened(client, url)
    assert len(run) > SENT_AGAIN
    assert "Cancelled" in response.get_data(as_text=True) or "cancelled" in \
        response.get_data(as_text=True)


def test_a_change_made_on_another_host_is_seen(
        make_member, make_session, login, client, build_app):
    """Another app on the same database (a second host, or the scheduler) changes a table the
    page read: the page this app kept is not sent again."""
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, url)
    other = build_app()
    with other.app_context():
        db.session.execute(text("UPDATE programme_session SET title = 'Moved on another host' "
                                "WHERE cohort_id = :cohort"), {"cohort": member.cohort_id})
        db.session.commit()
        db.session.remove()
    response, _ = _opened(client, url)
    assert "Moved on another host" in response.get_data(as_text=True)


def test_a_write_that_is_rolled_back_changes_nothing_and_keeps_the_page(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, url)
    db.session.execute(text("UPDATE programme_session SET title = 'Never saved'"))
    db.session.rollback()
    response, run = _opened(client, url)
    assert len(run) <= SENT_AGAIN and "Never saved" not in response.get_data(as_text=True)


def test_the_idle_clock_and_other_sign_ins_keep_the_page(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, url)
    for row in db.session.execute(select(UserSession)).scalars():
        row.last_seen_at = row.last_seen_at + timedelta(seconds=1)
    commit()
    _, run = _opened(client, url)
    assert len(run) <= SENT_AGAIN


def test_someone_else_signing_in_keeps_the_page(
        make_member, make_session, login, client, new_client):
    """A sign-in writes its person's row (last sign-in, session token), which no kept page
    shows: at a national programme's size someone signs in every few seconds."""
    member, url = _programme(make_member, make_session, login, client)
    other = make_member(member.cohort)
    _settle(client, url)
    login(other.user, the_client=new_client())
    _, run = _opened(client, url)
    assert len(run) <= SENT_AGAIN


def test_a_notice_for_the_person_shows_at_once_and_one_for_another_keeps_the_page(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    other = make_member(member.cohort)
    _settle(client, url)
    notices.tell(other.user.id, "survey", "A survey is open", cohort_id=member.cohort_id)
    commit()
    _, run = _opened(client, url)
    assert len(run) <= SENT_AGAIN
    notices.tell(member.user.id, "survey", "A survey is open", cohort_id=member.cohort_id)
    commit()
    response, run = _opened(client, url)
    assert len(run) > SENT_AGAIN
    assert '1<span class="govuk-visually-hidden"> unread' in response.get_data(as_text=True)


def test_others_reading_the_board_keep_a_page_that_reads_read_marks(
        make_member, make_session, login, client, new_client):
    """A look at the board and a thread read are written by a GET, for their reader alone:
    they let that reader's pages go, no one else's."""
    member, _ = _programme(make_member, make_session, login, client)
    board = f"/cohorts/{member.cohort_id}/board"
    other = make_member(member.cohort)
    other_client = new_client()
    login(other.user, the_client=other_client)
    for membership in (member, other):  # the ground rules, agreed once
        acknowledge(db.session.get(Membership, membership.id))
    commit()
    _settle(client, board)
    _settle(other_client, board)
    db.session.execute(text("DELETE FROM board_visit"))  # the other's next look is noted
    commit()
    _, run = _opened(client, board)
    assert len(run) > SENT_AGAIN  # deleted by a statement: every page reading visits goes
    _settle(client, board)
    response, _ = _opened(other_client, board)  # notes the other's look, for them alone
    assert response.status_code == 200
    _, run = _opened(client, board)
    assert len(run) <= SENT_AGAIN


def test_a_browser_that_accepts_gzip_is_sent_the_page_compressed_made_now_or_again(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    client.get(url)  # the first look after signing in sets the session's cookie: not kept
    made, run = _opened(client, url, GZIP)
    assert len(run) > SENT_AGAIN
    assert made.headers["Content-Encoding"] == "gzip"
    assert "Workshop one: assuring" in gzip.decompress(made.get_data()).decode()
    _settle(client, url)
    again, run = _opened(client, url, GZIP)
    assert len(run) <= SENT_AGAIN
    assert again.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in again.headers["Vary"]
    plain, run = _opened(client, url)  # a client that does not accept gzip: the page opened
    assert len(run) <= SENT_AGAIN and "Content-Encoding" not in plain.headers
    assert gzip.decompress(again.get_data()) == plain.get_data()
    assert int(again.headers["Content-Length"]) == len(again.get_data())
    assert len(again.get_data()) * 3 < len(plain.get_data())


def test_a_message_to_show_is_shown_not_the_kept_page(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, url)
    with client.session_transaction() as browser:
        browser["_flashes"] = [("success", "Your reminder is scheduled.")]
    response, _ = _opened(client, url)
    assert "Your reminder is scheduled." in response.get_data(as_text=True)
    _, run = _opened(client, url)  # shown once; the page after it is made afresh
    assert "Your reminder is scheduled." not in _opened(client, url)[0].get_data(as_text=True)


def test_a_browser_signed_out_gets_the_sign_in_page(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    page = _settle(client, url)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    response, _ = _opened(client, url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_member_removed_is_refused_at_once(
        make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, url)
    db.session.delete(db.session.get(Membership, member.id))
    commit()
    response, _ = _opened(client, url)
    assert response.status_code == 404


def test_each_person_gets_their_own_page(
        make_member, make_session, login, client, new_client):
    member, url = _programme(make_member, make_session, login, client)
    other = make_member(member.cohort)
    other_client = new_client()
    login(other.user, the_client=other_client)
    _settle(client, url)
    response, _ = _opened(other_client, url)
    assert other.user.name in response.get_data(as_text=True)
    assert member.user.name not in response.get_data(as_text=True)


def test_the_page_is_made_afresh_when_the_minute_turns(
        make_member, make_session, login, client, monkeypatch):
    member, url = _programme(make_member, make_session, login, client)
    now = datetime(2026, 12, 7, 10, 0, 5, tzinfo=UTC)
    monkeypatch.setattr(pagecache, "utcnow", lambda: now)
    _settle(client, url)
    now = datetime(2026, 12, 7, 10, 0, 59, tzinfo=UTC)
    assert len(_opened(client, url)[1]) <= SENT_AGAIN
    now = datetime(2026, 12, 7, 10, 1, 0, tzinfo=UTC)
    assert len(_opened(client, url)[1]) > SENT_AGAIN


def test_another_address_is_another_page(make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, f"/cohorts/{member.cohort_id}/board/search?q=assuring")
    response, run = _opened(client, f"/cohorts/{member.cohort_id}/board/search?q=optimising")
    assert len(run) > SENT_AGAIN and 'value="optimising"' in response.get_data(as_text=True)


def test_a_migration_lets_every_kept_page_go(make_member, make_session, login, client):
    member, url = _programme(make_member, make_session, login, client)
    _settle(client, url)
    with pagecache.migrating(db.engine):
        pass
    assert len(_opened(client, url)[1]) > SENT_AGAIN


def test_statements_are_read_for_the_tables_they_name(app):
    writes, names = pagecache._tables(
        'UPDATE board_post SET body=? WHERE board_post.thread_id IN '
        '(SELECT board_thread.id FROM board_thread WHERE board_thread.cohort_id = ?)')
    assert writes and names == {"board_post", "board_thread"}
    writes, names = pagecache._tables(
        'SELECT "user".id, notice.id FROM "user" JOIN notice ON notice.user_id = "user".id')
    assert not writes and names == {"user", "notice"}
    assert pagecache._tables("SELECT rowid FROM board_search_fts WHERE board_search_fts "
                             "MATCH ?") == (False, {"board_search"})
    assert pagecache._tables("SELECT updated_at, created_at FROM board_post")[0] is False
    assert pagecache._tables('UPDATE "user" SET last_login_at=?, session_token=? '
                             'WHERE "user".id = ?') == (False, {"user"})
    assert pagecache._tables('UPDATE "user" SET name=%(name)s, session_token=%(token)s '
                             'WHERE "user".id = %(id)s') == (True, {"user"})


def test_a_process_keeps_its_budget_and_lets_the_least_recently_used_go_first():
    """PAGE_CACHE_MB: over budget, the page asked for least recently goes first; a page
    bigger than an eighth of the budget is not kept at all."""
    store = Store(budget=8_000)

    def page(size: int):
        return Page(versions=(), body=b"x" * size, gzipped=False, headers=())

    for key in "abcdefgh":
        store.put(key, page(1_000))
    assert store.get("a") is not None  # asked for: "b" is now the least recent
    store.put("i", page(1_000))
    assert store.get("b") is None
    assert all(store.get(key) is not None for key in "acdefghi")
    store.put("j", page(1_001))
    assert store.get("j") is None and store.get("c") is not None
