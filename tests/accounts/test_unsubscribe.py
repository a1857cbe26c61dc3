"""One-click unsubscribe (RFC 8058): each optional message carries a signed link naming the
person, the cohort and the kind of mail. A mail program's POST to it stops that mail without
a session or a CSRF token; opening it (GET) only asks to confirm."""

import json

import pytest
from sqlalchemy import select

from cohort.accounts.services import unsubscribe_token
from cohort.board import services as board
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.extensions import db
from cohort.reminders import services as reminders
from cohort.reminders.services import ReminderData
from tests.helpers import post_form

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def member(make_cohort, make_member, make_user, make_session):
    """Pat in two cohorts, and a reminder of the first one's session due now."""
    pat = make_user("pat@example.org", "Pat Participant")
    first, second = make_cohort("Data maturity 2026"), make_cohort("Wellbeing 2027")
    in_first, in_second = make_member(first, user=pat), make_member(second, user=pat)
    fay = make_member(first, "facilitator", user=make_user("fay@example.org", "Fay"))
    session = make_session(first, "Workshop 1")
    commit()
    return pat, first, second, in_first, in_second, fay, session


def _optional_reminder_headers(member) -> dict:
    pat, first, _second, _in_first, _in_second, fay, session = member
    reminders.add_reminder(fay.user, first, ReminderData(
        anchor="session_start", offset_minutes=-10 * 24 * 60, session_id=session.id,
        subject="Soon: ((session))", body="Hello ((name))"))
    commit()
    reminders.send_due_reminders()
    commit()
    message = db.session.execute(select(MailMessage).where(
        MailMessage.recipient == pat.email, MailMessage.subject.like("Soon:%"))).scalar_one()
    return json.loads(message.headers)


def test_an_optional_reminder_offers_one_click_unsubscribe(member):
    headers = _optional_reminder_headers(member)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = headers["List-Unsubscribe"]
    assert link.startswith("<http") and "/unsubscribe/" in link and link.endswith(">")


def test_the_mail_programs_post_stops_that_mail_in_that_cohort_only(app, member):
    _pat, _first, _second, in_first, in_second, _fay, _session = member
    link = _optional_reminder_headers(member)["List-Unsubscribe"].strip("<>")
    path = link[link.index("/unsubscribe/"):]
    anonymous = app.test_client()  # no session, no CSRF token: as a mail program posts
    response = anonymous.post(path, data=ONE_CLICK)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    db.session.rollback()
    assert reminders.reminders_off(in_first)
    assert not reminders.reminders_off(in_second)
    assert board.board_member(in_first) is None  # board email untouched


def test_opening_the_link_only_asks_to_confirm(app, member):
    pat, first, _second, in_first, _in_second, _fay, _session = member
    path = f"/unsubscribe/{unsubscribe_token(pat, first.id, 'reminders')}"
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Stop optional reminders?" in text and first.title in text
    db.session.rollback()
    assert not reminders.reminders_off(in_first)
    # The page's button posts back, and that stops them.
    assert post_form(client, path, {}).status_code == 200
    db.session.rollback()
    assert reminders.reminders_off(in_first)


def test_the_board_link_stops_board_email(app, member):
    pat, first, _second, in_first, _in_second, _fay, _session = member
    path = f"/unsubscribe/{unsubscribe_token(pat, first.id, 'board')}"
    assert app.test_client().post(path, data=ONE_CLICK).status_code == 200
    db.session.rollback()
    assert board.board_member(in_first).notify == "none"
    assert not reminders.reminders_off(in_first)


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature broken
    lambda token: "not-a-token",
])
def test_a_link_not_made_here_changes_nothing(app, member, tamper):
    pat, first, _second, in_first, _in_second, _fay, _session = member
    path = f"/unsubscribe/{tamper(unsubscribe_token(pat, first.id, 'reminders'))}"
    response = app.test_client().post(path, data=ONE_CLICK)
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    db.session.rollback()
    assert not reminders.reminders_off(in_first)


def test_a_link_for_a_cohort_the_person_has_left_changes_nothing(app, member):
    pat, first, _second, in_first, _in_second, _fay, _session = member
    path = f"/unsubscribe/{unsubscribe_token(pat, first.id, 'reminders')}"
    in_first.status = "left"
    commit()
    assert app.test_client().post(path, data=ONE_CLICK).status_code == 404
