"""Attendance on one page after the start, and participants' confidence on each objective."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.cohorts.models import PlaceHolding
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.programme import services
from cohort.programme.models import Attendance, ObjectiveRating
from tests.helpers import count_queries, csrf_from, post_form


def _url(session, page: str) -> str:
    return f"/cohorts/{session.cohort_id}/sessions/{session.id}/{page}"


def _marks(session) -> dict[int, str]:
    db.session.rollback()
    return services.attendance_of(session)


def _ratings() -> dict[tuple[int, int], int]:
    db.session.rollback()
    return {(r.membership_id, r.objective_id): r.rating
            for r in db.session.execute(select(ObjectiveRating)).scalars()}


@pytest.fixture
def past(programme, make_session):
    session = make_session(programme.cohort, "Workshop 1", starts_in=timedelta(days=-1),
                           objectives=["Draw a data map", "Name its owners"])
    return services.get_session(programme.cohort, session.id)


# Attendance ------------------------------------------------------------------------------------


def test_the_page_lists_every_participant(as_facilitator, programme, past, make_member):
    make_member(programme.cohort, "evaluator")
    make_member(programme.cohort, "colleague")
    page = as_facilitator.get(_url(past, "attendance")).get_data(as_text=True)
    names = [m.id for m in services.attendees(past)]
    assert set(names) == {programme.participant_membership.id, programme.other_membership.id}
    for membership in (programme.participant_membership, programme.other_membership):
        for status in ("present", "apologies", "absent"):
            assert f'name="row-{membership.id}" type="radio" value="{status}"' in page
    assert "Anytown Council" in page
    assert "Fay Facilitator</th>" not in page


def test_colleagues_are_listed_for_a_session_open_to_them(programme, make_member, make_session):
    colleague = make_member(programme.cohort, "colleague")
    colleague.joined_at = utcnow() - timedelta(days=30)
    commit()
    session = make_session(programme.cohort, starts_in=timedelta(hours=-2),
                           audience="members_and_colleagues")
    assert colleague.id in {m.id for m in services.attendees(session)}
    members_only = make_session(programme.cohort, starts_in=timedelta(hours=-2))
    assert colleague.id not in {m.id for m in services.attendees(members_only)}


def test_recording_and_updating_attendance(as_facilitator, programme, past):
    p, o = programme.participant_membership.id, programme.other_membership.id
    response = post_form(as_facilitator, _url(past, "attendance"),
                         {f"row-{p}": "present", f"row-{o}": "apologies"})
    assert response.status_code == 302
    assert response.headers["Location"] == _url(past, "attendance")
    page = as_facilitator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Attendance saved for 2 people." in page
    assert f'name="row-{p}" type="radio" value="present" checked' in page
    assert _marks(past) == {p: "present", o: "apologies"}

    post_form(as_facilitator, _url(past, "attendance"), {f"row-{o}": "absent"})
    assert _marks(past) == {p: "present", o: "absent"}
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Attendance)).scalar_one() == 2


def test_saving_with_nobody_marked_says_what_to_do(as_facilitator, programme, past):
    response = post_form(as_facilitator, _url(past, "attendance"), {})
    assert response.status_code == 200
    assert "Mark present, apologies or absent for at least one member" in response.get_data(
        as_text=True)
    assert _marks(past) == {}


def test_a_cancelled_session_shows_no_attendance_form(as_facilitator, programme, past):
    services.cancel_session(None, past)
    commit()
    page = as_facilitator.get(_url(past, "attendance")).get_data(as_text=True)
    assert "there is no attendance to record" in page
    assert 'name="row-' not in page


def test_attendance_before_the_start_is_refused(as_facilitator, programme, make_session):
    future = make_session(programme.cohort, starts_in=timedelta(hours=1))
    page = as_facilitator.get(_url(future, "attendance")).get_data(as_text=True)
    assert "Attendance can be recorded once the session has started." in page
    assert "Save attendance" not in page
    response = post_form(as_facilitator, _url(future, "attendance"),
                         {f"row-{programme.participant_membership.id}": "present"})
    assert response.status_code == 200
    assert "Attendance can be recorded once the session has started" in response.get_data(
        as_text=True)
    assert _marks(future) == {}


def test_attendance_of_a_cancelled_session_is_refused(as_facilitator, programme, past):
    services.cancel_session(None, past)
    commit()
    response = post_form(as_facilitator, _url(past, "attendance"),
                         {f"row-{programme.participant_membership.id}": "present"})
    assert "This session was cancelled: there is no attendance to record" in response.get_data(
        as_text=True)
    assert _marks(past) == {}


@pytest.mark.parametrize("who", ["outsider", "facilitator", "evaluator", "garbage", "unknown"])
def test_attendance_for_a_non_member_is_refused(as_facilitator, programme, past, make_member, who):
    key = {
        "outsider": lambda: f"row-{make_member(role='participant').id}",
        "facilitator": lambda: f"row-{programme.facilitator_membership.id}",
        "evaluator": lambda: f"row-{make_member(programme.cohort, 'evaluator').id}",
        "garbage": lambda: "row-abc",
        "unknown": lambda: "row-999999",
    }[who]()
    response = post_form(as_facilitator, _url(past, "attendance"), {
        f"row-{programme.participant_membership.id}": "present", key: "present"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Attendance can only be recorded for members of this cohort" in page
    assert _marks(past) == {}


def test_an_unknown_attendance_value_is_refused(as_facilitator, programme, past):
    response = post_form(as_facilitator, _url(past, "attendance"), {
        f"row-{programme.participant_membership.id}": "late"})
    assert "Choose present, apologies or absent for each member" in response.get_data(as_text=True)
    assert _marks(past) == {}


# Confidence ratings ----------------------------------------------------------------------------


def test_a_participant_rates_every_objective(as_participant, programme, past):
    first, second = (o.id for o in past.objectives)
    form = as_participant.get(_url(past, "confidence")).get_data(as_text=True)
    assert "Draw a data map" in form and f'name="row-{first}" type="radio" value="5"' in form
    response = post_form(as_participant, _url(past, "confidence"),
                         {f"row-{first}": "4", f"row-{second}": "2"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{past.cohort_id}/sessions/{past.id}"
    page = as_participant.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you: your ratings are saved." in page
    assert "Change your confidence ratings" in page
    me = programme.participant_membership.id
    assert _ratings() == {(me, first): 4, (me, second): 2}

    # Rating again changes the answers; there is still one per objective.
    post_form(as_participant, _url(past, "confidence"),
              {f"row-{first}": "5", f"row-{second}": "3"})
    assert _ratings() == {(me, first): 5, (me, second): 3}
    form = as_participant.get(_url(past, "confidence")).get_data(as_text=True)
    assert f'name="row-{first}" type="radio" value="5" checked' in form


@pytest.mark.parametrize(("answers", "message"), [
    ({0: "3"}, "Rate your confidence on every objective"),
    ({}, "Rate your confidence on every objective"),
    ({0: "0", 1: "3"}, "Choose a rating from 1 to 5 for every objective"),
    ({0: "6", 1: "3"}, "Choose a rating from 1 to 5 for every objective"),
    ({0: "three", 1: "3"}, "Choose a rating from 1 to 5 for every objective"),
    ({0: "-1", 1: "3"}, "Choose a rating from 1 to 5 for every objective"),
    ({0: "５", 1: "3"}, "Choose a rating from 1 to 5 for every objective"),
])
def test_bad_ratings_are_refused(as_participant, past, answers, message):
    ids = [o.id for o in past.objectives]
    response = post_form(as_participant, _url(past, "confidence"),
                         {f"row-{ids[i]}": value for i, value in answers.items()})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert _ratings() == {}


def test_a_rating_for_another_sessions_objective_is_ignored(as_participant, programme, past,
                                                            make_session):
    ids = [o.id for o in past.objectives]
    other = services.get_session(programme.cohort, make_session(
        programme.cohort, starts_in=timedelta(days=-2), objectives=["Elsewhere"]).id)
    elsewhere = other.objectives[0].id
    post_form(as_participant, _url(past, "confidence"), {
        f"row-{ids[0]}": "3", f"row-{ids[1]}": "3", f"row-{elsewhere}": "1"})
    assert {objective for _, objective in _ratings()} == set(ids)


def test_a_cancelled_session_says_there_is_nothing_to_rate(as_participant, programme, past):
    ids = [o.id for o in past.objectives]
    services.cancel_session(programme.facilitator, past)
    commit()
    page = as_participant.get(_url(past, "confidence")).get_data(as_text=True)
    assert "This session was cancelled, so there is nothing to rate." in page
    assert "once the session has taken place" not in page and "Save ratings" not in page
    response = post_form(as_participant, _url(past, "confidence"),
                         {f"row-{ids[0]}": "3", f"row-{ids[1]}": "3"})
    assert "This session was cancelled, so there is nothing to rate" in response.get_data(
        as_text=True)
    assert _ratings() == {}


def test_rating_before_the_session_is_refused(as_participant, programme, make_session):
    future = services.get_session(programme.cohort, make_session(
        programme.cohort, starts_in=timedelta(hours=2), objectives=["Later"]).id)
    page = as_participant.get(_url(future, "confidence")).get_data(as_text=True)
    assert "You can rate your confidence once the session has taken place." in page
    assert "Save ratings" not in page
    response = post_form(as_participant, _url(future, "confidence"),
                         {f"row-{future.objectives[0].id}": "3"})
    assert "You can rate your confidence once the session has taken place" in response.get_data(
        as_text=True)
    assert _ratings() == {}
    session_page = as_participant.get(f"/cohorts/{future.cohort_id}/sessions/{future.id}")
    assert "Rate your confidence" not in session_page.get_data(as_text=True)


def test_the_rate_objectives_service_checks_its_input(programme, past):
    ids = [o.id for o in past.objectives]
    member = programme.participant_membership
    with pytest.raises(services.ProgrammeError, match="every objective"):
        services.rate_objectives(member, past, {ids[0]: 3})
    with pytest.raises(services.ProgrammeError, match="from 1 to 5"):
        services.rate_objectives(member, past, {ids[0]: 3, ids[1]: 6})
    services.rate_objectives(member, past, {ids[0]: 1, ids[1]: 5})
    assert services.ratings_of(past, member) == {ids[0]: 1, ids[1]: 5}


def test_the_facilitator_sees_the_spread(as_facilitator, programme, past, make_member):
    first, second = (o.id for o in past.objectives)
    third = make_member(programme.cohort, "participant")
    past = services.get_session(programme.cohort, past.id)  # committed, so loaded again
    for membership, (a, b) in [(programme.participant_membership, (4, 2)),
                               (programme.other_membership, (4, 3)), (third, (5, 3))]:
        services.rate_objectives(membership, past, {first: a, second: b})
    commit()
    spread = services.rating_spread(services.get_session(programme.cohort, past.id))
    assert spread[first] == {"counts": [0, 0, 0, 2, 1], "n": 3, "mean": pytest.approx(13 / 3)}
    assert spread[second] == {"counts": [0, 1, 2, 0, 0], "n": 3, "mean": pytest.approx(8 / 3)}

    page = as_facilitator.get(f"/cohorts/{past.cohort_id}/sessions/{past.id}").get_data(
        as_text=True)
    assert "confidence on each objective" in page
    row = page[page.index('<th scope="row" class="govuk-table__header">Draw a data map</th>'):]
    row = row[:row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split('govuk-table__cell--numeric">')[1:]]
    assert cells == ["0", "0", "0", "2", "1", "3", "4.3"]


def test_no_one_but_the_facilitator_sees_the_spread(as_participant, past):
    page = as_participant.get(f"/cohorts/{past.cohort_id}/sessions/{past.id}").get_data(
        as_text=True)
    assert "confidence on each objective" not in page


def test_an_empty_spread(programme, past):
    assert services.rating_spread(past) == {
        o.id: {"counts": [0, 0, 0, 0, 0], "n": 0, "mean": None} for o in past.objectives}


def test_a_facilitator_does_not_rate(as_facilitator, past):
    assert as_facilitator.get(_url(past, "confidence")).status_code == 403
    token = csrf_from(as_facilitator.get(f"/cohorts/{past.cohort_id}/programme"))
    assert as_facilitator.post(_url(past, "confidence"),
                               data={"csrf_token": token}).status_code == 403


# The same figures for many sessions at once (the evaluation report's) -------------------------


def test_the_batched_figures_are_each_sessions_own(demo_cohorts, make_member, make_session):
    reference, running = demo_cohorts
    colleague = make_member(running, "colleague")
    colleague.joined_at = utcnow() - timedelta(days=30)
    commit()
    make_session(running, starts_in=timedelta(hours=-2), audience="members_and_colleagues")
    sessions = [s for cohort in (reference, running) for s in services.sessions_for(cohort)]
    assert len(sessions) > 10 and any(services.attendance_of(s) for s in sessions)
    sizes = services.register_sizes(sessions)
    assert sizes == {s.id: len(services.attendees(s)) for s in sessions}
    assert any(colleague in services.attendees(s) for s in sessions)
    present = services.present_counts(sessions)
    assert present == {s.id: list(services.attendance_of(s).values()).count("present")
                       for s in sessions}
    spreads = services.rating_spreads(sessions)
    assert any(entry["n"] for entry in spreads.values())
    assert spreads == {o: entry for s in sessions
                       for o, entry in services.rating_spread(s).items()}


def test_register_sizes_of_many_sessions_in_one_statement(programme, make_session):
    sessions = [make_session(programme.cohort, starts_in=timedelta(days=-n)) for n in range(1, 6)]
    later = make_session(programme.cohort, starts_in=timedelta(days=-30))  # before anyone held
    for holding in db.session.execute(db.select(PlaceHolding)).scalars():
        holding.started_at = utcnow() - timedelta(days=20)
    commit()
    sessions = services.sessions_for(programme.cohort)  # loaded again after the commit
    later = next(s for s in sessions if s.id == later.id)
    with count_queries() as queries:
        sizes = services.register_sizes(sessions)
    assert queries[0] == 1
    assert sizes == {s.id: 0 if s is later else 2 for s in sessions}
