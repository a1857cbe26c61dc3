"""The notifications page and the header's count: what happened for the person, newest first,
each leading to what it is about; an application decided, a place handed over and a survey
opening tell the person; someone else's notice is not found; the page's queries do not grow
with the notices."""

import re
from datetime import timedelta

from sqlalchemy import select

from cohort.cohorts.services import hand_over
from cohort.core.database import commit
from cohort.core.models import Notice
from cohort.core.notices import tell
from cohort.core.timeutil import utcnow
from cohort.enrolment.services import (
    accept_application,
    decline_application,
    waitlist_application,
)
from cohort.evaluation.services import announce_open_surveys, attach_survey, change_dates
from cohort.extensions import db
from tests.helpers import count_queries, post_form


def unread_in_header(page: str) -> int | str:
    found = re.search(r'class="cohort-count">([\d+]+)<', page)
    return (int(found.group(1)) if found.group(1).isdigit() else found.group(1)) if found else 0


def notices_of(user) -> list[Notice]:
    return list(db.session.execute(select(Notice).where(
        Notice.user_id == user.id).order_by(Notice.id)).scalars())


def test_the_page_lists_notices_newest_first_and_marks_all_read(client, login, make_member):
    member = make_member(role="participant")
    for n in range(3):
        tell(member.user_id, ("place", "application", "survey")[n], f"Survey {n} is open",
             cohort_id=member.cohort_id,
             subject="cohort", subject_id=member.cohort_id)
    commit()
    login(member.user)
    page = client.get("/notifications").get_data(as_text=True)
    assert unread_in_header(page) == 3
    assert page.index("Survey 2 is open") < page.index("Survey 1 is open") < page.index(
        "Survey 0 is open")
    response = post_form(client, "/notifications", {}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "All your notifications are marked as read." in page
    assert unread_in_header(page) == 0 and "Survey 2 is open" in page
    assert "You have read all your notifications." in client.get(
        "/notifications?show=unread").get_data(as_text=True)


def test_someone_with_nothing_yet_is_told_so(client, login, make_user):
    login(make_user())
    page = client.get("/notifications").get_data(as_text=True)
    assert "Nothing has happened for you yet." in page
    assert "Mark all as read" not in page and unread_in_header(page) == 0


def test_the_header_count_stops_at_99(client, login, make_member):
    member = make_member()
    for n in range(120):
        tell(member.user_id, "reply", f"Reply {n}", cohort_id=member.cohort_id)
    commit()
    login(member.user)
    assert unread_in_header(client.get("/").get_data(as_text=True)) == "99+"


def test_someone_elses_notice_is_not_found(client, login, make_member, make_user):
    member = make_member()
    notice = tell(member.user_id, "reply", "For someone else", cohort_id=member.cohort_id)
    commit()
    login(make_user())
    assert client.get(f"/notifications/{notice.id}").status_code == 404
    assert client.get("/notifications/99999999999999999999").status_code == 404
    assert db.session.get(Notice, notice.id).read_at is None


def test_a_bad_page_number_shows_the_first_page(client, login, make_member):
    member = make_member()
    tell(member.user_id, "reply", "Only one", cohort_id=member.cohort_id)
    commit()
    login(member.user)
    for raw in ("٣", "-1", "%E2%80%8B", "9" * 40):
        response = client.get(f"/notifications?page={raw}")
        assert response.status_code == 200
    assert "Only one" in client.get("/notifications?page=%D9%A3").get_data(as_text=True)


def test_the_page_queries_do_not_grow_with_notices(new_client, login, make_member, make_cohort):
    """Five notices of three subjects, or twenty (a full page) of the same three plus more."""
    counts = {}
    for n in (5, 40):
        member = make_member(role="participant")
        other = make_cohort()
        survey_cohort = member.cohort
        for i in range(n):
            subject = ("cohort", "survey", None)[i % 3]
            tell(member.user_id, "place" if subject == "cohort" else "survey", f"Notice {i}",
                 cohort_id=survey_cohort.id if i % 2 else None, subject=subject,
                 subject_id=survey_cohort.id if subject == "cohort" else (
                     i if subject == "survey" else None))
        tell(member.user_id, "place", "Of a cohort I am not in", cohort_id=other.id,
             subject="cohort", subject_id=other.id)
        commit()
        client = new_client()
        login(member.user, the_client=client)
        client.get("/notifications")  # warm
        with count_queries() as queries:
            page = client.get("/notifications").get_data(as_text=True)
        counts[n] = queries[0]
        assert "Of a cohort I am not in" not in page
    assert counts[5] == counts[40], counts


def test_an_accepted_application_leads_to_the_cohort(client, login, open_cohort, apply_to,
                                                     facilitator, make_user):
    cohort = open_cohort("Wellbeing 2027")
    make_user("new.person@example.org")
    application, _token = apply_to(cohort, "new.person@example.org")
    membership = accept_application(facilitator(cohort), application)
    commit()
    (notice,) = notices_of(membership.user)
    assert notice.text == "Your application to Wellbeing 2027 is accepted: you have a place"
    login(membership.user)
    assert client.get(f"/notifications/{notice.id}").headers["Location"].endswith(
        f"/cohorts/{cohort.id}")


def test_a_waitlisted_or_declined_applicant_with_an_account_is_told(client, login, make_user,
                                                                   open_cohort, apply_to,
                                                                   facilitator):
    cohort = open_cohort("Wellbeing 2027")
    person = make_user("known@example.org")
    application, _ = apply_to(cohort, "known@example.org")
    staff = facilitator(cohort)
    waitlist_application(staff, application)
    commit()
    decline_application(staff, application)
    commit()
    assert [n.text for n in notices_of(person)] == [
        "Your application to Wellbeing 2027 is on the waitlist, at number 1",
        "Your application to Wellbeing 2027 was not accepted; the email sent to you says more"]
    login(person)
    assert unread_in_header(client.get("/").get_data(as_text=True)) == 2
    page = client.get("/notifications").get_data(as_text=True)
    assert "was not accepted" in page and "/notifications/" not in page.split("<main")[1]
    # All it says is on the page: seeing it there is reading it.
    assert unread_in_header(client.get("/").get_data(as_text=True)) == 0


def test_the_person_a_place_is_handed_to_is_told(make_holder, make_member, make_cohort,
                                                 facilitator):
    cohort = make_cohort("Wellbeing 2027", status="running")
    leaver = make_holder(cohort, organisation="Anytown Council")
    colleague = make_member(cohort, "colleague", place=leaver.place)
    hand_over(facilitator(cohort), leaver.place, colleague.user.email)
    commit()
    assert [n.text for n in notices_of(colleague.user)] == [
        "You now hold the place of Anytown Council in Wellbeing 2027"]


def test_a_survey_opening_tells_its_participants_once(client, login, make_member, make_cohort,
                                                      facilitator):
    cohort = make_cohort("Wellbeing 2027", status="running")
    participant = make_member(cohort, "participant")
    colleague = make_member(cohort, "colleague")
    staff = facilitator(cohort)
    now = utcnow()
    survey = attach_survey(staff, cohort, "knowledge", "pre", now + timedelta(hours=1),
                           now + timedelta(days=14), True)
    commit()
    assert announce_open_surveys() == 0  # not open yet
    assert announce_open_surveys(now + timedelta(hours=2)) == 1
    commit()
    assert announce_open_surveys(now + timedelta(hours=3)) == 0  # told once
    (notice,) = notices_of(participant.user)
    assert notice.text.startswith(f"“{survey.title}” is open: answer it by")
    assert notices_of(colleague.user) == [] and notices_of(staff) == []
    login(participant.user)
    assert client.get(f"/notifications/{notice.id}").headers["Location"].endswith(
        f"/cohorts/{cohort.id}/surveys/{survey.id}/answer")


def test_the_scheduler_announces_each_survey_in_its_own_transaction(make_member, make_cohort,
                                                                    facilitator, monkeypatch):
    """Surveys opening together are announced one at a time, each committed on its own: one
    that cannot be announced is left for the next sweep, and the others' notices stand."""
    from cohort.evaluation import jobs
    from cohort.evaluation.services import announcements

    now = utcnow()
    members, surveys = [], []
    for number in range(3):
        cohort = make_cohort(f"Cohort {number}", status="running")
        members.append(make_member(cohort, "participant"))
        surveys.append(attach_survey(facilitator(cohort), cohort, "knowledge", "pre",
                                     now - timedelta(hours=1), now + timedelta(days=14), True))
    commit()
    told = announcements.tell

    def tell_but_the_second(user_id, *args, **kwargs):
        if user_id == members[1].user_id:
            raise RuntimeError("the mail of the second cohort's participant fails")
        return told(user_id, *args, **kwargs)

    monkeypatch.setattr(announcements, "tell", tell_but_the_second)
    assert jobs.announce_surveys_job() == 2
    db.session.rollback()
    assert [len(notices_of(m.user)) for m in members] == [1, 0, 1]
    assert [db.session.get(type(s), s.id).announced_at is None for s in surveys] == [
        False, True, False]  # the second is claimed again by the next sweep
    monkeypatch.setattr(announcements, "tell", told)
    assert jobs.announce_surveys_job() == 1
    db.session.rollback()
    assert [len(notices_of(m.user)) for m in members] == [1, 1, 1]


def test_a_survey_moved_later_is_announced_again_when_it_opens(make_member, make_cohort,
                                                               facilitator):
    cohort = make_cohort(status="running")
    participant = make_member(cohort, "participant")
    staff = facilitator(cohort)
    now = utcnow()
    survey = attach_survey(staff, cohort, "knowledge", "pre", now - timedelta(hours=1),
                           now + timedelta(days=14), True)
    assert announce_open_surveys() == 1
    change_dates(staff, survey, now + timedelta(days=1), now + timedelta(days=14))
    commit()
    assert announce_open_surveys(now + timedelta(days=2)) == 1
    assert len(notices_of(participant.user)) == 1  # the unread one brought up to date
