"""Who reaches which programme page, and the programme's overall objectives."""

from datetime import timedelta

import pytest

from cohort.core.database import commit
from cohort.extensions import db
from cohort.programme import services
from tests.helpers import csrf_from, post_form

from .conftest import session_count, session_form

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def setting(programme, make_session):
    """A past session with an objective and a file, and the paths of every programme page."""
    session = make_session(programme.cohort, "Workshop 1", starts_in=timedelta(hours=-3),
                           objectives=["Draw a data map"])
    material = services.add_material(programme.facilitator, session, "Slides",
                                     filename="s.pdf", data=PDF)
    commit()
    c, s = programme.cohort.id, session.id
    base = f"/cohorts/{c}/sessions/{s}"
    return {
        "session": session, "material": material,
        "facilitator_get": [f"/cohorts/{c}/sessions/new", f"{base}/edit", f"{base}/cancel",
                            f"{base}/attendance", f"/cohorts/{c}/objectives"],
        "facilitator_post": [f"/cohorts/{c}/sessions/new", f"{base}/edit", f"{base}/cancel",
                             f"{base}/attendance", f"/cohorts/{c}/objectives",
                             f"{base}/materials", f"{base}/materials/{material.id}/delete"],
        "member_get": [f"/cohorts/{c}/programme", base, f"{base}.ics",
                       f"{base}/materials/{material.id}", f"{base}/confidence"],
    }


def test_a_participant_is_refused_the_facilitators_pages(as_participant, programme, setting):
    for path in setting["facilitator_get"]:
        assert as_participant.get(path).status_code == 403, path
    token = csrf_from(as_participant.get(f"/cohorts/{programme.cohort.id}/programme"))
    for path in setting["facilitator_post"]:
        response = as_participant.post(path, data={"csrf_token": token, **session_form(
            objectives="Hijacked"), f"row-{programme.participant_membership.id}": "present",
            "url": "https://example.org"})
        assert response.status_code == 403, path
    assert session_count() == 1
    db.session.rollback()
    session = services.get_session(programme.cohort, setting["session"].id)
    assert (session.status, session.sequence, len(session.materials)) == ("scheduled", 0, 1)
    assert services.attendance_of(session) == {}
    assert services.programme_objectives(programme.cohort) == []


def test_a_participant_reaches_the_members_pages(as_participant, setting):
    for path in setting["member_get"]:
        assert as_participant.get(path).status_code == 200, path


@pytest.mark.parametrize("role", ["evaluator", "colleague"])
def test_other_roles_are_refused_the_facilitators_pages(client, login, programme, setting,
                                                        make_member, role):
    login(make_member(programme.cohort, role).user)
    for path in setting["facilitator_get"]:
        assert client.get(path).status_code in (403, 404), path


def test_a_member_of_another_cohort_gets_404_everywhere(client, login, programme, setting,
                                                        make_member):
    outsider = make_member(role="facilitator")  # a facilitator, but of another cohort
    login(outsider.user)
    for path in setting["member_get"] + setting["facilitator_get"]:
        assert client.get(path).status_code == 404, path
    token = csrf_from(client.get("/account/calendar"))
    for path in setting["facilitator_post"] + [setting["member_get"][-1]]:
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert session_count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, setting):
    for path in setting["member_get"] + setting["facilitator_get"]:
        response = client.get(path)
        if path.endswith(".ics"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/login"), path


def test_a_cohort_that_does_not_exist(as_facilitator):
    assert as_facilitator.get("/cohorts/999999/programme").status_code == 404
    assert as_facilitator.get("/cohorts/999999/sessions/new").status_code == 404


def test_a_session_that_does_not_exist(as_facilitator, programme):
    base = f"/cohorts/{programme.cohort.id}/sessions/999999"
    for path in (base, f"{base}/edit", f"{base}.ics", f"{base}/materials/1"):
        assert as_facilitator.get(path).status_code == 404, path


def test_a_team_member_sees_only_the_sessions_open_to_colleagues(client, login, programme,
                                                                 make_member, make_session):
    closed = make_session(programme.cohort, "Members only session")
    open_one = make_session(programme.cohort, "Open session", audience="members_and_colleagues")
    login(make_member(programme.cohort, "colleague").user)
    page = client.get(f"/cohorts/{programme.cohort.id}/programme").get_data(as_text=True)
    assert "Open session" in page and "Members only session" not in page
    base = f"/cohorts/{programme.cohort.id}/sessions"
    assert client.get(f"{base}/{closed.id}").status_code == 404
    assert client.get(f"{base}/{open_one.id}").status_code == 200


def test_a_team_member_rates_an_open_session(client, login, programme, make_member, make_session):
    colleague = make_member(programme.cohort, "colleague")
    session = make_session(programme.cohort, "Open", starts_in=timedelta(days=-1),
                           audience="members_and_colleagues", objectives=["One"])
    objective = services.get_session(programme.cohort, session.id).objectives[0].id
    login(colleague.user)
    response = post_form(client, f"/cohorts/{programme.cohort.id}/sessions/{session.id}/confidence",
                         {f"row-{objective}": "4"})
    assert response.status_code == 302
    db.session.rollback()
    session = services.get_session(programme.cohort, session.id)
    assert services.ratings_of(session, colleague) == {objective: 4}


def test_an_evaluator_reads_the_programme_but_does_not_rate(client, login, programme, setting,
                                                            make_member):
    login(make_member(programme.cohort, "evaluator").user)
    for path in setting["member_get"][:-1]:
        assert client.get(path).status_code == 200, path
    assert client.get(setting["member_get"][-1]).status_code == 403
    page = client.get(setting["member_get"][1]).get_data(as_text=True)
    assert "confidence on each objective" not in page


def test_facilitator_notes_are_for_facilitators(as_participant, programme, make_session):
    session = make_session(programme.cohort, facilitator_notes="Ask Sam to present")
    page = as_participant.get(f"/cohorts/{programme.cohort.id}/sessions/{session.id}")
    assert "Ask Sam to present" not in page.get_data(as_text=True)


# The programme's overall objectives ------------------------------------------------------------


def test_the_facilitator_writes_the_programmes_objectives(as_facilitator, new_client, login,
                                                          programme):
    url = f"/cohorts/{programme.cohort.id}/objectives"
    response = post_form(as_facilitator, url, {
        "objectives": "Describe your data maturity\n\n  Write an action plan  \nLead change"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{programme.cohort.id}/programme"
    assert "objectives have been saved." in as_facilitator.get(
        response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert [(o.position, o.text) for o in services.programme_objectives(programme.cohort)] == [
        (1, "Describe your data maturity"), (2, "Write an action plan"), (3, "Lead change")]

    participant = new_client()
    login(programme.participant, the_client=participant)
    page = participant.get(f"/cohorts/{programme.cohort.id}/programme").get_data(as_text=True)
    assert "By the end of the programme, you will be able to" in page
    assert ("<li>Describe your data maturity</li><li>Write an action plan</li>"
            "<li>Lead change</li>") in page

    # The form shows them again, and saving a shorter list replaces them.
    assert "Describe your data maturity\nWrite an action plan\nLead change</textarea>" in (
        as_facilitator.get(url).get_data(as_text=True))
    post_form(as_facilitator, url, {"objectives": "Lead change"})
    db.session.rollback()
    assert [o.text for o in services.programme_objectives(programme.cohort)] == ["Lead change"]
    # An empty box asks first, and only a confirmed one removes them all.
    asked = post_form(as_facilitator, url, {"objectives": ""}).get_data(as_text=True)
    assert "saving it would remove all 1 objectives" in asked
    assert 'name="remove_all"' in asked
    db.session.rollback()
    assert [o.text for o in services.programme_objectives(programme.cohort)] == ["Lead change"]
    post_form(as_facilitator, url, {"objectives": "", "remove_all": "y"})
    db.session.rollback()
    assert services.programme_objectives(programme.cohort) == []
    page = participant.get(f"/cohorts/{programme.cohort.id}/programme").get_data(as_text=True)
    assert "By the end of the programme" not in page


def test_an_overlong_programme_objective_is_refused(as_facilitator, programme):
    services.set_programme_objectives(None, programme.cohort, "Keep me")
    commit()
    response = post_form(as_facilitator, f"/cohorts/{programme.cohort.id}/objectives",
                         {"objectives": "Fine\n" + "x" * 501})
    assert response.status_code == 200
    assert "Keep each objective to 500 characters or fewer" in response.get_data(as_text=True)
    db.session.rollback()
    assert [o.text for o in services.programme_objectives(programme.cohort)] == ["Keep me"]


def test_each_cohort_has_its_own_objectives(programme, make_cohort):
    other = make_cohort()
    services.set_programme_objectives(None, programme.cohort, "Ours")
    services.set_programme_objectives(None, other, "Theirs")
    commit()
    assert [o.text for o in services.programme_objectives(programme.cohort)] == ["Ours"]
    assert [o.text for o in services.programme_objectives(other)] == ["Theirs"]
