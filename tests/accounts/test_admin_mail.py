"""The mail log filtered by recipient, state and date; a failed message sent again; and the
operations page's heartbeat and queue."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.mail import queue_mail
from cohort.core.models import AuditEvent, MailMessage, SchedulerBeat
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import count_queries, fresh, post_form, text_of


def _message(recipient, subject, status="sent", days_ago=0, **fields):
    message = queue_mail(recipient, subject, "Hello")
    message.status = status
    message.created_at = utcnow() - timedelta(days=days_ago)
    for name, value in fields.items():
        setattr(message, name, value)
    return message


def _quiet(app):
    """Queue without sending at once: the rows keep the states a test gives them."""
    app.config["MAIL_SEND_AFTER_COMMIT"] = False


def test_the_mail_log_is_filtered_by_recipient_state_and_date(app, client, login, make_user):
    _quiet(app)
    try:
        login(make_user(is_admin=True))
        _message("priya@northshire.gov.uk", "Old news", days_ago=40)
        _message("priya@northshire.gov.uk", "Your place", status="failed", error="550 no")
        _message("tom@stourvale.gov.uk", "Welcome")
        commit()
        by_recipient = text_of(client.get("/admin/mail?recipient=NORTHSHIRE"))
        assert "Your place" in by_recipient and "Old news" in by_recipient
        assert "Welcome" not in by_recipient and "2 match this filter" in by_recipient
        failed = text_of(client.get("/admin/mail?status=failed"))
        assert "Your place" in failed and "Welcome" not in failed and "Old news" not in failed
        since = utcnow() - timedelta(days=7)
        recent = text_of(client.get(f"/admin/mail?since-day={since.day}&since-month={since.month}"
                                    f"&since-year={since.year}"))
        assert "Old news" not in recent and "Welcome" in recent
        none = text_of(client.get("/admin/mail?recipient=nobody"))
        assert "No email matches this filter" in none
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True


def test_a_long_mail_log_is_counted_only_so_far(app, client, login, make_user, monkeypatch):
    """Past COUNTED_UP_TO messages the log says "more than" that many rather than count every
    message sent; a filter that finds fewer counts them."""
    from cohort.core import services

    monkeypatch.setattr(services, "COUNTED_UP_TO", 3)
    _quiet(app)
    try:
        login(make_user(is_admin=True))
        for number in range(4):
            _message(f"person{number}@stourvale.gov.uk", f"Note {number}")
        _message("priya@northshire.gov.uk", "Your place")
        commit()
        assert "More than 3 in all" in text_of(client.get("/admin/mail"))
        assert "More than 3 match this filter" in text_of(client.get("/admin/mail?recipient=stourvale"))
        one = text_of(client.get("/admin/mail?recipient=northshire"))
        assert "1 matches this filter" in one and "More than" not in one
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True


def test_bad_filters_get_a_message_not_an_error(client, login, make_user):
    login(make_user(is_admin=True))
    response = client.get("/admin/mail?since-day=31&since-month=2&since-year=2027&status=odd")
    assert response.status_code == 200
    assert "From must be a real date" in text_of(response)
    for odd in ("a%0D%0Ab", "%C2%B2", "1" * 25, "x" * 400):
        assert client.get(f"/admin/mail?recipient={odd}&status={odd}&page={odd}&"
                          f"until-day={odd}&until-month=1&until-year=2027").status_code == 200


@pytest.mark.parametrize("log", ["/admin/mail", "/admin/audit"])
def test_a_span_that_ends_before_it_starts_says_so(client, login, make_user, log):
    login(make_user(is_admin=True))
    response = client.get(f"{log}?since-day=31&since-month=12&since-year=2026"
                          "&until-day=1&until-month=1&until-year=2026")
    assert response.status_code == 200
    assert "The date in To must be the same as or after the date in From" in text_of(response)
    same_day = client.get(f"{log}?since-day=1&since-month=1&since-year=2026"
                          "&until-day=1&until-month=1&until-year=2026")
    assert "must be the same as or after" not in text_of(same_day)
    if log == "/admin/audit":  # its file cannot say what it left out: it is refused, saying why
        download = client.get(f"{log}?since-day=31&since-month=12&since-year=2026"
                              "&until-day=1&until-month=1&until-year=2026&format=csv")
        assert download.status_code == 400
        assert "The date in To must be the same as or after the date in From. Correct the " \
            "filter on the log and download again." in text_of(download)


def test_a_failed_message_is_sent_again_with_its_message_id(app, client, login, make_user,
                                                           outbox):
    _quiet(app)
    try:
        admin = make_user(is_admin=True)
        person = make_user(name="Priya Shah")
        login(admin)
        message = _message(person.email, "Your place", status="failed", error="451 try later")
        commit()
        message_id, header = message.id, message.message_id
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    page = f"/admin/mail/{message_id}"
    assert "Send again" in text_of(client.get(page))
    response = post_form(client, f"{page}/send-again", {}, page=page)
    assert response.status_code == 302
    assert "queued to be sent again" in text_of(client.get(response.headers["Location"]))
    fresh()
    assert db.session.get(MailMessage, message_id).status == "sent"
    assert [m["Message-ID"] for m in outbox] == [header]
    entry = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "mail_sent_again")).scalar_one()
    assert (entry.actor_id, entry.about_id, entry.subject) == (admin.id, person.id, header)
    # Sent now: nothing more to send again.
    assert "Send again" not in text_of(client.get(page))
    again = post_form(client, f"{page}/send-again", {}, page=page)
    assert "there is nothing to send again" in text_of(client.get(again.headers["Location"]))


def test_mail_to_a_deactivated_account_is_not_sent_again(app, client, login, make_user, outbox):
    _quiet(app)
    try:
        login(make_user(is_admin=True))
        person = make_user(name="Priya Shah")
        person.is_active_account = False
        message = _message(person.email, "Your place", status="failed", error="451")
        commit()
        message_id = message.id
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    page = f"/admin/mail/{message_id}"
    response = post_form(client, f"{page}/send-again", {}, page=page)
    assert "Priya Shah's account is deactivated: reactivate it" in text_of(
        client.get(response.headers["Location"]))
    fresh()
    assert db.session.get(MailMessage, message_id).status == "failed"
    assert outbox == []


def test_operations_shows_the_heartbeat_and_the_queue(app, client, login, make_user):
    _quiet(app)
    try:
        login(make_user(is_admin=True))
        assert "The scheduler has not reported yet" in text_of(client.get("/admin/operations"))
        now = utcnow()
        db.session.add(SchedulerBeat(id=1, host="worker-1", pid=4242,
                                     started_at=now - timedelta(hours=3),
                                     beat_at=now - timedelta(seconds=20)))
        _message("a@example.org", "Due", status="pending", next_attempt_at=now - timedelta(
            minutes=5))
        _message("b@example.org", "Later", status="pending", next_attempt_at=now + timedelta(
            minutes=5))
        _message("c@example.org", "Claimed", status="sending")
        _message("d@example.org", "Bounced", status="failed")
        commit()
        page = text_of(client.get("/admin/operations"))
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    assert "worker-1, process 4242" in page
    assert "may have stopped" not in page
    assert "Due to be sent now 1, the oldest due since" in page
    assert "Waiting 2" in page and "Being sent 1" in page and "Failed 1" in page
    assert "Sent 0" in page


def test_operations_warns_of_a_silent_scheduler(client, login, make_user):
    login(make_user(is_admin=True))
    now = utcnow()
    db.session.add(SchedulerBeat(id=1, host="worker-1", pid=1, started_at=now - timedelta(
        days=1), beat_at=now - timedelta(minutes=30)))
    commit()
    assert "it may have stopped" in text_of(client.get("/admin/operations"))


def test_the_mail_log_and_operations_cost_the_same_queries_however_much_mail(app, client, login,
                                                                             make_user):
    _quiet(app)
    try:
        login(make_user(is_admin=True))
        _message("a@example.org", "One", status="failed")
        commit()
        counts = []
        for more in (0, 30):
            for n in range(more):
                _message(f"p{n}@example.org", f"Message {n}", status="failed")
            commit()
            client.get("/admin/operations")
            with count_queries() as queries:
                client.get("/admin/mail?status=failed")
                client.get("/admin/operations")
            counts.append(queries[0])
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    assert counts[0] == counts[1]
