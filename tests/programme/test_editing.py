"""Editing, rescheduling and cancelling a session: UID kept, SEQUENCE raised, stale edits refused."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from cohort.core.database import commit
from cohort.core.errors import ChangedMeanwhile
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme import services
from cohort.programme.models import LearningObjective, ObjectiveRating, ProgrammeSession
from tests.helpers import csrf_from, post_form

from .conftest import session_form


def _fresh(cohort, session_id) -> ProgrammeSession:
    db.session.rollback()
    return services.get_session(cohort, session_id)


def _edit_url(session) -> str:
    return f"/cohorts/{session.cohort_id}/sessions/{session.id}/edit"


def test_the_edit_form_shows_the_session_in_its_own_zone(as_facilitator, programme, make_session):
    session = make_session(programme.cohort, "Workshop 1", objectives=["One", "Two"],
                           topics=["Data"], timezone="America/New_York")
    db.session.execute(update(ProgrammeSession).where(ProgrammeSession.id == session.id).values(
        starts_at=datetime(2021, 4, 13, 14, 0, tzinfo=UTC)))
    commit()
    page = as_facilitator.get(_edit_url(session)).get_data(as_text=True)
    assert 'name="start_time" type="text" value="10:00"' in page  # 14:00Z is 10:00 EDT
    assert 'name="day-day" type="text" value="13"' in page
    assert 'name="day-month" type="text" value="4"' in page
    assert '<option value="America/New_York" selected>' in page
    assert "One\nTwo</textarea>" in page
    assert "Data</textarea>" in page
    assert '<input type="hidden" name="version" value="1">' in page


def test_rescheduling_keeps_the_uid_and_raises_the_sequence(as_facilitator, programme,
                                                            make_session):
    session = make_session(programme.cohort, "Workshop 1")
    uid = session.uid
    response = post_form(as_facilitator, _edit_url(session), session_form(
        title="Workshop 1 (moved)", **{"day-day": "16", "day-month": "3", "start_time": "14:30"}))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{programme.cohort.id}/sessions/{session.id}"
    changed = _fresh(programme.cohort, session.id)
    assert changed.uid == uid
    assert changed.sequence == 1
    assert changed.starts_at == datetime(2021, 3, 16, 14, 30, tzinfo=UTC)
    assert changed.title == "Workshop 1 (moved)"
    assert changed.updated_at is not None
    post_form(as_facilitator, _edit_url(session), session_form(title="Again"))
    assert _fresh(programme.cohort, session.id).sequence == 2


def test_edited_objectives_keep_their_ids_by_position_and_their_ratings(programme, make_session):
    session = make_session(programme.cohort, starts_in=timedelta(days=-1),
                           objectives=["Old one", "Old two", "Old three"])
    ids = [o.id for o in services.get_session(programme.cohort, session.id).objectives]
    session = _fresh(programme.cohort, session.id)
    services.rate_objectives(programme.participant_membership, session,
                             {ids[0]: 2, ids[1]: 3, ids[2]: 4})
    commit()

    session = _fresh(programme.cohort, session.id)
    services.update_session(programme.facilitator, session, services.SessionData(
        title=session.title, kind=session.kind, starts_at=session.starts_at,
        duration_minutes=session.duration_minutes, objectives="New one\nNew two"))
    commit()
    objectives = _fresh(programme.cohort, session.id).objectives
    assert [(o.id, o.position, o.text) for o in objectives] == [
        (ids[0], 1, "New one"), (ids[1], 2, "New two")]
    ratings = dict(db.session.execute(
        select(ObjectiveRating.objective_id, ObjectiveRating.rating)).all())
    assert ratings == {ids[0]: 2, ids[1]: 3}  # the third went with its objective

    session = _fresh(programme.cohort, session.id)
    services.update_session(programme.facilitator, session, services.SessionData(
        title=session.title, kind=session.kind, starts_at=session.starts_at,
        duration_minutes=session.duration_minutes, objectives=["New one", "New two", "Added"]))
    commit()
    objectives = _fresh(programme.cohort, session.id).objectives
    assert [o.id for o in objectives][:2] == ids[:2]
    assert [o.text for o in objectives] == ["New one", "New two", "Added"]
    assert db.session.execute(select(LearningObjective.id)).scalars().all() != []


def test_a_post_without_some_fields_takes_only_what_it_sends(as_facilitator, programme,
                                                            make_session):
    session = make_session(programme.cohort, "Workshop 1", objectives=["Keep me"], topics=["T"])
    data = {"csrf_token": csrf_from(as_facilitator.get(_edit_url(session))),
            **session_form(objectives="Keep me")}
    del data["topics"], data["description"]
    assert as_facilitator.post(_edit_url(session), data=data).status_code == 302
    changed = _fresh(programme.cohort, session.id)
    assert [o.text for o in changed.objectives] == ["Keep me"]
    assert changed.topic_list == [] and changed.description is None
    del data["title"]
    response = as_facilitator.post(_edit_url(session), data=data)
    assert response.status_code == 200
    assert "Enter the session&#39;s title" in response.get_data(as_text=True)
    del data["objectives"]
    data["title"] = "Workshop 1"
    assert as_facilitator.post(_edit_url(session), data=data).status_code == 302
    assert _fresh(programme.cohort, session.id).objectives == []


def test_a_refused_edit_changes_nothing(as_facilitator, programme, make_session):
    session = make_session(programme.cohort, "Workshop 1")
    response = post_form(as_facilitator, _edit_url(session), session_form(
        join_url="javascript:alert(1)"))
    assert response.status_code == 200
    assert "Enter a joining link that starts with https://" in response.get_data(as_text=True)
    unchanged = _fresh(programme.cohort, session.id)
    assert (unchanged.title, unchanged.sequence) == ("Workshop 1", 0)


def _version_in(page: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, "the edit form carries no version"
    return match.group(1)


def test_a_save_of_a_stale_form_is_refused(as_facilitator, programme, make_session):
    session = make_session(programme.cohort, "Workshop 1")
    form_page = as_facilitator.get(_edit_url(session))
    # Someone else saves the session between this form's GET and its POST.
    db.session.execute(update(ProgrammeSession).where(ProgrammeSession.id == session.id)
                       .values(title="Changed by someone else", version=ProgrammeSession.version + 1))
    commit()
    data = {"csrf_token": csrf_from(form_page), **session_form(title="My change"),
            "version": _version_in(form_page.get_data(as_text=True))}
    response = as_facilitator.post(_edit_url(session), data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone else changed this a moment ago. Check the page and try again." in page
    assert 'value="My change"' in page  # what was typed is kept
    changed = _fresh(programme.cohort, session.id)
    assert (changed.title, changed.sequence) == ("Changed by someone else", 0)
    # The form now carries the new version: saving again, knowingly, works.
    again = {**data, "version": _version_in(page)}
    assert again["version"] != data["version"]
    assert as_facilitator.post(_edit_url(session), data=again).status_code == 302
    assert _fresh(programme.cohort, session.id).title == "My change"


def test_the_service_refuses_a_stale_version(programme, make_session):
    session = _fresh(programme.cohort, make_session(programme.cohort, "Workshop 1").id)
    data = services.SessionData(title="Mine", kind="workshop", starts_at=session.starts_at,
                                duration_minutes=60)
    with pytest.raises(ChangedMeanwhile):
        services.update_session(None, session, data, expected_version=session.version - 1)
    services.update_session(None, session, data, expected_version=session.version)
    commit()
    assert _fresh(programme.cohort, session.id).version == 2


def test_cancelling_publishes_cancelled_and_raises_the_sequence(as_facilitator, programme,
                                                                make_session):
    session = make_session(programme.cohort, "Workshop 1")
    page = as_facilitator.get(f"/cohorts/{programme.cohort.id}/sessions/{session.id}/cancel")
    assert "Cancel Workshop 1?" in page.get_data(as_text=True)
    response = post_form(as_facilitator,
                         f"/cohorts/{programme.cohort.id}/sessions/{session.id}/cancel", {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{programme.cohort.id}/programme"
    assert "Workshop 1 has been cancelled." in as_facilitator.get(
        response.headers["Location"]).get_data(as_text=True)
    cancelled = _fresh(programme.cohort, session.id)
    assert (cancelled.status, cancelled.sequence, cancelled.uid) == ("cancelled", 1, session.uid)

    # Cancelling again is refused and changes nothing (the cancel page itself now sends the
    # facilitator back to the session, so the form's token comes from the session page).
    again = post_form(as_facilitator,
                      f"/cohorts/{programme.cohort.id}/sessions/{session.id}/cancel", {},
                      page=f"/cohorts/{programme.cohort.id}/sessions/{session.id}")
    assert "This session has already been cancelled" in as_facilitator.get(
        again.headers["Location"]).get_data(as_text=True)
    assert _fresh(programme.cohort, session.id).sequence == 1


def test_a_cancelled_session_cannot_be_edited(as_facilitator, programme, make_session):
    session = make_session(programme.cohort, "Workshop 1")
    services.cancel_session(None, session)
    commit()
    page_url = f"/cohorts/{programme.cohort.id}/sessions/{session.id}"
    response = as_facilitator.get(_edit_url(session))
    assert response.status_code == 302 and response.headers["Location"] == page_url
    token = csrf_from(as_facilitator.get(page_url))
    response = as_facilitator.post(_edit_url(session),
                                   data={"csrf_token": token, **session_form(title="Revived")})
    assert response.status_code == 302
    assert "This session has been cancelled: it cannot be edited." in as_facilitator.get(
        page_url).get_data(as_text=True)
    cancelled = _fresh(programme.cohort, session.id)
    assert (cancelled.title, cancelled.sequence) == ("Workshop 1", 1)
    # The page offers no edit or cancel link for it.
    page = as_facilitator.get(page_url).get_data(as_text=True)
    assert "/edit" not in page and "/cancel" not in page


def test_update_service_refuses_a_cancelled_session(programme, make_session):
    session = make_session(programme.cohort)
    services.cancel_session(None, session)
    commit()
    session = _fresh(programme.cohort, session.id)
    with pytest.raises(services.ProgrammeError, match="cancelled: it cannot be edited"):
        services.update_session(None, session, services.SessionData(
            title="x", kind="workshop", starts_at=utcnow(), duration_minutes=60))
    with pytest.raises(services.ProgrammeError, match="already been cancelled"):
        services.cancel_session(None, session)


def test_another_cohorts_session_is_not_found(as_facilitator, programme, make_cohort,
                                              make_session):
    elsewhere = make_session(make_cohort("Elsewhere"), "Not yours")
    base = f"/cohorts/{programme.cohort.id}/sessions/{elsewhere.id}"
    for path in (base, base + "/edit", base + "/cancel", base + "/attendance",
                 base + "/confidence", base + ".ics"):
        assert as_facilitator.get(path).status_code == 404, path
    token = csrf_from(as_facilitator.get(f"/cohorts/{programme.cohort.id}/programme"))
    for path in (base + "/edit", base + "/cancel", base + "/attendance", base + "/materials"):
        assert as_facilitator.post(path, data={"csrf_token": token}).status_code == 404, path
    untouched = db.session.get(ProgrammeSession, elsewhere.id)
    assert (untouched.status, untouched.sequence) == ("scheduled", 0)


def test_the_cancel_page_of_a_cancelled_session_says_so(as_facilitator, programme, make_session):
    session = make_session(programme.cohort, "Workshop 1")
    services.cancel_session(None, session)
    commit()
    response = as_facilitator.get(f"/cohorts/{programme.cohort.id}/sessions/{session.id}/cancel")
    assert response.status_code == 302
    assert "already been cancelled" in as_facilitator.get(response.headers["Location"]).get_data(
        as_text=True)


@pytest.mark.parametrize("version", ["abc", "٣", "1\x00", "-1", "9" * 30])
def test_a_tampered_version_is_refused_like_a_stale_one(as_facilitator, programme,
                                                        make_session, version):
    session = make_session(programme.cohort, "Workshop 1")
    form_page = as_facilitator.get(_edit_url(session))
    data = {"csrf_token": csrf_from(form_page), **session_form(title="My change"),
            "version": version}
    response = as_facilitator.post(_edit_url(session), data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone else changed this a moment ago" in page and "\x00" not in page
    assert _fresh(programme.cohort, session.id).title == "Workshop 1"
    assert _version_in(page) == "1"  # saving again, knowingly, works


def test_a_session_kept_in_a_zone_no_longer_offered_saves_unchanged(as_facilitator, programme,
                                                                     make_session):
    """Australia/Canberra, an old name the list once offered, stays the session's zone: the
    edit form shows it and saving it unchanged is no refusal."""
    session = make_session(programme.cohort, "Workshop 1", timezone="Australia/Canberra")
    page = as_facilitator.get(_edit_url(session)).get_data(as_text=True)
    assert re.search(r'<option value="Australia/Canberra" selected>', page)
    response = post_form(as_facilitator, _edit_url(session), session_form(
        timezone="Australia/Canberra", version=_version_in(page)))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.rollback()
    assert db.session.get(ProgrammeSession, session.id).timezone == "Australia/Canberra"
    # A name the list never offered, sent by hand, is refused by the form.
    refused = post_form(as_facilitator, _edit_url(session), session_form(
        timezone="localtime", version=_version_in(page)))
    assert "Choose a time zone from the list" in refused.get_data(as_text=True)
