"""A facilitator moves a survey's dates (extends it, closes it sooner, opens it later) and
removes a survey given by mistake while nobody has answered it; answers already given are never
lost, and a finished cohort's surveys do not change."""

from datetime import timedelta

from sqlalchemy import func, select

from cohort.core.audit import AuditEvent
from cohort.core.database import commit
from cohort.core.timeutil import utcnow, zone
from cohort.evaluation import services
from cohort.evaluation.models import Response, Survey
from cohort.extensions import db
from tests.evaluation.test_pages import KNOWLEDGE, _attach, _dates
from tests.helpers import post_form


def _url(cohort, survey, end: str = "") -> str:
    return f"/cohorts/{cohort.id}/surveys/{survey.id}{end}"


def _window(opens: int, closes: int) -> dict:
    today = utcnow().date()
    return {**_dates("opens_on", today + timedelta(days=opens)),
            **_dates("closes_on", today + timedelta(days=closes))}


def _local_days(cohort, survey) -> tuple:
    tz = zone(cohort.timezone)
    return survey.opens_at.astimezone(tz).date(), survey.closes_at.astimezone(tz).date()


def test_a_facilitator_extends_a_survey_and_the_page_shows_the_new_dates(client, login, people):
    cohort, fay, _ada, _ben = people
    survey = _attach(cohort, fay)
    login(fay.user)
    page = client.get(_url(cohort, survey)).get_data(as_text=True)
    opens, closes = _local_days(cohort, survey)
    assert "Change the dates" in page and f'name="closes_on-day" type="text" value="{closes.day}"' \
        in page.replace(' inputmode="numeric"', "")
    response = post_form(client, _url(cohort, survey), _window(-1, 30))
    assert response.status_code == 302
    db.session.expire_all()
    today = utcnow().astimezone(zone(cohort.timezone)).date()
    assert _local_days(cohort, survey)[1] == today + timedelta(days=30)
    shown = client.get(_url(cohort, survey)).get_data(as_text=True)
    assert "The survey now opens on" in shown and "and closes on" in shown
    assert db.session.execute(select(AuditEvent.action).where(
        AuditEvent.action == "survey_dates_changed")).scalar_one()


def test_bad_dates_are_refused_and_the_survey_keeps_its_own(client, login, people):
    cohort, fay, ada, _ben = people
    survey = _attach(cohort, fay)
    services.save_answers(ada.user, ada, survey, dict.fromkeys(KNOWLEDGE, "3"), submit=True)
    commit()
    before = (survey.opens_at, survey.closes_at)
    login(fay.user)
    cases = [
        (_window(5, 2), "closing date must be the same as or after"),
        (_window(-9, -2), "closing date must be today or later"),
        (_window(3, 20), "People have already answered this survey, so it cannot open later"),
        ({**_window(0, 9), "closes_on-month": "13"}, "Closes must be a real date"),
        ({**_window(0, 9), "opens_on-day": "٣"}, "Opens must be a real date"),
        ({**_window(0, 9), "closes_on-year": "9" * 30}, "Closes must be a real date"),
        ({}, "Enter the date the survey opens"),
    ]
    for data, message in cases:
        response = post_form(client, _url(cohort, survey), data)
        assert response.status_code == 200, message
        assert message in response.get_data(as_text=True), message
    db.session.expire_all()
    assert (survey.opens_at, survey.closes_at) == before
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == 1


def test_a_survey_nobody_answered_is_removed_and_one_with_answers_is_not(client, login,
                                                                          people):
    cohort, fay, ada, _ben = people
    mistaken = _attach(cohort, fay, "programme-evaluation", "post")
    kept = _attach(cohort, fay)
    services.save_answers(ada.user, ada, kept, {KNOWLEDGE[0]: "2"}, submit=False)  # a draft
    commit()
    login(fay.user)
    assert "Remove this survey" in client.get(_url(cohort, mistaken)).get_data(as_text=True)
    assert "Remove this survey" not in client.get(_url(cohort, kept)).get_data(as_text=True)

    response = post_form(client, _url(cohort, kept, "/remove"), {},
                         page=_url(cohort, kept), follow_redirects=True)
    assert "1 person has started answering this survey, so it cannot be removed" in \
        response.get_data(as_text=True)
    response = post_form(client, _url(cohort, mistaken, "/remove"), {},
                         page=_url(cohort, mistaken), follow_redirects=True)
    assert "Programme evaluation (after the programme) is removed." in \
        response.get_data(as_text=True)
    assert [s.id for s in db.session.execute(select(Survey)).scalars()] == [kept.id]
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == 1


def test_a_finished_cohorts_survey_cannot_be_moved_or_removed(client, login, people):
    cohort, fay, _ada, _ben = people
    survey = _attach(cohort, fay)
    before = (survey.opens_at, survey.closes_at)
    cohort.status = "finished"
    commit()
    login(fay.user)
    page = client.get(_url(cohort, survey)).get_data(as_text=True)
    assert "Change the dates" not in page and "Remove this survey" not in page
    response = post_form(client, _url(cohort, survey), _window(0, 30), follow_redirects=True)
    assert "has finished" in response.get_data(as_text=True)
    response = post_form(client, _url(cohort, survey, "/remove"), {},
                         page=_url(cohort, survey), follow_redirects=True)
    assert "has finished" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Survey, survey.id) is not None
    assert (survey.opens_at, survey.closes_at) == before


def _closing_reminder(cohort, fay):
    from cohort.reminders.services import ReminderData, add_reminder

    reminder = add_reminder(fay.user, cohort, ReminderData(
        anchor="moment", moment_key="survey_closes", offset_minutes=-2 * 24 * 60,
        subject="Closing soon: ((moment))", body="Hello ((name)), answer at ((link))."))
    commit()
    return reminder


def _send(now) -> int:
    from cohort.reminders.services import send_due_reminders

    queued = send_due_reminders(now=now)
    commit()
    return queued


def test_an_extended_survey_is_reminded_of_again_before_its_new_close(people, outbox):
    cohort, fay, _ada, _ben = people
    survey = _attach(cohort, fay, anonymous=False)
    _closing_reminder(cohort, fay)
    assert _send(survey.closes_at - timedelta(days=1)) == 2
    assert _send(survey.closes_at - timedelta(hours=20)) == 0  # once a closing time
    new_close = survey.closes_at + timedelta(days=10)
    services.change_dates(fay.user, survey, survey.opens_at, new_close)
    commit()
    assert _send(new_close - timedelta(days=1)) == 2


def test_a_survey_given_after_one_was_removed_gets_its_own_reminders(people, outbox):
    cohort, fay, _ada, _ben = people
    mistaken = _attach(cohort, fay, anonymous=False)
    _closing_reminder(cohort, fay)
    assert _send(mistaken.closes_at - timedelta(days=1)) == 2
    services.remove_survey(fay.user, mistaken)
    commit()
    given = _attach(cohort, fay, "programme-evaluation", "post", anonymous=False)
    assert _send(given.closes_at - timedelta(days=1)) == 2


def test_the_count_asked_moves_with_no_ones_answer(people, make_member):
    from cohort.cohorts.services import leave_place

    cohort, fay, ada, ben = people
    colin = make_member(cohort, "participant")
    for member in (ada, ben, colin):
        member.joined_at = utcnow() - timedelta(days=3)
    survey = _attach(cohort, fay)
    services.save_answers(ada.user, ada, survey, dict.fromkeys(KNOWLEDGE, "3"), submit=True)
    commit()
    assert services.tracking(survey)[:2] == (3, 1)
    # Whoever leaves, the one who answered or one who did not, the count is the same.
    for leaver in (ada, ben):
        leave_place(leaver.user, leaver)
        commit()
        assert services.tracking(survey)[:2] == (3, 1)
    # Once the survey has closed, someone joining later was never asked.
    survey.closes_at = utcnow() - timedelta(minutes=1)
    commit()
    make_member(cohort, "participant")
    assert services.tracking(survey)[:2] == (3, 1) and colin.status == "active"
