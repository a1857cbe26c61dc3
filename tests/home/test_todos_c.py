"""The evaluation's to-dos (cohort/evaluation/home.py): the participant's surveys to answer, the
facilitator's count of answers to each open survey, the evaluator's state and response rate of
each survey; figures only, in a fixed number of queries however many cohorts and answers."""

from datetime import timedelta

from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.timeutil import format_date, format_local, utcnow
from tests.helpers import DEMO_PASSWORD, home_queries, sign_in


def _home_of(client, email: str) -> str:
    sign_in(client, email, DEMO_PASSWORD)
    return client.get("/").get_data(as_text=True)


def _surveys(cohort) -> dict:
    from cohort.evaluation.models import Survey
    from cohort.extensions import db

    return {s.phase: s for s in db.session.execute(
        select(Survey).where(Survey.cohort_id == cohort.id)).scalars()}


def _give(cohort, facilitator, phase="pre", opens=timedelta(days=-1), closes=timedelta(days=5),
          anonymous=True):
    from cohort.evaluation.services import attach_survey

    now = utcnow()
    survey = attach_survey(facilitator.user, cohort, "knowledge", phase, now + opens,
                           now + closes, anonymous)
    commit()
    return survey


def _answer(member, survey, submit=True):
    from cohort.evaluation.services import instrument_of, save_answers

    save_answers(member.user, member, survey,
                 {i.key: "2" for i in instrument_of(survey).items_at(survey.phase)
                  if i.type == "knowledge"}, submit=submit)
    commit()


def test_the_demo_facilitator_sees_how_many_have_answered_the_open_survey(client, demo_cohorts):
    _, running = demo_cohorts
    pre = _surveys(running)["pre"]
    page = _home_of(client, "facilitator@example.org")
    todo = (f'href="/cohorts/{running.id}/surveys/{pre.id}">Knowledge self-assessment (before the '
            "programme): 8 of 9 have answered</a>")
    assert todo in page
    assert todo in client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    # The survey's page counts the same.
    survey_page = client.get(f"/cohorts/{running.id}/surveys/{pre.id}").get_data(as_text=True)
    assert "8 of the 9 people who may answer have submitted" in survey_page
    # The survey after the programme is not open yet; the rates are the evaluator's.
    assert "(after the programme)" not in page and "answered (" not in page


def test_the_demo_participant_who_has_not_answered_is_asked_to(client, demo_cohorts):
    _, running = demo_cohorts
    pre = _surveys(running)["pre"]
    page = _home_of(client, "participant01@example.org")
    closes = format_local(pre.closes_at, "Europe/London")
    todo = (f'href="/cohorts/{running.id}/surveys/{pre.id}/answer">Answer “Knowledge self-assessment '
            f"(before the programme)”: open until {closes}</a>")
    assert todo in page
    assert todo in client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    assert "have answered" not in page and "answered (" not in page


def test_a_participant_who_has_submitted_is_not_asked_again(client, demo_cohorts):
    page = _home_of(client, "participant02@example.org")
    assert "Knowledge self-assessment" not in page


def test_the_demo_evaluator_sees_each_surveys_state_and_response_rate(client, demo_cohorts):
    _, running = demo_cohorts
    post = _surveys(running)["post"]
    page = _home_of(client, "evaluator@example.org")
    report = f'href="/cohorts/{running.id}/evaluation">'
    assert f"{report}Knowledge self-assessment (before the programme): open, 8 of 9 answered (89%)</a>" \
        in page
    opens = format_date(post.opens_at, "Europe/London")
    assert (f"{report}Knowledge self-assessment (after the programme): not open yet, opens on {opens}"
            "</a>") in page
    overview = client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    assert "open, 8 of 9 answered (89%)" in overview
    assert "have answered" not in page and "Answer “" not in page


def _home(new_client, login, member) -> str:
    client = new_client()
    login(member.user, the_client=client)
    return client.get("/").get_data(as_text=True)


def test_a_closed_survey_shows_its_final_rate_to_the_evaluator(new_client, login, make_member):
    facilitator = make_member(role="facilitator")
    cohort = facilitator.cohort
    evaluator = make_member(cohort, "evaluator")
    people = [make_member(cohort, "participant") for _ in range(3)]
    survey = _give(cohort, facilitator, closes=timedelta(days=1))
    _answer(people[0], survey)
    for person in people:
        person.joined_at = utcnow() - timedelta(days=2)
    survey.closes_at = utcnow() - timedelta(hours=1)
    commit()
    assert "Knowledge self-assessment (before the programme): closed, 1 of 3 answered (33%)" \
        in _home(new_client, login, evaluator)
    # Closed: nothing more to answer, nothing for the facilitator to follow.
    assert "Knowledge self-assessment" not in _home(new_client, login, people[1])
    assert "Knowledge self-assessment" not in _home(new_client, login, facilitator)


def test_the_homes_count_who_was_asked_as_the_survey_page_does(client, new_client, login,
                                                              make_member):
    """A named survey answered by someone who had left before it opened: they count among
    those asked on the survey's page and in the report, and so on the homes (the homes once
    took the larger of those asked in the dates and those who answered: 1 of 2)."""
    facilitator = make_member(role="facilitator")
    cohort = facilitator.cohort
    evaluator = make_member(cohort, "evaluator")
    ada, _ben, _cy = (make_member(cohort, "participant") for _ in range(3))
    survey = _give(cohort, facilitator, anonymous=False)
    _answer(ada, survey)
    ada.status, ada.left_at = "left", survey.opens_at - timedelta(days=1)
    commit()
    assert "1 of 3 answered (33%)" in _home(new_client, login, evaluator)
    page = _home(new_client, login, facilitator)
    assert "Knowledge self-assessment (before the programme): 1 of 3 has answered" in page
    login(facilitator.user)
    survey_page = client.get(f"/cohorts/{cohort.id}/surveys/{survey.id}").get_data(as_text=True)
    assert "2 of the 3 people who may answer have not submitted yet" in survey_page


def test_a_draft_is_not_an_answer_and_a_submission_ends_the_to_do(new_client, login,
                                                                   make_member):
    facilitator = make_member(role="facilitator")
    cohort = facilitator.cohort
    ada, ben = make_member(cohort, "participant"), make_member(cohort, "participant")
    colleague = make_member(cohort, "colleague")
    survey = _give(cohort, facilitator, anonymous=False)
    _answer(ada, survey, submit=False)
    assert ("Finish and submit your answers to “Knowledge self-assessment (before the "
            "programme)”") in _home(new_client, login, ada)
    _answer(ada, survey)
    assert "Knowledge self-assessment" not in _home(new_client, login, ada)
    assert "Answer “Knowledge self-assessment (before the programme)”" in \
        _home(new_client, login, ben)
    # A team member does not answer for the place.
    assert "Knowledge self-assessment" not in _home(new_client, login, colleague)
    assert "Knowledge self-assessment (before the programme): 1 of 2 has answered" in \
        _home(new_client, login, facilitator)


def test_nothing_is_shown_without_an_open_survey(new_client, login, make_member):
    facilitator = make_member(role="facilitator")
    cohort = facilitator.cohort
    participant = make_member(cohort, "participant")
    evaluator = make_member(cohort, "evaluator")
    for member in (facilitator, participant, evaluator):
        assert "Knowledge self-assessment" not in _home(new_client, login, member)
    _give(cohort, facilitator, opens=timedelta(days=3), closes=timedelta(days=9))
    for member in (facilitator, participant):  # not open yet: only the evaluator hears of it
        assert "Knowledge self-assessment" not in _home(new_client, login, member)
    assert "Knowledge self-assessment (before the programme): not open yet" in \
        _home(new_client, login, evaluator)


def test_the_survey_to_dos_take_the_same_queries_for_more_cohorts_and_answers(
        new_client, login, make_user, make_member):
    counts = {}
    for n in (1, 4):
        user = make_user()
        for i in range(n):
            for role in ("participant", "facilitator", "evaluator"):
                facilitator = make_member(role="facilitator",
                                          user=user if role == "facilitator" else None)
                cohort = facilitator.cohort
                if role != "facilitator":
                    make_member(cohort, role, user=user)
                others = [make_member(cohort, "participant") for _ in range(i + 1)]
                survey = _give(cohort, facilitator, anonymous=role != "facilitator")
                _give(cohort, facilitator, "post", opens=timedelta(days=20),
                      closes=timedelta(days=30), anonymous=role != "facilitator")
                for other in others:
                    _answer(other, survey)
        client = new_client()
        login(user, the_client=client)
        counts[n], page = home_queries(client)
        assert page.count("Answer “Knowledge self-assessment") == n
        assert page.count("have answered</a>") + page.count("has answered</a>") == n
        assert page.count("not open yet") == n
    assert counts[1] == counts[4], counts
