"""The facilitator's reminder pages (list, form with preview, delivery log, test send) and a
member's reminder settings, with the messages bad input gets."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.core.timeutil import format_local
from cohort.extensions import db
from cohort.reminders import services
from cohort.reminders.models import Reminder
from tests.helpers import count_queries, csrf_from, post_form

from .conftest import days_from, fresh, remind

DAY = 24 * 60


@pytest.fixture
def as_facilitator(client, login, group):
    login(group.facilitator.user)
    return client


@pytest.fixture
def workshop(group, make_session, outbox):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(days=10),
                           join_url="https://meet.example.org/w1")
    outbox.clear()
    return session


def _form(**overrides) -> dict:
    return {"when": "before", "session": "", "days": "7", "hours": "0", "audience": "everyone",
            "subject": "Reminder: ((session))", "body": "Hello ((name)), see ((session link)).",
            "action": "save", **overrides}


def _reminders() -> list[Reminder]:
    db.session.rollback()
    return list(db.session.execute(select(Reminder).order_by(Reminder.id)).scalars())


def test_a_facilitator_adds_a_reminder_for_every_session(as_facilitator, group, workshop):
    url = f"/cohorts/{group.cohort.id}/reminders/new"
    response = post_form(as_facilitator, url, _form(essential="y"))
    assert response.status_code == 302
    default, copy = _reminders()
    assert default.is_default and default.offset_minutes == -7 * DAY and default.essential
    assert copy.session_id == workshop.id
    assert copy.due_at == days_from(workshop.starts_at, -7)
    page = as_facilitator.get(response.headers["Location"]).get_data(as_text=True)
    assert "The reminder is scheduled." in page
    assert "7 days before the session starts" in page
    assert "Workshop 1" in page


def test_the_preview_fills_the_placeholders_and_saves_nothing(as_facilitator, group, workshop):
    url = f"/cohorts/{group.cohort.id}/reminders/new"
    page = post_form(as_facilitator, url, _form(action="preview", session=str(workshop.id)))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Preview, as you would receive it" in text
    assert "Reminder: Workshop 1" in text
    assert "Hello Fay Facilitator, see http" in text
    assert _reminders() == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("days", "١٢", "Enter the days as a whole number, like 7"),
    ("days", "9" * 40, "Enter the days as a whole number, like 7"),
    ("days", "400", "Enter 365 days or fewer"),
    ("hours", "-1", "Enter hours from 0 to 23"),
    ("subject", "Reminder\x07", "control character"),
    ("body", "Hello ((nmae))", "((nmae)) is not a placeholder Cohort knows"),
    ("session", "99999999999999999999999", "Choose a session of this cohort"),
    ("session", "12x", "Choose a session of this cohort"),
    ("chosen", "١", "Choose people who are in this cohort"),
    ("audience", "chosen", "Choose at least one person"),
    ("when", "fixed", "Enter the date to send it"),
])
def test_bad_input_gets_a_message_and_saves_nothing(as_facilitator, group, workshop, field,
                                                     value, message):
    url = f"/cohorts/{group.cohort.id}/reminders/new"
    response = post_form(as_facilitator, url, _form(**{field: value}))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in text
    assert "There is a problem" in text
    assert _reminders() == []


def test_editing_moves_the_reminder_and_a_stale_edit_is_refused(as_facilitator, group,
                                                                 workshop):
    reminder = remind(group, session_id=workshop.id, offset_minutes=-DAY)
    url = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}/edit"
    page = as_facilitator.get(url).get_data(as_text=True)
    assert 'name="days" type="text" value="1"' in page
    token = csrf_from(as_facilitator.get(url))
    fields = _form(session=str(workshop.id), days="2", version="1", csrf_token=token)
    assert as_facilitator.post(url, data=fields).status_code == 302
    assert fresh(reminder).due_at == days_from(workshop.starts_at, -2)
    stale = as_facilitator.post(url, data={**fields, "days": "3"})
    assert stale.status_code == 200
    assert "changed" in stale.get_data(as_text=True)
    assert fresh(reminder).due_at == days_from(workshop.starts_at, -2)


def test_cancelling_a_reminder(as_facilitator, group, workshop):
    reminder = remind(group, session_id=workshop.id)
    url = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}/cancel"
    page = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}/edit"
    response = post_form(as_facilitator, url, {}, page=page, follow_redirects=True)
    assert "The reminder is cancelled." in response.get_data(as_text=True)
    assert fresh(reminder).status == "cancelled"


def test_the_delivery_log_shows_each_recipient_and_what_happened(as_facilitator, group,
                                                                  make_session, outbox,
                                                                  refusing):
    session = make_session(group.cohort, "Workshop 1", starts_in=timedelta(hours=3))
    reminder = remind(group, session_id=session.id, offset_minutes=-DAY)
    services.set_reminders_off(group.pat, True)
    commit()
    refusing.add("nia@example.org")  # refused for good by the mail server
    services.send_due_reminders()
    commit()
    page = as_facilitator.get(f"/cohorts/{group.cohort.id}/reminders/{reminder.id}")
    text = page.get_data(as_text=True)
    assert "Pat Participant" in text and "Turned optional reminders off" in text
    assert "Nia York" in text and "550 5.1.1 Mailbox unavailable" in text
    assert "Fay Facilitator" in text and ">Sent<" in text
    overview = as_facilitator.get(f"/cohorts/{group.cohort.id}/reminders").get_data(as_text=True)
    assert "1 sent, 1 failed, 1 skipped" in overview


def test_a_test_send_goes_to_the_facilitator_alone(app, as_facilitator, group, workshop, outbox):
    reminder = remind(group, session_id=workshop.id)
    url = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}/test"
    response = post_form(as_facilitator, url, {},
                         page=f"/cohorts/{group.cohort.id}/reminders/{reminder.id}")
    assert response.status_code == 302
    when = format_local(workshop.starts_at, app.config["TIMEZONE"])
    assert [(m["To"], m["Subject"]) for m in outbox] == [
        ("fay@example.org", f"[Test] Reminder: Workshop 1 on {when}")]
    assert fresh(reminder).status == "active"


def test_a_member_turns_optional_reminders_off_and_on(client, login, group):
    login(group.pat.user)
    key = f"cohort-{group.cohort.id}-reminders"
    page = client.get("/settings").get_data(as_text=True)
    assert f'name="{key}-optional" type="checkbox" value="y" checked' in page
    response = post_form(client, "/settings", {"section": key}, follow_redirects=True)
    assert "Essential reminders still reach you." in response.get_data(as_text=True)
    assert services.reminders_off(group.pat)
    post_form(client, "/settings", {"section": key, f"{key}-optional": "y"})
    db.session.rollback()
    assert not services.reminders_off(group.pat)


def test_the_old_reminder_settings_link_lands_on_the_settings_page(client, login, group):
    """Links in mail already sent still work."""
    login(group.pat.user)
    response = client.get(f"/cohorts/{group.cohort.id}/reminders/settings")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/settings#cohort-{group.cohort.id}-reminders")


def test_the_list_and_the_log_take_the_same_queries_however_many_reminders(
        as_facilitator, group, make_session):
    sessions = [make_session(group.cohort, f"S{n}", starts_in=timedelta(hours=n + 1))
                for n in range(4)]
    reminder = remind(group, session_id=sessions[0].id, offset_minutes=-DAY)
    services.send_due_reminders()
    commit()
    listing = f"/cohorts/{group.cohort.id}/reminders"
    log = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}"
    as_facilitator.get(listing), as_facilitator.get(log)
    with count_queries() as few_list:
        as_facilitator.get(listing)
    with count_queries() as few_log:
        as_facilitator.get(log)
    for session in sessions[1:]:
        remind(group, session_id=session.id, offset_minutes=-DAY)
    remind(group)
    services.send_due_reminders()
    commit()
    with count_queries() as many_list:
        as_facilitator.get(listing)
    with count_queries() as many_log:
        as_facilitator.get(log)
    assert many_list[0] == few_list[0]
    assert many_log[0] == few_log[0]
    assert db.session.execute(select(func.count()).select_from(Reminder)).scalar_one() == 9


def test_a_reminder_for_chosen_people_can_be_changed(as_facilitator, group, workshop):
    """Issue 19 item 7: saving a reminder for chosen people answered 500."""
    reminder = remind(group, session_id=workshop.id, audience="chosen", chosen=[group.pat.id])
    url = f"/cohorts/{group.cohort.id}/reminders/{reminder.id}/edit"
    fields = _form(session=str(workshop.id), audience="chosen", version="1",
                   chosen=[str(group.pat.id), str(group.ny.id)])
    response = post_form(as_facilitator, url, fields)
    assert response.status_code == 302
    assert sorted(c.membership_id for c in fresh(reminder).chosen) == [group.pat.id, group.ny.id]
    fields = {**fields, "version": str(fresh(reminder).version), "chosen": [str(group.ny.id)]}
    assert post_form(as_facilitator, url, fields).status_code == 302
    assert [c.membership_id for c in fresh(reminder).chosen] == [group.ny.id]


def test_a_person_chosen_twice_is_counted_once(as_facilitator, group, workshop):
    url = f"/cohorts/{group.cohort.id}/reminders/new"
    fields = _form(session=str(workshop.id), audience="chosen",
                   chosen=[str(group.pat.id), str(group.pat.id)])
    assert post_form(as_facilitator, url, fields).status_code == 302
    (reminder,) = _reminders()
    assert [c.membership_id for c in reminder.chosen] == [group.pat.id]


def test_another_cohorts_reminder_is_not_found(client, login, group, workshop, make_cohort,
                                               make_member):
    """A reminder loads only as one of the URL's cohort: another cohort's facilitator naming
    it under their own cohort gets 404, and it stays as it was."""
    reminder = remind(group, session_id=workshop.id)
    elsewhere = make_cohort("Elsewhere")
    login(make_member(elsewhere, "facilitator").user)
    base = f"/cohorts/{elsewhere.id}/reminders/{reminder.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/edit").status_code == 404
    for action in ("cancel", "test"):
        assert post_form(client, f"{base}/{action}", {}, page="/account").status_code == 404
    assert fresh(reminder).status == "active"
