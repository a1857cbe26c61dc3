"""Facilitator actions are refused to participants (403) and to other cohorts' members (404),
and nothing is written."""

import pytest
from sqlalchemy import select

from cohort.cohorts.models import Cohort, Membership
from cohort.core.database import commit
from cohort.enrolment.models import Application, HandoverRequest
from cohort.enrolment.services import propose_colleague, request_handover
from cohort.extensions import db
from tests.helpers import post_form

FACILITATOR_ACTIONS = [
    ("GET", "/cohorts/{c}/edit", None),
    ("POST", "/cohorts/{c}/edit", {"title": "Taken over", "status": "draft", "capacity": "1"}),
    ("GET", "/cohorts/{c}/applications", None),
    ("GET", "/cohorts/{c}/applications/{a}", None),
    ("POST", "/cohorts/{c}/applications/{a}", {"decision": "accept"}),
    ("POST", "/cohorts/{c}/waitlist/offer-next", {}),
    ("GET", "/cohorts/{c}/roster", None),
    ("GET", "/cohorts/{c}/places/{p}/handover", None),
    ("POST", "/cohorts/{c}/places/{p}/handover", {"email": "thief@example.org", "name": "T"}),
    ("POST", "/cohorts/{c}/handovers/{r}", {"decision": "approve"}),
    ("POST", "/cohorts/{c}/team/{m}", {"decision": "approve"}),
    ("GET", "/cohorts/{c}/members/{h}/remove", None),
    ("POST", "/cohorts/{c}/members/{h}/remove", {}),
    ("GET", "/cohorts/{c}/staff", None),
    ("POST", "/cohorts/{c}/staff", {"email": "thief@example.org", "name": "T", "role": "facilitator"}),
]
MEMBER_PAGES = [
    ("GET", "/cohorts/{c}", None),
    ("GET", "/cohorts/{c}/members", None),
    ("GET", "/cohorts/{c}/me", None),
    ("POST", "/cohorts/{c}/me", {"working_on": "Spying"}),
    ("POST", "/cohorts/{c}/me/team", {"team-email": "x@example.org", "team-name": "X"}),
    ("POST", "/cohorts/{c}/me/handover", {"handover-email": "x@example.org"}),
    ("GET", "/cohorts/{c}/me/leave", None),
    ("POST", "/cohorts/{c}/me/leave", {}),
]


@pytest.fixture
def scene(open_cohort, facilitator, holder, apply_to):
    """A cohort with a facilitator, a place holder who proposed a handover and invited a
    colleague, and an application waiting; the URL arguments for each of them."""
    cohort = open_cohort()
    facilitator(cohort)
    asha = holder(cohort)
    application, _ = apply_to(cohort)
    proposal = request_handover(asha.user, asha.place, "nia@example.org", "Nia", None)
    colleague = propose_colleague(asha.user, asha.place, "cara@example.org", "Cara")
    commit()
    ids = {"c": cohort.id, "a": application.id, "p": asha.place_id, "r": proposal.id,
           "m": colleague.id, "h": asha.id}
    return asha, ids


def state(ids) -> tuple:
    db.session.commit()
    return (
        db.session.get(Cohort, ids["c"]).title,
        db.session.get(Application, ids["a"]).status,
        db.session.get(HandoverRequest, ids["r"]).status,
        db.session.get(Membership, ids["m"]).approved,
        sorted(db.session.execute(select(Membership.role, Membership.status)
                                  .where(Membership.cohort_id == ids["c"])).all()),
    )


def send(client, method, path, data):
    if method == "GET":
        return client.get(path)
    return post_form(client, path, data, page="/account")


def refusals(client, ids, actions, expected: int) -> list[str]:
    """Try each action; list those not refused with `expected` or that changed something."""
    problems = []
    before = state(ids)
    for method, url, data in actions:
        path = url.format(**ids)
        answer = send(client, method, path, data).status_code
        if answer != expected:
            problems.append(f"{method} {path} answered {answer}, expected {expected}")
        if state(ids) != before:
            problems.append(f"{method} {path} changed the cohort")
            before = state(ids)
    return problems


def test_a_participant_is_refused_each_facilitator_action(client, login, scene):
    asha, ids = scene
    login(asha.user)
    problems = refusals(client, ids, FACILITATOR_ACTIONS, 403)
    assert not problems, "\n".join(problems)


def test_a_member_of_another_cohort_is_told_nothing(client, login, scene, make_member):
    _asha, ids = scene
    login(make_member(role="facilitator").user)  # facilitates a cohort, not this one
    problems = refusals(client, ids, FACILITATOR_ACTIONS + MEMBER_PAGES, 404)
    assert not problems, "\n".join(problems)


def test_an_admin_sees_the_overview_but_neither_runs_the_cohort_nor_sees_its_members(
        client, login, scene, make_user):
    _asha, ids = scene
    login(make_user(is_admin=True))
    assert client.get(f"/cohorts/{ids['c']}").status_code == 200
    problems = refusals(client, ids, FACILITATOR_ACTIONS, 403)
    problems += refusals(client, ids, MEMBER_PAGES[1:], 404)
    assert not problems, "\n".join(problems)


def test_members_without_a_place_cannot_bring_colleagues_or_hand_over(client, login, scene,
                                                                      make_member):
    _asha, ids = scene
    login(make_member(db.session.get(Cohort, ids["c"]), "evaluator").user)
    actions = [a for a in MEMBER_PAGES if a[1] in ("/cohorts/{c}/me/team", "/cohorts/{c}/me/handover")]
    problems = refusals(client, ids, actions, 403)
    assert not problems, "\n".join(problems)


def test_a_facilitator_reaches_no_object_of_another_cohort_through_their_own(
        client, login, scene, open_cohort, facilitator):
    """Each application, place, handover proposal and member loads only as one of the URL's
    cohort: another cohort's facilitator naming them under their own cohort gets 404."""
    _asha, ids = scene
    elsewhere = open_cohort("Elsewhere")
    login(facilitator(elsewhere))
    actions = [(method, url.replace("{c}", str(elsewhere.id)), data)
               for method, url, data in FACILITATOR_ACTIONS
               if any(f"{{{key}}}" in url for key in "aprmh")]
    assert len(actions) == 8
    problems = refusals(client, ids, actions, 404)  # nothing of the first cohort changes
    assert not problems, "\n".join(problems)
