"""The demo programme: what `flask cohort demo` loads and that every account can use it."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from cohort import demo
from cohort.accounts.models import AccountToken, User
from cohort.cohorts.models import Cohort, Membership, Organisation, Place, PlaceHolding
from cohort.cohorts.services import free_places, holder_of, memberships_for, roster, team_of
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import Application, HandoverRequest
from cohort.enrolment.services import (
    EnrolmentError,
    accept_application,
    application_counts,
    waitlist_offer,
)
from cohort.extensions import db as database
from cohort.programme.models import LearningObjective, ProgrammeSession
from cohort.programme.services import sessions_for
from cohort.reminders.models import Delivery
from tests.helpers import sign_in

PASSWORD = "demo password 2021"
LONDON = ZoneInfo("Europe/London")
REFERENCE_TITLE = "Local authority wellbeing policy making cohort 2021"
RUNNING_TITLE = "Workplace wellbeing cohort"

# The report's list of professional backgrounds: the ten practitioners first recruited.
REPORT_BACKGROUNDS = {
    "New Head of Service working in the Corporate Centre",
    "Public Health Development Manager",
    "Human Resources Business Partner leading on employee wellbeing",
    "Mental Health Development lead",
    "Wellbeing and Reward Specialist, employee wellbeing",
    "Community Development Worker in a Tenants and Communities team",
    "Senior Change and Delivery Officer, working in a central Strategic Change team",
    "Newly qualified Consultant in Public Health",
    "Mid-career Strategist working in a Public Health team",
    "Strategic Health and Wellbeing officer in a Communities team",
}
IN_POST = {"Southampton City Council": 1, "Babergh and Mid Suffolk District Councils": 6,
           "Kirklees Council": 10}
DEMO_ACCOUNTS = {
    "admin@example.org", "facilitator@example.org", "evaluator@example.org",
    *(f"participant{n:02}@example.org" for n in range(1, 11)), "colleague01@example.org",
}

COUNCILS_AND_FOCUS = [
    ("Southampton City Council", "Employee wellbeing"),
    ("Blackburn with Darwen Borough Council", "Mental wellbeing and inequalities"),
    ("East Devon District Council", "Recovery and resilience"),
    ("Walsall Council", "Wellbeing in all policies"),
    ("Sutton Council", "Helping Early Strategy"),
    ("Babergh and Mid Suffolk District Councils", "Wellbeing strategy"),
    ("The City of Edinburgh Council", "Wellbeing programme"),
    ("Westminster City Council", "Employee wellbeing framework"),
    ("Redcar and Cleveland Council", "Wellbeing strategy"),
    ("Kirklees Council", "Inclusion Commission"),
]


def _cohort(title: str) -> Cohort:
    return database.session.execute(select(Cohort).where(Cohort.title == title)).scalar_one()


def _count(model) -> int:
    return database.session.execute(select(func.count()).select_from(model)).scalar_one()


def _participants(cohort: Cohort) -> list[Membership]:
    return list(
        database.session.execute(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id, Membership.role == "participant",
                   Membership.status == "active")
            .order_by(User.email)
        ).scalars()
    )


def _home_page_of(app, email: str, password: str) -> tuple[int, str]:
    """Sign in as _sign_in_alone does; return the sign-in's status and the home page."""
    with app.app_context():
        client = app.test_client()
        response = sign_in(client, email, password)
        page = client.get("/").get_data(as_text=True) if response.status_code == 302 else ""
        return response.status_code, page


def _sign_in_alone(app, email: str, password: str) -> int:
    """Sign in with a new client in a new app context; `g` and the db session are per context,
    so several accounts can sign in within one test. Returns the response's status code."""
    with app.app_context():
        client = app.test_client()
        response = sign_in(client, email, password)
        if response.status_code == 302:
            assert client.get("/").status_code == 200
        return response.status_code


def _places(cohort: Cohort) -> list[Place]:
    return list(
        database.session.execute(
            select(Place).where(Place.cohort_id == cohort.id).order_by(Place.slot)
        ).scalars()
    )


def _holdings(place: Place) -> list[PlaceHolding]:
    return list(
        database.session.execute(
            select(PlaceHolding).where(PlaceHolding.place_id == place.id)
            .order_by(PlaceHolding.started_at)
        ).scalars()
    )


def _membership(cohort: Cohort, email: str) -> Membership:
    return database.session.execute(
        select(Membership).join(User, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id, User.email == email)
    ).scalar_one()


def _applications(cohort: Cohort, status: str) -> list[Application]:
    return list(
        database.session.execute(
            select(Application).where(Application.cohort_id == cohort.id,
                                      Application.status == status)
            .order_by(Application.waitlist_position, Application.id)
        ).scalars()
    )


def _local_day(value: datetime) -> date:
    return value.astimezone(LONDON).date()


@pytest.fixture
def loaded(demo_loaded):
    """The demo, loaded once for the run and put back for each test (tests/conftest.py); the
    tests of loading itself call demo.load()."""
    return demo_loaded


def test_reference_places_are_the_ten_councils_with_their_focus(loaded):
    cohort = _cohort(REFERENCE_TITLE)
    places = _places(cohort)

    assert [p.slot for p in places] == list(range(1, 11))
    assert all(p.status == "active" for p in places)
    assert [(p.organisation.name, p.area_of_focus) for p in places] == COUNCILS_AND_FOCUS
    assert all(p.strategy for p in places)
    holders = [holder_of(p) for p in places]
    assert [h.user.email for h in holders] == [f"participant{n:02}@example.org" for n in range(1, 11)]
    assert [(h.organisation.name, h.area_of_focus) for h in holders] == COUNCILS_AND_FOCUS
    assert [h.user.organisation for h in holders] == [c for c, _ in COUNCILS_AND_FOCUS]
    assert [m.user.email for m in _participants(cohort)] == [h.user.email for h in holders]
    backgrounds = [h.professional_background for h in holders]
    assert all(backgrounds) and len(set(backgrounds)) == 10
    assert holders[0].professional_background == (
        "Human Resources Business Partner leading on employee wellbeing"
    )


def test_the_report_backgrounds_are_the_original_applicants(loaded):
    accepted = _applications(_cohort(REFERENCE_TITLE), "accepted")

    assert len(accepted) == 10
    assert {a.professional_background for a in accepted} == REPORT_BACKGROUNDS
    assert [a.organisation_name for a in sorted(accepted, key=lambda a: a.place_id)] == [
        c for c, _ in COUNCILS_AND_FOCUS
    ]


def test_only_three_original_holders_are_still_in_post(loaded):
    places = _places(_cohort(REFERENCE_TITLE))

    in_post = {
        p.organisation.name: holder_of(p).user.email
        for p in places if _holdings(p)[0].user_id == holder_of(p).user_id
    }
    assert in_post == {council: f"participant{n:02}@example.org" for council, n in IN_POST.items()}
    for place in places:
        if place.organisation.name in IN_POST:
            [holding] = _holdings(place)
            assert holding.ended_at is None and holding.how_started == "accepted"


def test_seven_places_were_handed_over_between_july_and_october_2021(loaded):
    cohort = _cohort(REFERENCE_TITLE)
    handed_over = [p for p in _places(cohort) if p.organisation.name not in IN_POST]
    assert len(handed_over) == 7

    came_from_the_team = 0
    for place in handed_over:
        first, second = _holdings(place)
        assert first.user.email == f"former{place.slot:02}@example.org"
        assert (first.how_started, first.how_ended) == ("accepted", "handover")
        assert _local_day(first.started_at) == date(2021, 2, 23)
        assert first.ended_at == second.started_at
        assert date(2021, 7, 1) <= _local_day(first.ended_at) <= date(2021, 10, 31)
        assert (second.how_started, second.ended_at) == ("handover", None)
        assert second.user.email == f"participant{place.slot:02}@example.org"

        leaver = _membership(cohort, first.user.email)
        assert (leaver.role, leaver.status, leaver.place_id) == ("participant", "left", place.id)
        assert leaver.left_at == first.ended_at
        assert leaver.joined_at == first.started_at
        successor = holder_of(place)
        assert successor.user_id == second.user_id
        assert successor.professional_background
        assert successor.joined_at <= second.started_at
        came_from_the_team += successor.joined_at < second.started_at
    # Most successors were colleagues the holder had brought onto the place's team.
    assert came_from_the_team == 5

    proposals = database.session.execute(select(HandoverRequest)).scalars().all()
    assert len(proposals) == 2
    for proposal in proposals:
        assert proposal.status == "approved" and proposal.note
        assert proposal.created_at < proposal.decided_at
        assert proposal.decided_at == _holdings(proposal.place)[1].started_at
        assert proposal.requested_by.email == f"former{proposal.place.slot:02}@example.org"


def test_blackburn_with_darwen_keeps_its_team_member(loaded):
    cohort = _cohort(REFERENCE_TITLE)
    colleagues = database.session.execute(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.role == "colleague")
    ).scalars().all()

    [colleague] = colleagues
    assert colleague.user.email == "colleague01@example.org"
    assert colleague.approved and colleague.status == "active"
    assert colleague.place.organisation.name == "Blackburn with Darwen Borough Council"
    assert team_of(colleague.place) == [colleague]
    assert roster(cohort).pending_colleagues == []
    assert date(2021, 3, 16) < _local_day(colleague.joined_at) < date(2021, 7, 19)
    row = next(r for r in roster(cohort).rows if r["place"].id == colleague.place_id)
    assert row["holder"].user.email == "participant02@example.org"
    assert [m.user.email for m in row["team"]] == ["colleague01@example.org"]


def test_reference_call_ran_in_january_and_february_2021(loaded):
    cohort = _cohort(REFERENCE_TITLE)

    assert _local_day(cohort.applications_open_at) == date(2021, 1, 11)
    assert _local_day(cohort.applications_close_at - timedelta(seconds=1)) == date(2021, 2, 12)
    assert not cohort.call_is_open(utcnow())
    assert application_counts(cohort) == {
        "submitted": 0, "accepted": 10, "waitlisted": 2, "declined": 1, "withdrawn": 0,
    }
    every = database.session.execute(
        select(Application).where(Application.cohort_id == cohort.id)
    ).scalars().all()
    assert all(cohort.applications_open_at <= a.created_at < cohort.applications_close_at
               for a in every)
    waitlisted = _applications(cohort, "waitlisted")
    assert [a.waitlist_position for a in waitlisted] == [1, 2]
    assert all(a.decision_message and a.place_id is None for a in waitlisted)
    [declined] = _applications(cohort, "declined")
    assert declined.decision_message and _local_day(declined.decided_at) == date(2021, 2, 23)
    councils = {c for c, _ in COUNCILS_AND_FOCUS}
    assert not {a.organisation_name for a in [*waitlisted, declined]} & councils
    # Nobody but the accepted has an account.
    emails = {a.email for a in [*waitlisted, declined]}
    assert not database.session.execute(select(User).where(User.email.in_(emails))).first()


def test_the_finished_cohort_offers_no_place_from_its_waitlist(loaded, client):
    cohort = _cohort(REFERENCE_TITLE)
    facilitator = database.session.execute(
        select(User).where(User.email == "facilitator@example.org")
    ).scalar_one()
    first = _applications(cohort, "waitlisted")[0]

    assert free_places(cohort) == 2 and waitlist_offer(cohort) is None
    with pytest.raises(EnrolmentError, match="has finished"):
        accept_application(facilitator, first)
    database.session.rollback()
    sign_in(client, "facilitator@example.org", PASSWORD)
    for page in ("applications", "roster"):
        assert "offer the place" not in client.get(f"/cohorts/{cohort.id}/{page}").get_data(
            as_text=True).lower()


def test_places_holdings_and_applications_agree(loaded):
    for title in (REFERENCE_TITLE, RUNNING_TITLE):
        cohort = _cohort(title)
        for application in _applications(cohort, "accepted"):
            place = database.session.get(Place, application.place_id)
            first = _holdings(place)[0]
            assert first.user.email == application.email
            assert first.started_at == application.decided_at
            assert application.created_at < application.decided_at
            assert place.strategy == application.strategy
        for place in _places(cohort):
            current = [h for h in _holdings(place) if h.ended_at is None]
            assert [h.user_id for h in current] == [holder_of(place).user_id]
            assert holder_of(place).place_id == place.id


def test_reference_cohort_is_finished_with_its_dates_and_ground_rules(loaded):
    cohort = _cohort(REFERENCE_TITLE)

    assert cohort.status == "finished"
    assert (cohort.starts_on, cohort.ends_on) == (date(2021, 3, 16), date(2021, 12, 17))
    assert cohort.capacity == 12
    assert cohort.focus == "Wellbeing policy making"
    assert len(cohort.ground_rule_list) == 6
    assert cohort.ground_rule_list[0] == "Trust"
    assert "A 'no wrong answer' approach in discussions" in cohort.ground_rule_list


def test_reference_sessions_follow_table_4(loaded):
    sessions = sessions_for(_cohort(REFERENCE_TITLE))

    assert [
        (s.title, s.kind, s.starts_at.astimezone(LONDON).date(), s.duration_minutes,
         len(s.topic_list), len(s.objectives))
        for s in sessions
    ] == [
        ("Introduction to Strategic Space and Policy Skills", "introduction", date(2021, 3, 16), 90, 3, 2),
        ("Introduction to Wellbeing (Wellbeing 101)", "introduction", date(2021, 3, 18), 90, 2, 2),
        ("Workshop 1", "workshop", date(2021, 4, 13), 150, 3, 3),
        ("Workshop 2", "workshop", date(2021, 6, 23), 150, 2, 4),
        ("Exploring Wellbeing Inequality", "deep_dive", date(2021, 7, 6), 90, 5, 4),
        ("Workshop 3", "workshop", date(2021, 9, 23), 150, 2, 4),
    ]
    assert all(s.starts_at.astimezone(LONDON).hour == 10 for s in sessions)
    assert all(s.timezone == "Europe/London" for s in sessions)
    # 16 March 2021 was still GMT; 13 April was in British Summer Time.
    assert sessions[0].starts_at == datetime(2021, 3, 16, 10, 0, tzinfo=UTC)
    assert sessions[2].starts_at == datetime(2021, 4, 13, 9, 0, tzinfo=UTC)
    assert [s.audience for s in sessions].count("members_and_colleagues") == 1
    assert sessions[1].audience == "members_and_colleagues"

    assert [o.text for o in sessions[2].objectives] == [
        "Clear on 'ask' of being part of cohort",
        "Meet other participants",
        "Identify opportunities for collaboration",
    ]
    assert [o.text for o in sessions[5].objectives] == [
        "Explain the role of implementation in wellbeing policy and why it matters",
        "Describe key features of a wellbeing approach to levelling up",
        "Take action and apply wellbeing findings and tools across the local authority and "
        "wider partnership",
        "Clear about what's required for reporting: action plans, blog and optional practice "
        "example",
    ]
    assert sessions[4].topic_list[0] == "what is wellbeing inequality?"
    assert not any("✓" in o.text for s in sessions for o in s.objectives)


def test_running_cohort_is_between_workshop_2_and_the_deep_dive(loaded):
    cohort = _cohort(RUNNING_TITLE)
    sessions = {s.title: s for s in sessions_for(cohort)}

    assert cohort.status == "running"
    assert cohort.focus == "Workplace wellbeing"
    assert len(sessions) == 6
    deep_dive = next(s for s in sessions.values() if s.kind == "deep_dive")
    assert sessions["Workshop 2"].starts_at < utcnow() < deep_dive.starts_at
    assert sessions["Workshop 3"].starts_at > deep_dive.starts_at
    assert cohort.starts_on <= utcnow().date() <= cohort.ends_on
    assert all(s.starts_at.astimezone(LONDON).hour == 10 for s in sessions.values())
    assert all(s.starts_at.astimezone(LONDON).weekday() < 5 for s in sessions.values())
    assert all(s.topic_list and s.objectives for s in sessions.values())

    southampton = _membership(cohort, "participant01@example.org")
    assert southampton.role == "participant" and southampton.place_id
    assert southampton.organisation.name == "Southampton City Council"
    assert southampton.area_of_focus == "Employee wellbeing"


def test_running_cohort_is_recruiting_its_last_places(loaded):
    cohort = _cohort(RUNNING_TITLE)
    now = utcnow()

    assert cohort.capacity == 12
    assert cohort.call_is_open(now)
    assert timedelta(weeks=9) < now - cohort.applications_open_at < timedelta(weeks=11)
    assert timedelta(weeks=1) < cohort.applications_close_at - now < timedelta(weeks=3)
    assert free_places(cohort) == 3
    participants = _participants(cohort)
    assert len(participants) == 9
    assert {m.user.email for m in participants} == {
        "participant01@example.org", *(f"workplace{n:02}@example.org" for n in range(2, 10)),
    }
    assert len({m.organisation.name for m in participants}) == 9
    assert application_counts(cohort) == {
        "submitted": 3, "accepted": 9, "waitlisted": 0, "declined": 0, "withdrawn": 0,
    }
    waiting = _applications(cohort, "submitted")
    assert all(cohort.applications_open_at < a.created_at < now for a in waiting)
    assert all(a.created_at > max(p.joined_at for p in participants) for a in waiting)
    assert not database.session.execute(
        select(User).where(User.email.in_([a.email for a in waiting]))
    ).first()


def test_the_facilitator_can_fill_the_running_cohorts_last_places(loaded):
    cohort = _cohort(RUNNING_TITLE)
    facilitator = database.session.execute(
        select(User).where(User.email == "facilitator@example.org")
    ).scalar_one()

    for application in _applications(cohort, "submitted"):
        accept_application(facilitator, application)
    commit()

    assert free_places(cohort) == 0
    assert sorted(p.slot for p in _places(cohort)) == list(range(1, 13))


def test_participant01_is_in_both_cohorts_and_sees_the_deep_dive_next(loaded, client):
    user = database.session.execute(
        select(User).where(User.email == "participant01@example.org")
    ).scalar_one()
    assert sorted((m.cohort.title, m.role) for m in memberships_for(user)) == [
        (REFERENCE_TITLE, "participant"),
        (RUNNING_TITLE, "participant"),
    ]

    sign_in(client, "participant01@example.org", PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"Join\s+<strong>Wellbeing Inequality at Work</strong>", page)


@pytest.mark.parametrize(
    ("email", "titles", "role"),
    [
        ("facilitator@example.org", [REFERENCE_TITLE, RUNNING_TITLE], "Facilitator"),
        ("evaluator@example.org", [REFERENCE_TITLE, RUNNING_TITLE], "Evaluator"),
        ("participant01@example.org", [REFERENCE_TITLE, RUNNING_TITLE], "Participant"),
        ("participant07@example.org", [REFERENCE_TITLE], "Participant"),
        ("participant04@example.org", [REFERENCE_TITLE], "Participant"),
        ("colleague01@example.org", [REFERENCE_TITLE], "Team member"),
    ],
)
def test_accounts_land_on_their_cohorts(loaded, client, email, titles, role):
    response = sign_in(client, email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    page = client.get("/").get_data(as_text=True)
    assert f"<dd class=\"govuk-summary-list__value\">{role}</dd>" in page
    assert page.count(f">{role}</dd>") == len(titles)
    for title in (REFERENCE_TITLE, RUNNING_TITLE):
        assert (title in page) == (title in titles)


def test_every_listed_account_signs_in_and_sees_its_cohorts(loaded, app):
    assert len(loaded) == 14
    assert {email for email, _ in loaded} == DEMO_ACCOUNTS
    both = {"facilitator@example.org", "evaluator@example.org", "participant01@example.org"}
    for email, description in loaded:
        status, page = _home_page_of(app, email, PASSWORD)
        assert status == 302, email
        expected = (
            [] if email == "admin@example.org"
            else [REFERENCE_TITLE, RUNNING_TITLE] if email in both
            else [REFERENCE_TITLE]
        )
        assert [t for t in (REFERENCE_TITLE, RUNNING_TITLE) if t in page] == expected, email
        assert ("2021 cohort" in description) == (REFERENCE_TITLE in expected and email not in both)


def test_the_people_who_are_not_demo_accounts_cannot_sign_in(loaded, app):
    others = database.session.execute(
        select(User.email).where(User.email.not_in(DEMO_ACCOUNTS))
    ).scalars().all()

    assert sorted(others) == sorted(
        [f"former{n:02}@example.org" for n in (2, 3, 4, 5, 7, 8, 9)]
        + [f"workplace{n:02}@example.org" for n in range(2, 10)]
    )
    for email in others:
        assert _sign_in_alone(app, email, PASSWORD) == 200, email
    # They took their places long ago: no invitation link is left waiting for anyone.
    assert _count(AccountToken) == 0


def test_no_mail_is_sent_or_queued_for_the_demo(db, outbox):
    demo.load(PASSWORD)
    assert not any(isinstance(value, list) and value for value in db.session.info.values())
    commit()

    _only_the_storys_reminders_are_in_the_mail_log()
    assert outbox == []


def _only_the_storys_reminders_are_in_the_mail_log() -> None:
    """The mail log holds the running cohort's reminders already sent in the story (one
    refused), each once, and nothing waiting to go to the invented people."""
    database.session.rollback()
    statuses = database.session.execute(select(MailMessage.status, func.count()).group_by(
        MailMessage.status)).all()
    assert dict(statuses).keys() == {"sent", "failed"} and dict(statuses)["failed"] == 1
    reminded = database.session.execute(select(func.count(Delivery.message_id.distinct()))
                                        ).scalar_one()
    assert reminded == _count(MailMessage)


def test_admin_is_a_site_administrator_outside_the_cohorts(loaded, client):
    sign_in(client, "admin@example.org", PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "You are not in a cohort yet" in page
    assert "Invite a facilitator or participant" in page
    assert client.get("/admin/mail").status_code == 200


def test_loading_twice_replaces_everything_with_one_copy(loaded, db, make_user):
    make_user("stranger@example.org")
    demo.load(PASSWORD)  # the second time: `loaded` is the first
    commit()

    # Staff, ten holders, seven former holders, a team member and eight more participants.
    assert _count(User) == 3 + 10 + 7 + 1 + 8
    assert _count(Cohort) == 2
    assert _count(Membership) == (2 + 10 + 7 + 1) + (2 + 9)
    # The ten councils, the programme team and the running cohort's eight other organisations.
    assert _count(Organisation) == 10 + 1 + 8
    assert _count(Place) == 10 + 9
    assert _count(PlaceHolding) == 10 + 7 + 9
    assert _count(Application) == 13 + 12
    assert _count(HandoverRequest) == 2
    _only_the_storys_reminders_are_in_the_mail_log()
    assert _count(ProgrammeSession) == 12
    assert _count(LearningObjective) == 19 + 16
    assert db.session.execute(
        select(User).where(User.email == "stranger@example.org")
    ).scalar_one_or_none() is None


def test_a_second_load_takes_the_new_password(loaded, db, app):
    demo.load("second demo password")
    commit()

    assert _sign_in_alone(app, "evaluator@example.org", PASSWORD) == 200
    assert _sign_in_alone(app, "evaluator@example.org", "second demo password") == 302


def test_database_is_empty(db, make_user):
    assert demo.database_is_empty()
    make_user()
    assert not demo.database_is_empty()


def test_cli_loads_the_demo_and_prints_the_accounts(app):
    result = app.test_cli_runner().invoke(args=["cohort", "demo"])

    assert result.exit_code == 0, result.output
    assert "Demo programme loaded" in result.output
    for email in DEMO_ACCOUNTS:
        assert email in result.output
    assert "Kirklees Council" in result.output
    assert "team member in the 2021 cohort" in result.output
    assert demo.OTHERS in result.output
    assert "workplace02@example.org to workplace09@example.org" in demo.OTHERS
    assert "former03@example.org" not in result.output
    _only_the_storys_reminders_are_in_the_mail_log()
    assert f"Password for every account: {app.config['DEMO_PASSWORD']}" in result.output
    assert _count(Cohort) == 2


def test_cli_if_empty_loads_an_empty_database_with_the_configured_password(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "another demo secret")

    result = app.test_cli_runner().invoke(args=["cohort", "demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert "Demo programme loaded" in result.output
    assert _count(User) == 29
    assert "Password for every account: another demo secret" in result.output
    assert _sign_in_alone(app, "facilitator@example.org", "another demo secret") == 302


def test_cli_if_empty_leaves_a_database_with_users_alone(app, make_user):
    make_user("someone@example.org")

    result = app.test_cli_runner().invoke(args=["cohort", "demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert [u.email for u in database.session.execute(select(User)).scalars()] == [
        "someone@example.org"
    ]
    assert _count(Cohort) == 0


# The programme side: objectives, joining links, attendance and confidence ratings --------------


def test_both_cohorts_have_overall_objectives(loaded):
    from cohort.programme.services import programme_objectives

    reference = _cohort("Local authority wellbeing policy making cohort 2021")
    running = _cohort("Workplace wellbeing cohort")
    assert len(programme_objectives(reference)) == 5
    assert programme_objectives(reference)[2].text == "Describe how wellbeing can be measured"
    assert len(programme_objectives(running)) == 4


def test_reference_attendance_follows_who_held_each_place_at_the_time(loaded):
    from cohort.programme.models import Attendance

    reference = _cohort("Local authority wellbeing policy making cohort 2021")
    sessions = sessions_for(reference)
    workshop1 = next(s for s in sessions if s.title == "Workshop 1")
    workshop3 = next(s for s in sessions if s.title == "Workshop 3")
    marked = {
        session.id: {
            a.membership_id for a in database.session.execute(
                select(Attendance).where(Attendance.session_id == session.id)).scalars()
        }
        for session in (workshop1, workshop3)
    }
    # One record per place for each session, taken by the holder of the day.
    assert len(marked[workshop1.id]) == 10 and len(marked[workshop3.id]) == 10
    former = _membership(reference, "former02@example.org")
    successor = _membership(reference, "participant02@example.org")
    assert former.id in marked[workshop1.id] and successor.id not in marked[workshop1.id]
    assert successor.id in marked[workshop3.id] and former.id not in marked[workshop3.id]


def test_ratings_exist_for_present_members_and_one_is_left_to_try(loaded):
    from cohort.programme.models import Attendance, ObjectiveRating
    from cohort.programme.services import rating_spread, ratings_of

    running = _cohort("Workplace wellbeing cohort")
    past = [s for s in sessions_for(running) if s.starts_at < utcnow()]
    latest = past[-1]
    assert all(s.join_url and s.join_url.startswith("https://") for s in sessions_for(running))
    participant01 = _membership(running, "participant01@example.org")
    assert ratings_of(latest, participant01) == {}
    spread = rating_spread(latest)
    present = database.session.execute(
        select(func.count()).select_from(Attendance)
        .where(Attendance.session_id == latest.id, Attendance.status == "present")
    ).scalar_one()
    rated_by_01 = 1 if database.session.execute(
        select(Attendance.status).where(Attendance.session_id == latest.id,
                                        Attendance.membership_id == participant01.id)
    ).scalar_one() == "present" else 0
    for objective in latest.objectives:
        assert spread[objective.id]["n"] == present - rated_by_01
    assert _count(ObjectiveRating) > 100


def test_cli_refuses_a_demo_password_that_breaks_the_rules(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "short")
    result = app.test_cli_runner().invoke(args=["cohort", "demo"])
    assert result.exit_code == 1
    assert "COHORT_DEMO_PASSWORD is refused: Password must be 8 characters or more" in result.output
    assert _count(User) == 0
