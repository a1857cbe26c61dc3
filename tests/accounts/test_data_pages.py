"""A person's data pages: /account/data (what the download holds and why anonymous answers are
not in it, the download, asking to be erased) and a site administrator's
/admin/people/<id>/erase (its confirmation, and the erasures it refuses)."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.accounts.services import (
    AccountError,
    decline_erasure,
    erase_person,
    erasure_state,
    waiting_erasures,
)
from cohort.core.audit import record
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.extensions import db
from tests.helpers import count_queries, fresh, mail_to, post_form, sign_in, text_of


@pytest.fixture
def people(make_user, make_member):
    ann = make_member(role="participant", user=make_user("ann@example.org", "Ann Lee")).user
    root = make_user("root@example.org", "Rita Root", is_admin=True)
    other = make_user("ops@example.org", "Omar Ops", is_admin=True)
    return ann, root, other


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action))
                .scalars())


def test_the_account_page_leads_to_the_data_page_which_says_what_the_download_holds(
        people, client, login):
    ann, _root, _other = people
    login(ann)
    assert 'href="/account/data"' in client.get("/account").get_data(as_text=True)
    page = text_of(client.get("/account/data"))
    assert "You can download everything Cohort holds about you" in page
    assert "Your answers to anonymous surveys are not in the download" in page
    assert "Ask for my data to be erased" in page


def test_the_download_is_a_zip_of_every_part_and_is_written_to_the_audit_log(
        people, client, login):
    ann, _root, _other = people
    login(ann)
    response = post_form(client, "/account/data", {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert 'filename="cohort-data-' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert json.loads(archive.read("accounts.json"))["email"] == "ann@example.org"
    memberships = archive.read("cohorts/memberships.csv").decode()
    assert memberships.startswith("cohort,role,status,organisation,")
    fresh()
    [event] = _events("personal_data_downloaded")
    assert event.actor_id == ann.id and event.address == "127.0.0.1"


def test_the_page_costs_the_same_queries_however_long_the_audit_log(people, client, login):
    ann, _root, _other = people
    login(ann)
    client.get("/account/data")
    with count_queries() as few:
        client.get("/account/data")
    for n in range(30):
        record(ann, "sign_in", subject=ann.email, detail=str(n))
    commit()
    with count_queries() as many:
        client.get("/account/data")
    assert many[0] == few[0]


def test_asking_to_be_erased_tells_the_site_admins_once(people, client, login, outbox):
    ann, root, other = people
    login(ann)
    response = post_form(client, "/account/data/erasure", {}, page="/account/data")
    assert response.status_code == 302 and response.headers["Location"] == "/account/data"
    page = text_of(client.get("/account/data"))
    assert "Your request has been sent to the site administrators" in page
    assert "You asked for your data to be erased on" in page
    assert "Ask for my data to be erased" not in page
    for admin in (root, other):
        [mail] = mail_to(outbox, admin.email)
        assert f"http://localhost/admin/people/{ann.id}/erase" in mail.get_content()
    # asked again (an old page): refused, and nobody is mailed again
    again = post_form(client, "/account/data/erasure", {}, page="/account/data")
    assert "You have asked already" in text_of(client.get(again.headers["Location"]))
    assert len(mail_to(outbox, root.email)) == 1
    fresh()
    assert [e.actor_id for e in _events("erasure_requested")] == [ann.id]


def test_an_admin_asking_is_not_mailed_their_own_request_and_needs_another_admin(
        make_user, client, login, outbox):
    root = make_user("root@example.org", "Rita Root", is_admin=True)
    login(root)
    refused = post_form(client, "/account/data/erasure", {}, page="/account/data")
    assert "There is no other site administrator" in text_of(client.get(refused.headers["Location"]))
    make_user("ops@example.org", "Omar Ops", is_admin=True)
    post_form(client, "/account/data/erasure", {}, page="/account/data")
    assert mail_to(outbox, "root@example.org") == [] and len(mail_to(outbox, "ops@example.org")) == 1


def test_the_erasure_page_confirms_by_the_persons_address(people, client, login, new_client):
    ann, root, _other = people
    theirs = new_client()
    sign_in(theirs, ann.email)
    login(root)
    url = f"/admin/people/{ann.id}/erase"
    page = text_of(client.get(url))
    assert "Ann Lee" in page and "ann@example.org" in page and "Has not asked" in page
    for typed, message in (("", "Type the person's email address to confirm"),
                           ("ann@example.org\r\nBcc: x@example.org", "must not contain"),
                           ("bob@example.org", "Type the person's email address exactly")):
        response = post_form(client, url, {"email": typed})
        assert response.status_code == 200 and message in text_of(response)
    fresh()
    assert db.session.get(User, ann.id).erased_at is None
    assert theirs.get("/account").status_code == 200

    done = post_form(client, url, {"email": "ANN@example.org"})
    assert done.status_code == 302
    assert "Ann Lee's data has been erased" in text_of(client.get(url))
    assert "This account's data was erased on" in text_of(client.get(url))
    assert theirs.get("/account").status_code == 302  # signed out everywhere
    fresh()
    [event] = _events("account_erased")
    assert (event.actor_id, event.subject) == (root.id, f"user {ann.id}")
    again = post_form(client, url, {"email": "ann@example.org"})
    assert again.status_code == 200
    assert "This account has been erased already" in text_of(again)


def test_an_admin_cannot_erase_themselves_nor_the_last_admin(people, client, login):
    _ann, root, other = people
    login(root)
    response = post_form(client, f"/admin/people/{root.id}/erase", {"email": root.email})
    assert "You cannot erase your own account" in text_of(response)
    fresh()
    other.is_active_account = False  # the last active admin but root
    commit()
    with pytest.raises(AccountError, match="the last site administrator"):
        erase_person(None, root, root.email, None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.erased_at.is_not(None))) == 0


def test_an_erased_account_cannot_be_erased_twice(people):
    ann, root, _other = people
    erase_person(root, ann, "ann@example.org", None)
    commit()
    with pytest.raises(AccountError, match="erased already"):
        erase_person(root, ann, ann.email, None)


def test_a_request_declined_with_a_reason_is_told_to_the_person_who_may_ask_again(
        people, client, login, new_client, outbox):
    ann, root, other = people
    theirs = new_client()
    sign_in(theirs, ann.email)
    post_form(theirs, "/account/data/erasure", {}, page="/account/data")
    login(root)
    page_url, url = f"/admin/people/{ann.id}/erase", f"/admin/people/{ann.id}/erase/decline"
    assert "Decline the request" in text_of(client.get(page_url))
    assert [p.email for p, _asked in waiting_erasures()] == [ann.email]
    for typed, message in (("   ", "Say why the request is declined"),
                           ("x" * 1001, "in 1,000 characters or fewer"),
                           ("We keep it\x00", "must not contain")):
        response = post_form(client, url, {"reason": typed}, page=page_url)
        assert response.status_code == 200 and message in text_of(response)
    assert mail_to(outbox, ann.email) == []  # nothing sent for a refused form

    reason = "Your attendance records are\r\nkept for the funder's audit until March 2027."
    done = post_form(client, url, {"reason": reason}, page=page_url)
    assert done.status_code == 302
    admin_page = text_of(client.get(page_url))
    assert "Ann Lee's request has been declined" in admin_page
    assert "kept for the funder's audit until March 2027" in admin_page
    assert "Decline the request" not in admin_page  # no request waits now
    [mail] = mail_to(outbox, ann.email)
    body = mail.get_content()
    assert "declined" in mail["Subject"] and "kept for the funder's audit until March 2027" in body
    assert "http://localhost/account/data" in body
    fresh()
    assert waiting_erasures() == []
    [event] = _events("erasure_declined")
    assert (event.actor_id, event.about_id) == (root.id, ann.id)
    assert event.detail == "Your attendance records are kept for the funder's audit until March 2027."
    # declining again (an old page): refused, nobody mailed
    again = post_form(client, url, {"reason": "Still no"}, page=page_url)
    assert "has no request to be erased waiting" in text_of(again)
    assert len(mail_to(outbox, ann.email)) == 1

    own = text_of(theirs.get("/account/data"))
    assert "a site administrator declined the request, saying" in own
    assert "kept for the funder's audit until March 2027" in own
    assert "Ask for my data to be erased" in own  # they may ask again
    post_form(theirs, "/account/data/erasure", {}, page="/account/data")
    assert "You asked for your data to be erased on" in text_of(theirs.get("/account/data"))
    fresh()
    assert [p.email for p, _asked in waiting_erasures()] == [ann.email]
    assert "Decline the request" in text_of(client.get(page_url))
    assert len(mail_to(outbox, other.email)) == 2  # each request told the other admin


def test_only_a_site_admin_declines_and_never_an_erased_account(people, client, login):
    ann, root, _other = people
    login(ann)
    response = post_form(client, f"/admin/people/{root.id}/erase/decline", {"reason": "No"},
                         page="/account/data")
    assert response.status_code == 403
    with pytest.raises(AccountError, match="no request to be erased waiting"):
        decline_erasure(root, ann, "No", None)
    erase_person(root, ann, "ann@example.org", None)
    commit()
    with pytest.raises(AccountError, match="erased already"):
        decline_erasure(root, ann, "No", None)


def test_a_file_name_in_the_download_cannot_climb_out_of_its_folder():
    from cohort.accounts.services.personal import _path

    assert _path("board/files/3-../../etc/passwd") == "board/files/3-/_/etc/passwd"
    assert _path("board/files/4-Évaluation finale.pdf") == "board/files/4-Évaluation finale.pdf"
    assert _path("/board//files/5-a\\b:c.pdf") == "board/files/5-a_b_c.pdf"


def test_the_latest_request_is_the_last_written_whatever_the_hosts_clocks_said(people):
    """Two hosts, one clock behind: Ann asks, is declined, and asks again through the host
    whose clock says it was before her first request. The new request waits, dated as that
    host wrote it, on her page and on the administrators' list alike."""
    ann, root, _other = people
    first = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)
    again = first - timedelta(seconds=3)  # written last, by a host 4 s behind
    for actor, action, at, about in ((ann, "erasure_requested", first, None),
                                     (root, "erasure_declined", first + timedelta(seconds=1),
                                      ann),
                                     (ann, "erasure_requested", again, None)):
        record(actor, action, subject=ann.email, about=about, detail="No").created_at = at
        db.session.flush()
    commit()
    assert erasure_state(ann) == (again, None)
    assert waiting_erasures() == [(ann, again)]
